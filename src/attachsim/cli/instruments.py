"""Commands around the instruments: score (real questionnaire files), table (seed tables), screen."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ._common import console, progress, say, show

table_app = typer.Typer(no_args_is_help=True, help="Tables that compare simulated cohorts with the seed texts.")
score_app = typer.Typer(no_args_is_help=True, help="Score real questionnaire files with the simulation's scorers.")


def _progress_run(name: str, n: int | None, seed: int, years: float | None = None) -> Any:
    from .. import simulation

    sim = simulation(name, n=n, seed=seed, years=years)
    with progress(f"{name:<22}", sim.n_steps, "weeks") as update:
        return sim.run(progress=lambda done, total: update(completed=done))


@table_app.command("trauma-vs-neglect")
def trauma_vs_neglect_cmd(
    n: Annotated[int, typer.Option("--n", help="People per cohort.", min=100)] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the cohorts share it).", min=0)] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the table as CSV here.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file at --out.")] = False,
) -> None:
    """Run a threat-only and a deprivation-only cohort and print the seed's table from simulated data."""
    import pandas as pd

    from ..io import atomic_write_csv, check_output_file, write_output_file
    from ..reports.trauma_neglect import table

    if out is not None:
        check_output_file(out, overwrite=overwrite, suffixes=(".csv",))  # before any compute
    cohorts = [_progress_run(name, n, seed) for name in ("threat-childhood", "deprivation-childhood", "normative")]
    rows = table(*cohorts)
    t = Table("aspect", "seed says", "simulated measure", "threat", "neglect", "normative", "d (T-N)", "as seed?",
              box=None)
    for r in rows:
        t.add_row(r["aspect"], r["seed_says"], r["measure"], f"{r['threat']:.3f}", f"{r['deprivation']:.3f}",
                  f"{r['normative']:.3f}", f"{r['d_threat_vs_deprivation']:+.2f}",
                  "[green]yes[/]" if r["reproduced"] else "[red]no[/]")
    say(f"Trauma (threat, 0-12 years) vs neglect (deprivation, 0-12 years), {n:,} people each, seed {seed}")
    show(t)
    say(f"{sum(r['reproduced'] for r in rows)} of {len(rows)} rows go the way the seed text says.")
    if out is not None:
        frame = pd.DataFrame(rows)
        written = write_output_file(out, lambda p: atomic_write_csv(p, frame), overwrite=overwrite)
        console.print(f"Wrote {written}.", markup=False)


def screen_cmd(
    n: Annotated[int, typer.Option("--n", help="People in each population.", min=200)] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the training population; the test population "
                                                     "uses seed + 1.", min=0)] = 0,
    scenario: Annotated[str, typer.Option("--scenario", help="Population to screen.")] = "screening-population",
) -> None:
    """Screening (S1-4): predict the adversity pathway from 8-year signs; score it on a fresh population."""
    from ..assessments.screening import screen
    from ..errors import UserError
    from ..scenarios import load_scenario

    load_scenario(scenario)  # a bad name is an error before any compute
    train = _progress_run(scenario, n, seed)
    test = _progress_run(scenario, n, seed + 1)
    try:
        result = screen(train.people, test.people)
    except ValueError as exc:
        raise UserError(f"--scenario {scenario}: {exc}", flag="--scenario") from None
    t = Table("pathway", "n (test)", "sensitivity", "specificity", box=None)
    for r in result["rows"]:
        t.add_row(r["pathway"], f"{r['n']:,}", f"{r['sensitivity']:.3f}", f"{r['specificity']:.3f}")
    say(f"Linear discriminant on the 11 signs at {result['age_years']} years; trained on seed {seed} "
        f"({result['n_train']:,} children), tested on seed {seed + 1} ({result['n_test']:,} children).")
    show(t)
    say(f"overall accuracy {result['accuracy']:.3f}")


@score_app.command("ecr-r")
def score_ecrr_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet: one row per respondent, item columns 1-36.")],
    out: Annotated[Path | None, typer.Option("--out", help="Output .csv or .parquet "
                                                           "(default: FILE-scores.csv).")] = None,
    id_column: Annotated[str, typer.Option("--id-column", help="Name of the respondent id column (any case).")] = "id",
    missing: Annotated[str, typer.Option("--missing", help="Missing answers: 'error' or 'prorate'.")] = "error",
    min_items: Annotated[int, typer.Option("--min-items", help="With --missing prorate: items of 18 a scale "
                                                              "needs (1-18).")] = 14,
    cut: Annotated[float, typer.Option("--cut", help="Cut-off on both scales for the four categories (1-7).")] = 4.0,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file at --out.")] = False,
) -> None:
    """Score ECR-R answers: anxiety, avoidance and the four categories, one row per respondent."""
    from ..assessments.ecrr import read_responses, score_frame
    from ..errors import UserError
    from ..io import atomic_write_csv, atomic_write_parquet, check_output_file, write_output_file
    from ._common import check_choice, check_range

    check_choice("--missing", missing, ("error", "prorate"))
    check_range("--min-items", min_items, 1, 18)
    check_range("--cut", cut, 1.0, 7.0)
    target = out if out is not None else file.with_name(f"{file.stem}-scores.csv")
    check_output_file(target, overwrite=overwrite, suffixes=(".csv", ".parquet"))
    if file.exists() and target.resolve() == file.resolve():
        raise UserError(f"--out {target}: the output would overwrite the input file.", flag="--out")
    ids, answers = read_responses(file, id_column)
    scores = score_frame(ids, answers, missing=missing, min_items=min_items, cut=cut)  # type: ignore[arg-type]
    writer = atomic_write_csv if target.suffix.lower() == ".csv" else atomic_write_parquet
    write_output_file(target, lambda p: writer(p, scores), overwrite=overwrite)
    counts = scores["adult_style"].value_counts()
    console.print(f"Scored {len(scores):,} respondents -> {target}", markup=False)
    for style in ("secure", "preoccupied", "dismissing", "fearful"):
        say(f"  {style:<12} {int(counts.get(style, 0)):>7,}")
    unscored = int((scores["adult_style"] == "").sum())
    if unscored:
        say(f"  {'not scored':<12} {unscored:>7,} (too few items answered)")


def register(app: typer.Typer) -> None:
    """Add this family's commands to ``app``."""
    app.add_typer(table_app, name="table")
    app.add_typer(score_app, name="score")
    app.command("screen")(screen_cmd)


__all__ = ["register"]
