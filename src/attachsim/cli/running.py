"""Commands that run or describe one scenario: run, show, plan, scenarios, bench."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from ..core.checks import check_engine, check_seed
from ..errors import UserError
from ..scenarios import describe_builtins, load_scenario, resolved_yaml
from ._common import (
    FLAGS,
    Overwrite,
    Quiet,
    check_choice,
    check_range,
    console,
    field_bounds,
    progress,
    provenance,
    say,
    show,
)

FORMATS = ("parquet", "csv", "both")
_SSP_LABELS = {"A": "A avoidant", "B": "B secure", "C": "C resistant", "D": "D disorganised"}


def scenarios_cmd() -> None:
    """List the built-in scenarios with a one-line description."""
    table = Table("scenario", "description", box=None)
    for name, desc in describe_builtins():
        table.add_row(name, desc)
    console.print(table)


def show_cmd(scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")]) -> None:
    """Print the resolved scenario (every default filled in) as YAML."""
    typer.echo(resolved_yaml(load_scenario(scenario)), nl=False)


def plan_cmd(scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")]) -> None:
    """Print the order in which mechanisms act each week."""
    from .. import simulation

    sim = simulation(scenario)
    console.print(f"Step order for '{sim.scenario.name}' (one step = one week, {sim.n_steps} steps):", markup=False)
    for e in sim.plan():
        console.print(f"{e.position:>3}. [bold]{escape(e.key)}[/] - {escape(e.label)} [dim]({escape(e.runs_in)})[/]")
        console.print(f"       {e.summary}", markup=False)
    lay = sim.layout
    console.print(f"State: {len(lay.f32)} float32 + {len(lay.i32)} int32 + {len(lay.i8)} int8 arrays "
                  f"= {lay.bytes_per_person} bytes per person.")


def shares_table(shares: dict[str, Any], labels: dict[str, str] | None = None) -> Table:
    """Category shares with 95% intervals and counts as a table."""
    table = Table("category", "share", "95% interval", "count", box=None)
    for cat, v in shares.items():
        share = "-" if math.isnan(v["share"]) else f"{100 * v['share']:.1f}%"
        table.add_row((labels or {}).get(cat, cat), share, f"{100 * v['ci_low']:.1f}-{100 * v['ci_high']:.1f}%",
                      f"{v['count']:,}")
    return table


def _shares(values: pd.Series, categories: tuple[str, ...]) -> dict[str, Any]:
    from ..core.results import wilson

    values = values.dropna().astype(str)
    values = values[values != ""]
    n = len(values)
    out = {}
    for c in categories:
        k = int((values == c).sum())
        lo, hi = wilson(k, n)
        out[c] = {"share": k / n if n else math.nan, "ci_low": lo, "ci_high": hi, "count": k}
    return out


def adult_outcomes(people: pd.DataFrame) -> dict[str, Any] | None:
    """The adult instruments at the oldest adult age assessed (ECR-R styles, interview classes, compulsive use)."""
    from ..adulthood.relief import REGULATORS
    from ..assessments.ecrr import STYLES
    from ..assessments.lifespan import AAI_CLASSES

    ages = sorted(int(c.rsplit("_", 1)[1]) for c in people.columns
                  if c.startswith("adult_style_") and c.rsplit("_", 1)[1].isdigit())
    ages = [a for a in ages if people[f"adult_style_{a}"].notna().any()]
    if not ages:
        return None
    age = ages[-1]
    out: dict[str, Any] = {"age_years": age, "n": int(people[f"adult_style_{age}"].notna().sum()),
                           "ecrr_style": _shares(people[f"adult_style_{age}"], STYLES)}
    if f"aai_{age}" in people:
        out["adult_interview"] = _shares(people[f"aai_{age}"], AAI_CLASSES)
    assessed = people[f"adult_style_{age}"].notna()
    out["compulsive_use_ever"] = {t: float(people.loc[assessed, f"compulsive_{t}_ever"].mean())
                                  for t in REGULATORS if f"compulsive_{t}_ever" in people}
    return out


def by_generation(people: pd.DataFrame) -> dict[str, Any] | None:
    """Strange Situation shares at 12 months for each generation (when there are several)."""
    from ..assessments.strange_situation import CATEGORIES

    gens = sorted(int(g) for g in people["generation"].unique())
    if len(gens) < 2:
        return None
    return {str(g): {"people": int((people["generation"] == g).sum()),
                     "shares": _shares(people.loc[people["generation"] == g, "ssp_12m"], tuple(CATEGORIES))}
            for g in gens}


def run_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    n: Annotated[int | None, typer.Option("--n", help="Number of people (default: the scenario's).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (non-negative).")] = 0,
    years: Annotated[float | None, typer.Option("--years", help="Years to simulate (default: the scenario's; the "
                                                                "model covers ages 0-60).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the people table, summary.json and "
                                                           "scenario.yaml (absent or empty; see --overwrite).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="numba (fast) or numpy (reference).")] = "numba",
    generations: Annotated[int | None, typer.Option("--generations", help="Generations to simulate (1-5; "
                                                                          "default: the scenario's).")] = None,
    params: Annotated[Path | None, typer.Option("--params", help="Parameter file (YAML: dotted parameter paths -> "
                                                                 "values), e.g. written by 'attachsim calibrate'.")]
    = None,
    fmt: Annotated[str, typer.Option("--format", help="People table format with --out: parquet, csv or both.")]
    = "parquet",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object (no tables).")] = False,
    timeseries: Annotated[str, typer.Option("--timeseries", help="Record population series: yearly, monthly or "
                                                                 "none (written as timeseries.parquet).")] = "yearly",
    trace: Annotated[str | None, typer.Option("--trace", help="Ids of people to follow week by week, e.g. 1,2,3 "
                                                              "(written as traces.parquet).")] = None,
    trace_every: Annotated[str, typer.Option("--trace-every", help="weekly or monthly.")] = "weekly",
) -> None:
    """Run a scenario, print the Strange Situation shares (and adult outcomes) and optionally write the results."""
    from .. import simulation
    from ..io import (
        check_output_dir,
    )
    from ..scenarios.schema import PopulationSpec, max_years
    from ..warm import first_run

    FLAGS.quiet = FLAGS.quiet or quiet or as_json
    check_seed(seed, "--seed")
    check_engine(engine, "--engine")
    check_choice("--format", fmt, FORMATS)
    check_choice("--timeseries", timeseries, ("yearly", "monthly", "none"))
    check_choice("--trace-every", trace_every, ("weekly", "monthly"))
    check_range("--n", n, *field_bounds(PopulationSpec, "n")[:2])
    check_range("--generations", generations, *field_bounds(PopulationSpec, "generations")[:2])
    values: dict[str, float] = {}
    sc = load_scenario(scenario)
    if params is not None:
        from ..validation.params_file import apply_params, load_params

        values = load_params(params)
        sc = apply_params(sc, values)
    gens = generations if generations is not None else sc.population.generations
    check_range("--years", years, 0.0, max_years(gens), lo_open=True)
    if out is not None:
        check_output_dir(out, "run", overwrite=overwrite)  # before any compute
    try:
        sim = simulation(sc, n=n, seed=seed, years=years, engine=engine, generations=generations,  # type: ignore[arg-type]
                         timeseries=None if timeseries == "none" else timeseries, trace=trace, trace_every=trace_every)
    except ValueError as exc:  # a bad --trace list
        raise UserError(str(exc).replace("trace: ", "--trace: ", 1)) from None
    say(f"Running '{sim.scenario.name}': {sim.scenario.population.n:,} people, {sim.scenario.years:g} years "
        f"({sim.n_steps} weeks), {sim.scenario.population.generations} generation"
        f"{'s' if sim.scenario.population.generations > 1 else ''}, seed {seed}.")
    with first_run(say, sim.engine), progress("simulating", sim.n_steps, "weeks") as update:
        results = sim.run(progress=lambda done, total: update(completed=done))
    summary = results.summary()
    adult = adult_outcomes(results.people)
    gens_split = by_generation(results.people)
    if adult is not None:
        summary["adult"] = adult
    if gens_split is not None:
        summary["by_generation"] = gens_split
    resolved = resolved_yaml(sim.scenario)
    record = {**summary, "meta": {**results.meta, **provenance(resolved, values or None)}}
    if as_json:
        typer.echo(json.dumps(record, allow_nan=True, default=str))
    else:
        _print_summary(summary)
    if out is not None:
        written = write_results(results, sim.scenario, record, out, fmt=fmt, overwrite=overwrite)
        if not as_json:
            console.print(f"Wrote {', '.join(str(p) for p in written)}.", markup=False)


def write_results(results: Any, scenario: Any, summary: dict[str, Any], out: Path, *, fmt: str = "parquet",
                  overwrite: bool = False) -> list[Path]:
    """Write a run's output folder in one swap: people table, summary.json and scenario.yaml.

    The people table is Parquet, CSV or both (``fmt``); ``out`` must be absent, empty, or a
    previous run output with ``overwrite``.
    """
    from ..io import atomic_write_csv, atomic_write_json, atomic_write_parquet, atomic_write_text, write_output_dir

    check_choice("--format", fmt, FORMATS)
    people = results.people
    record = summary if "meta" in summary else {**summary, "meta": results.meta}
    files: dict[str, Any] = {}
    if fmt in ("parquet", "both"):
        files["people.parquet"] = lambda p: atomic_write_parquet(p, people)
    if fmt in ("csv", "both"):
        files["people.csv"] = lambda p: atomic_write_csv(p, people)
    files["summary.json"] = lambda p: atomic_write_json(p, record)
    files["scenario.yaml"] = lambda p: atomic_write_text(p, resolved_yaml(scenario))
    for name, table in (("timeseries.parquet", results.timeseries), ("traces.parquet", results.traces)):
        if table is not None:
            files[name] = lambda p, table=table: atomic_write_parquet(p, table)
    return write_output_dir(out, "run", files, overwrite=overwrite)


def _print_summary(summary: dict[str, Any]) -> None:
    pooled = " (all generations pooled)" if "by_generation" in summary else ""
    say(f"Strange Situation at 12 months (n = {summary['n']:,}){pooled}:")
    show(shares_table(summary["shares"], _SSP_LABELS))
    r = summary.get("sensitivity_security_r")
    if r is not None:
        say(f"sensitivity-security r = {r['r']:.3f} (95% CI {r['ci_low']:.3f} to {r['ci_high']:.3f})")
    for gen, part in (summary.get("by_generation") or {}).items():
        assessed = sum(v["count"] for v in part["shares"].values())
        say(f"Generation {gen}: {part['people']:,} people, {assessed:,} assessed at 12 months:")
        show(shares_table(part["shares"], _SSP_LABELS))
    adult = summary.get("adult")
    if adult is not None:
        say(f"Adult outcomes at {adult['age_years']} years (n = {adult['n']:,}), ECR-R styles:")
        show(shares_table(adult["ecrr_style"]))
        if "adult_interview" in adult:
            say("Adult-interview classes (F secure-autonomous, Ds dismissing, E preoccupied):")
            show(shares_table(adult["adult_interview"]))
        use = adult.get("compulsive_use_ever") or {}
        if use:
            say("Compulsive use ever, by regulator: " + ", ".join(f"{k} {100 * v:.1f}%" for k, v in use.items()))


def bench_cmd(
    n: Annotated[int, typer.Option("--n", help="People.", min=1000)] = 1_000_000,
    years: Annotated[float, typer.Option("--years", help="Years from birth.", min=0.1, max=60)] = 40.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
) -> None:
    """Measure agent-steps per second, the memory-bandwidth bound and the NumPy reference, in one run."""
    from ..bench import run_bench

    FLAGS.quiet = FLAGS.quiet or as_json
    with progress("simulating", None, "weeks", transient=True) as update:
        result = run_bench(n=n, years=years, progress=lambda done, total: update(completed=done, total=total))
    if as_json:
        typer.echo(json.dumps(result))
        return
    rows = [
        ("people x weeks", f"{result['n']:,} x {result['steps']:,} ({result['years']:g} years)"),
        ("wall time (whole run, compile/cache load included)", f"{result['wall_s']:.1f} s"),
        ("agent-steps per second (weekly loop)", f"{result['agent_steps_per_s'] / 1e6:.1f} M"),
        ("bytes moved per agent-step (state layout)", f"{result['bytes_per_agent_step']}"),
        ("stream bandwidth (large array copy)", f"{result['stream_gb_per_s']:.1f} GB/s"),
        ("bound = bandwidth / bytes", f"{result['bound_agent_steps_per_s'] / 1e6:.1f} M agent-steps/s"),
        ("fraction of bound", f"{result['fraction_of_bound']:.3f}"),
        ("kernel vs NumPy reference, same people and weeks",
         f"{result['kernel_agent_steps_per_s'] / 1e6:.2f} M vs "
         f"{result['numpy_reference_agent_steps_per_s'] / 1e6:.2f} M = "
         f"{result['speedup_vs_numpy_reference']:.1f}x, median of the rounds "
         f"{' / '.join(f'{r:.1f}' for r in result['speedup_vs_numpy_reference_by_round'])} (people in birth order, "
         f"as in runs; ages scattered over the blocks: {result['speedup_vs_numpy_reference_interleaved_ages']:.1f}x)"),
        ("state bytes per person (layout)", f"{result['state_bytes_per_person']} "
         f"({result['model_state_bytes_per_person']} model states, the rest assessment results)"),
        ("memory per person at the end of the weekly loop", f"{result['simulation_bytes_per_person']:.0f} bytes"),
        ("peak memory per person (process RSS growth)", f"{result['peak_bytes_per_person']:.0f} bytes"),
        ("time by section (kernels and hooks)", ", ".join(f"{k} {v:.1f} s" for k, v in result["sections_s"].items()
                                                          if v >= 0.05)),
        ("Numba threads", f"{result['threads']}"),
    ]
    t = Table("measure", "value", box=None)
    for k, v in rows:
        t.add_row(k, v)
    show(t)


def register(app: typer.Typer) -> None:
    """Add this family's commands to ``app``."""
    app.command("scenarios")(scenarios_cmd)
    app.command("show")(show_cmd)
    app.command("plan")(plan_cmd)
    app.command("run")(run_cmd)
    app.command("bench")(bench_cmd)


__all__ = ["FORMATS", "adult_outcomes", "by_generation", "register", "shares_table", "write_results"]
