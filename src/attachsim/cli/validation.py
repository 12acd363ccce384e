"""Commands that hold the model against published figures: validate, calibrate, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import UserError
from ..warm import first_run
from ._common import Overwrite, check_choice, check_range, console, progress, say, show


def validate_cmd(
    n: Annotated[int, typer.Option("--n", help="People per scenario run (at least 100).")] = 20_000,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per scenario (first-seed, first-seed+1, ...; "
                                                       "1-1000).")] = 3,
    first_seed: Annotated[int, typer.Option("--first-seed", help="First seed; every seed must be below 1000 "
                                                                 "(calibration's seeds start at 1000).")] = 1,
    target_set: Annotated[str, typer.Option("--set", help="Which targets: calibration (MODEL §8, fitted to), "
                                                          "validation (never fitted to) or all.")] = "all",
    out: Annotated[Path, typer.Option("--out", help="Folder for validation.md and validation.html (absent or "
                                                    "empty; see --overwrite).")] = Path("validation"),
    strict: Annotated[bool, typer.Option("--strict", help="Exit with status 1 when a target fails.")] = False,
    params: Annotated[Path | None, typer.Option("--params", help="Parameter file to validate instead of the "
                                                                 "defaults.")] = None,
    target: Annotated[list[str] | None, typer.Option("--target", help="A target or group (repeatable; default: "
                                                                      "all).")] = None,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes.")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Folder to keep each run's people table in and "
                                                               "reuse it from.")] = None,
    overwrite: Overwrite = False,
) -> None:
    """Compare the model with published figures: calibration set (MODEL §8) and validation set, pass counts each."""
    from ..core.checks import check_seed
    from ..execution import KINDS
    from ..io import atomic_write_text, check_output_dir, write_output_dir
    from ..validation import get_targets, rows, validate
    from ..validation.params_file import load_params
    from ..validation.validate import plan_runs, to_html, to_markdown

    check_choice("--executor", executor, KINDS)
    check_range("--n", n, 100, None)
    check_range("--seeds", seeds, 1, 1000)
    check_range("--workers", workers, 1, 4096)
    check_seed(first_seed, "--first-seed")
    check_choice("--set", target_set, ("calibration", "validation", "all"))
    if first_seed + seeds > 1000:
        raise UserError(f"--first-seed {first_seed} with --seeds {seeds} reaches seed {first_seed + seeds - 1}; "
                        "validation seeds must be below 1000 (seeds from 1000 on are calibration's).",
                        flag="--first-seed")
    if cache is not None and cache.exists() and not cache.is_dir():
        raise UserError(f"--cache {cache}: is a file; --cache takes a folder.", flag="--cache")
    values = load_params(params) if params is not None else {}
    try:
        chosen = get_targets(target, target_set)
    except ValueError as exc:
        raise UserError(f"--target: {exc}", flag="--target") from None
    check_output_dir(out, "validation", overwrite=overwrite)  # before any compute
    planned = plan_runs(chosen, list(range(first_seed, first_seed + seeds)), n, values)
    say(f"Validating {len(chosen)} targets: {len(planned)} runs ({len({i.key for i in planned})} scenarios x {seeds} "
        f"seeds) of {n:,} people, {executor}.")
    with first_run(say), progress("simulating", len(planned), "runs") as update:

        def step(done: int, total: int, key: str, seed: int) -> None:
            update(completed=done, description=f"done {key} seed {seed}")

        result = validate([t.name for t in chosen], n=n, seeds=seeds, first_seed=first_seed, params=values,
                          target_set=target_set, executor=executor, workers=workers, cache=cache, progress=step)
    t = Table("set", "target", "published", "model", "over seeds", "accepted", "pass", box=None)
    for r in rows(result):
        t.add_row(*(escape(str(r[k])) for k in ("set", "target", "published", "model_text", "interval_text",
                                                "accepted_text")),
                  "[green]yes[/]" if r["passed"] else "[red]no[/]")
    show(t)
    md_text, html_text = to_markdown(result), to_html(result)
    md, html_path = write_output_dir(out, "validation", {
        "validation.md": lambda p: atomic_write_text(p, md_text),
        "validation.html": lambda p: atomic_write_text(p, html_text)}, overwrite=overwrite)
    console.print(f"{result.summary()} ({result.elapsed_s:.0f} s). Wrote {md} and {html_path}.", markup=False)
    if strict and result.failed:
        raise typer.Exit(1)


def _search_space(param: list[str] | None) -> dict[str, tuple[float, float] | None] | None:
    if not param:
        return None
    space: dict[str, tuple[float, float] | None] = {}
    for spec in param:
        name, _, rng = spec.partition("=")
        if not rng:
            space[name] = None
            continue
        lo, sep, hi = rng.partition(":")
        try:
            bounds = (float(lo), float(hi)) if sep else None
        except ValueError:
            bounds = None
        if bounds is None:
            raise UserError(f"--param {spec!r}: the range must be LOW:HIGH (numbers), e.g. "
                            "'strategies.hyper_gain=10:40'.", flag="--param")
        space[name] = bounds
    return space


def calibrate_cmd(
    target: Annotated[list[str], typer.Option("--target", help="A target or group to fit (repeatable).")],
    param: Annotated[list[str] | None, typer.Option("--param", help="A parameter to fit, 'group.name' or "
                                                                    "'group.name=LOW:HIGH' (repeatable; default: "
                                                                    "the calibrated parameters of the targets' "
                                                                    "mechanisms).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Parameter file to write (see --overwrite).")] = Path(
        "calibrated.yaml"),
    n: Annotated[int, typer.Option("--n", help="People per run (reduced populations; at least 100).")] = 4_000,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per evaluation (1-100).")] = 1,
    first_seed: Annotated[int, typer.Option("--first-seed", help="First seed (keep apart from validate's).")] = 1000,
    trials: Annotated[int, typer.Option("--trials", help="Optuna trials (1-100000).")] = 30,
    sampler_seed: Annotated[int, typer.Option("--sampler-seed", help="Seed of the TPE sampler.")] = 0,
    params: Annotated[Path | None, typer.Option("--params", help="Start from (and keep) this parameter file's "
                                                                 "values.")] = None,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file at --out.")] = False,
) -> None:
    """Fit free parameters to published targets with optuna and write them as a parameter file.

    The objective is the sum over targets of the squared distance between the model's value and
    the published figure or range, in units of the target's tolerance: 0 when every target is
    inside its range, 1 for one target at the edge of its tolerance. A run whose value is not a
    number (e.g. no one assessed) counts 1,000 tolerances, so an objective of 1e+06 means such a run.
    """
    from ..core.checks import check_seed
    from ..execution import KINDS
    from ..io import check_output_file
    from ..validation.calibrate import calibrate, write_calibration
    from ..validation.params_file import load_params

    check_choice("--executor", executor, KINDS)
    check_range("--n", n, 100, None)
    check_range("--seeds", seeds, 1, 100)
    check_range("--trials", trials, 1, 100_000)
    check_range("--workers", workers, 1, 4096)
    check_seed(first_seed, "--first-seed")
    check_seed(sampler_seed, "--sampler-seed")
    space = _search_space(param)
    base = load_params(params) if params is not None else {}
    check_output_file(out, overwrite=overwrite, suffixes=(".yaml", ".yml"))  # before any compute
    say("Objective: sum over targets of (distance from the published figure or range / tolerance)^2; 0 = every "
        "target inside its range, 1 = one target at the edge of its tolerance, 1e+06 = a target the run could not "
        "measure (e.g. no one assessed: counted as 1,000 tolerances).")
    with first_run(say), progress("calibrating", trials, "trials") as update:

        def step(done: int, total: int, value: float, best: float) -> None:
            update(completed=done, description=f"objective {value:.3g} (best {best:.3g})")

        fit = calibrate(target, space, n=n, seeds=range(first_seed, first_seed + seeds), trials=trials,
                        sampler_seed=sampler_seed, base_params=base, executor=executor, workers=workers,
                        progress=step)
    t = Table("target", "published", "model (fitted)", "pass", box=None)
    for r in fit.results:
        t.add_row(escape(r.target.name), escape(r.target.published()), f"{r.mean:.4f}",
                  "[green]yes[/]" if r.passed else "[red]no[/]")
    show(t)
    for k, v in fit.params.items():
        say(f"  {k} = {v:.6g}")
    path = write_calibration(fit, out)
    console.print(f"Objective {fit.start_objective:.4g} -> {fit.objective:.4g} in {len(fit.trials)} trials "
                  f"({fit.elapsed_s:.0f} s). Wrote {path}; use it with --params.", markup=False)


def report_cmd(
    folder: Annotated[Path, typer.Argument(help="Output folder of 'run --out', 'compare' or a sweep's --store.")],
    out: Annotated[Path | None, typer.Option("--out", help="HTML file to write (default: FOLDER/report.html).")]
    = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing report file.")] = False,
    inline_js: Annotated[bool, typer.Option("--inline-js", help="Put Plotly's script in the page (one 5 MB file) "
                                                                "instead of plotly.min.js beside it.")] = False,
) -> None:
    """Write an HTML report (Plotly figures, readable offline) of a run, comparison or sweep."""
    from ..io import check_output_file
    from ..reports.html import build_report, load_report_data, write_page

    target = out if out is not None else folder / "report.html"
    if folder.is_dir():
        check_output_file(target, overwrite=overwrite, suffixes=(".html", ".htm"))
    # a bad folder is an error before anything is created
    text = build_report(load_report_data(folder), plotlyjs="inline" if inline_js else "file")
    check_output_file(target, overwrite=overwrite, suffixes=(".html", ".htm"))
    console.print(f"Wrote {write_page(text, target)}.", markup=False)


def register(app: typer.Typer) -> None:
    """Add this family's commands to ``app``."""
    app.command("validate")(validate_cmd)
    app.command("calibrate")(calibrate_cmd)
    app.command("report")(report_cmd)


__all__ = ["register"]
