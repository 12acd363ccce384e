"""Commands over several runs: compare (arms of an experiment), experiments, sweep (grid x seeds)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import OutputError
from ..scenarios import load_scenario
from ._common import FLAGS, Overwrite, Quiet, check_choice, check_range, console, err, field_bounds, progress, say


def experiments_cmd() -> None:
    """List the built-in experiments (scenarios with arms) and their arms."""
    from ..experiments import arm_names
    from ..scenarios import builtin_names

    table = Table("experiment", "arms (control first)", box=None)
    for name in builtin_names():
        sc = load_scenario(name)
        if sc.arms:
            table.add_row(name, ", ".join(arm_names(sc)))
    console.print(table)


def compare_cmd(
    scenario: Annotated[str, typer.Argument(help="An experiment (a scenario with arms): built-in name or YAML file.")],
    n: Annotated[int | None, typer.Option("--n", help="People per arm (default: the scenario's).")] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds (seed, seed+1, ...), pooled (1-1000).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="First seed (non-negative).")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for effects.json, targets.json and "
                                             "<arm>/people.parquet (absent or empty; see --overwrite).")] = None,
    overwrite: Overwrite = False,
    quiet: Quiet = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the effects as JSON (no tables).")] = False,
) -> None:
    """Run every arm on the same population (common random numbers) and print the effect table."""
    from ..core.checks import check_seed
    from ..experiments import compare, comparison_files
    from ..io import check_output_dir, write_output_dir
    from ..scenarios.schema import PopulationSpec

    FLAGS.quiet = FLAGS.quiet or quiet or as_json
    check_seed(seed, "--seed")
    check_range("--n", n, *field_bounds(PopulationSpec, "n")[:2])
    check_range("--seeds", seeds, 1, 1000)
    sc = load_scenario(scenario)
    if out is not None:
        check_output_dir(out, "compare", overwrite=overwrite)  # before any compute
    from ..experiments import arm_names

    with progress("running arms", len(arm_names(sc)) * seeds, "arm-runs") as update:
        done = [0]

        def step(arm: str, s: int) -> None:
            done[0] += 1
            update(completed=done[0], description=f"done arm {arm}, seed {s}")

        cmp = compare(sc, n=n, seeds=seeds, seed=seed, progress=step)
    if as_json:
        typer.echo(json.dumps({"effects": cmp.effects, "targets": cmp.targets}, allow_nan=True, default=str))
    elif not FLAGS.quiet:
        console.print(cmp.table(), markup=False, soft_wrap=True)
    if out is not None:
        written = write_output_dir(out, "compare", comparison_files(cmp), overwrite=overwrite)
        if not as_json:
            console.print(f"Wrote {len(written)} files under {out} (effects.json, targets.json, <arm>/people.parquet).",
                          markup=False)


def sweep_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    grid: Annotated[Path, typer.Option("--grid", help="YAML file: dotted scenario paths -> lists of values.")],
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per grid point (seeds first-seed, first-seed+1, "
                                                       "...).")] = 1,
    first_seed: Annotated[int, typer.Option("--first-seed", help="First seed (non-negative).")] = 0,
    n: Annotated[int | None, typer.Option("--n", help="People per run (default: the scenario's).")] = None,
    years: Annotated[float | None, typer.Option("--years", help="Years per run (default: the scenario's).")] = None,
    store: Annotated[Path, typer.Option("--store", help="Result store folder (created if missing; an existing store "
                                                        "is resumed).")] = Path("attachsim-store"),
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes (default: the cores).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask: address of a running scheduler "
                                                                      "(default: an embedded LocalCluster).")] = None,
) -> None:
    """Run a parameter grid x seeds into a result store; rerunning the same command resumes."""
    from ..core.checks import check_seed
    from ..execution import KINDS
    from ..io import output_kind
    from ..scenarios.schema import PopulationSpec
    from ..store import CATALOGUE, SweepProgress, plan_sweep, sweep

    check_choice("--executor", executor, KINDS)
    check_seed(first_seed, "--first-seed")
    check_range("--seeds", seeds, 1, 10_000)
    check_range("--n", n, *field_bounds(PopulationSpec, "n")[:2])
    check_range("--workers", workers, 1, 4096)
    if scheduler is not None and executor != "dask":
        raise OutputError("--scheduler needs --executor dask.", flag="--scheduler")
    if store.exists() and not store.is_dir():
        raise OutputError(f"--store {store}: is a file; --store takes a folder.", flag="--store")
    if store.is_dir() and any(store.iterdir()) and not (store / CATALOGUE).exists():
        kind = output_kind(store)
        raise OutputError(f"--store {store}: the folder holds {f'a {kind!r} output' if kind else 'other files'}, not "
                          "a result store; give a new, empty or existing store folder.", flag="--store")
    planned = len(plan_sweep(scenario, grid, seeds, first_seed=first_seed, n=n, years=years))
    say(f"Sweep of '{scenario}': {planned} runs into {store} ({executor}{f', {workers} workers' if workers else ''}).")
    with progress("sweeping", planned, "runs") as update:

        def show(p: SweepProgress) -> None:
            update(completed=p.finished, description=f"done {p.computed}, skipped {p.skipped}, failed {p.failed}")

        report = sweep(scenario, grid, seeds=seeds, first_seed=first_seed, n=n, years=years, store=store,
                       executor=executor, workers=workers, scheduler=scheduler, progress=show)
    say(f"{len(report.runs)} runs: {report.computed} computed, {report.skipped} already stored (skipped), "
        f"{len(report.failed)} failed; {report.elapsed_s:.1f} s on {report.executor} "
        f"({report.workers} worker{'s' if report.workers != 1 else ''}).")
    for run_id, error in report.failed.items():
        err.print(f"failed {run_id}: {error}", markup=False)
    say(f"Catalogue: {store / CATALOGUE} (tables runs, run_parameters, scenarios); people tables: "
        f"{store / 'runs'}/<run_id>.parquet.")
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this family's commands to ``app``."""
    app.command("experiments")(experiments_cmd)
    app.command("compare")(compare_cmd)
    app.command("sweep")(sweep_cmd)


__all__ = ["register"]
