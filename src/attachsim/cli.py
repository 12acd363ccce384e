"""Command-line interface: a thin layer over the public API."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .scenarios import ScenarioError, describe_builtins, load_scenario, resolved_yaml

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="attachsim: simulate how caregiving shapes attachment, and assess it as researchers do.",
)
console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        console.print(f"attachsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Simulate how caregiving shapes attachment, and assess it as researchers do."""


@app.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios with a one-line description."""
    table = Table("scenario", "description", box=None)
    for name, desc in describe_builtins():
        table.add_row(name, desc)
    console.print(table)


@app.command("show")
def show_cmd(scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")]) -> None:
    """Print the resolved scenario (every default filled in) as YAML."""
    try:
        sc = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(str(exc))
    typer.echo(resolved_yaml(sc), nl=False)


@app.command("plan")
def plan_cmd(scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")]) -> None:
    """Print the order in which mechanisms act each week."""
    from . import simulation

    try:
        sim = simulation(scenario)
    except ScenarioError as exc:
        _fail(str(exc))
    console.print(f"Step order for '{sim.scenario.name}' (one step = one week, {sim.n_steps} steps):")
    for e in sim.plan():
        console.print(f"{e.position:>3}. [bold]{e.key}[/] - {e.label} [dim]({e.runs_in})[/]", highlight=False)
        console.print(f"       {e.summary}", highlight=False)
    lay = sim.layout
    console.print(f"State: {len(lay.f32)} float32 + {len(lay.i32)} int32 + {len(lay.i8)} int8 arrays "
                  f"= {lay.bytes_per_person} bytes per person.")


def _shares_table(summary: dict[str, Any]) -> Table:
    table = Table("category", "share", "95% interval", "count", box=None)
    labels = {"A": "A avoidant", "B": "B secure", "C": "C resistant", "D": "D disorganised"}
    for cat, v in summary["shares"].items():
        table.add_row(labels[cat], f"{100 * v['share']:.1f}%", f"{100 * v['ci_low']:.1f}-{100 * v['ci_high']:.1f}%",
                      str(v["count"]))
    return table


@app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    n: Annotated[int | None, typer.Option("--n", help="Number of people (default: the scenario's).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (non-negative).")] = 0,
    years: Annotated[float | None, typer.Option("--years", help="Years to simulate (default: the scenario's).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for people.parquet, summary.json and "
                                                           "scenario.yaml.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="numba (fast) or numpy (reference).")] = "numba",
    generations: Annotated[int | None, typer.Option("--generations", help="Generations to simulate (1-5; "
                                                                          "default: the scenario's).")] = None,
    params: Annotated[Path | None, typer.Option("--params", help="Parameter file (YAML: dotted parameter paths -> "
                                                                 "values), e.g. written by 'attachsim calibrate'.")]
    = None,
) -> None:
    """Run a scenario, print the Strange Situation shares and optionally write the results."""
    from . import simulation

    if params is not None:
        scenario = _with_params(scenario, params)  # type: ignore[assignment]
    if seed < 0:
        _fail(f"--seed must be a non-negative integer; got {seed}.")
    if engine not in ("numba", "numpy"):
        _fail(f"--engine must be 'numba' or 'numpy'; got {engine!r}.")
    try:
        sim = simulation(scenario, n=n, seed=seed, years=years, engine=engine,  # type: ignore[arg-type]
                         generations=generations)
    except ScenarioError as exc:
        _fail(str(exc))
    console.print(f"Running '{sim.scenario.name}': {sim.scenario.population.n:,} people, "
                  f"{sim.scenario.years:g} years ({sim.n_steps} weeks), seed {seed}.")
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("weeks"), TimeElapsedColumn(), console=err, transient=False) as bar:
        task = bar.add_task("simulating", total=sim.n_steps)
        results = sim.run(progress=lambda done, total: bar.update(task, completed=done))
    summary = results.summary()
    console.print(f"Strange Situation at 12 months (n = {summary['n']:,}):")
    console.print(_shares_table(summary))
    r = summary.get("sensitivity_security_r")
    if r is not None:
        console.print(f"sensitivity-security r = {r['r']:.3f} (95% CI {r['ci_low']:.3f} to {r['ci_high']:.3f})")
    if out is not None:
        write_results(results, sim.scenario, summary, out)
        console.print(f"Wrote {out / 'people.parquet'}, {out / 'summary.json'} and {out / 'scenario.yaml'}.")


def _with_params(scenario: str, params: Path) -> Any:
    """The scenario with a parameter file's values in place (errors name the key and the allowed range)."""
    from .validation.params_file import ParamsFileError, apply_params, load_params

    try:
        return apply_params(scenario, load_params(params))
    except (ParamsFileError, ScenarioError) as exc:
        _fail(str(exc))


def write_results(results: Any, scenario: Any, summary: dict[str, Any], out: Path) -> None:
    """Write the three result files atomically: into a temporary folder, then moved into place."""
    if out.exists() and not out.is_dir():
        _fail(f"--out {out} exists and is not a folder.")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".attachsim-", dir=out))
    try:
        results.people.to_parquet(tmp / "people.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps({**summary, "meta": results.meta}, indent=2) + "\n")
        (tmp / "scenario.yaml").write_text(resolved_yaml(scenario))
        for name in ("people.parquet", "summary.json", "scenario.yaml"):
            with open(tmp / name, "rb") as fh:  # on disk before the rename makes it visible
                os.fsync(fh.fileno())
        for name in ("people.parquet", "summary.json", "scenario.yaml"):
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


table_app = typer.Typer(no_args_is_help=True, help="Tables that compare simulated cohorts with the seed texts.")
app.add_typer(table_app, name="table")


def _progress_run(name: str, n: int | None, seed: int, years: float | None = None) -> Any:
    from . import simulation

    sim = simulation(name, n=n, seed=seed, years=years)
    with Progress(TextColumn(f"{name:<22}"), BarColumn(), MofNCompleteColumn(), TextColumn("weeks"),
                  TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task(name, total=sim.n_steps)
        return sim.run(progress=lambda done, total: bar.update(task, completed=done))


@table_app.command("trauma-vs-neglect")
def trauma_vs_neglect_cmd(
    n: Annotated[int, typer.Option("--n", help="People per cohort.", min=100)] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the cohorts share it).", min=0)] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the table as CSV here.")] = None,
) -> None:
    """Run a threat-only and a deprivation-only cohort and print the seed's table from simulated data."""
    from .reports.trauma_neglect import table

    cohorts = [_progress_run(name, n, seed) for name in ("threat-childhood", "deprivation-childhood", "normative")]
    rows = table(*cohorts)
    t = Table("aspect", "seed says", "simulated measure", "threat", "neglect", "normative", "d (T-N)", "as seed?",
              box=None)
    for r in rows:
        t.add_row(r["aspect"], r["seed_says"], r["measure"], f"{r['threat']:.3f}", f"{r['deprivation']:.3f}",
                  f"{r['normative']:.3f}", f"{r['d_threat_vs_deprivation']:+.2f}",
                  "[green]yes[/]" if r["reproduced"] else "[red]no[/]")
    console.print(f"Trauma (threat, 0-12 years) vs neglect (deprivation, 0-12 years), {n:,} people each, seed {seed}")
    console.print(t)
    console.print(f"{sum(r['reproduced'] for r in rows)} of {len(rows)} rows go the way the seed text says.")
    if out is not None:
        import pandas as pd

        out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(out, index=False)
        console.print(f"Wrote {out}.")


@app.command("screen")
def screen_cmd(
    n: Annotated[int, typer.Option("--n", help="People in each population.", min=200)] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the training population; the test population "
                                                     "uses seed + 1.", min=0)] = 0,
    scenario: Annotated[str, typer.Option("--scenario", help="Population to screen.")] = "screening-population",
) -> None:
    """Screening (S1-4): predict the adversity pathway from 8-year signs; score it on a fresh population."""
    from .assessments.screening import screen

    try:
        train = _progress_run(scenario, n, seed)
        test = _progress_run(scenario, n, seed + 1)
        result = screen(train.people, test.people)
    except (ScenarioError, ValueError) as exc:
        _fail(str(exc))
    t = Table("pathway", "n (test)", "sensitivity", "specificity", box=None)
    for r in result["rows"]:
        t.add_row(r["pathway"], f"{r['n']:,}", f"{r['sensitivity']:.3f}", f"{r['specificity']:.3f}")
    console.print(f"Linear discriminant on the 11 signs at {result['age_years']} years; trained on seed {seed} "
                  f"({result['n_train']:,} children), tested on seed {seed + 1} ({result['n_test']:,} children).")
    console.print(t)
    console.print(f"overall accuracy {result['accuracy']:.3f}")


score_app = typer.Typer(no_args_is_help=True, help="Score real questionnaire files with the simulation's scorers.")
app.add_typer(score_app, name="score")


@score_app.command("ecr-r")
def score_ecrr_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet: one row per respondent, item columns 1-36.")],
    out: Annotated[Path | None, typer.Option("--out", help="Output .csv or .parquet "
                                                           "(default: FILE-scores.csv).")] = None,
    id_column: Annotated[str, typer.Option("--id-column", help="Name of the respondent id column.")] = "id",
    missing: Annotated[str, typer.Option("--missing", help="Missing answers: 'error' or 'prorate'.")] = "error",
    min_items: Annotated[int, typer.Option("--min-items", help="With --missing prorate: items of 18 a scale "
                                                              "needs (1-18).")] = 14,
    cut: Annotated[float, typer.Option("--cut", help="Cut-off on both scales for the four categories (1-7).")] = 4.0,
) -> None:
    """Score ECR-R answers: anxiety, avoidance and the four categories, one row per respondent."""
    from .assessments.ecrr import QuestionnaireError, score_file

    if missing not in ("error", "prorate"):
        _fail(f"--missing must be 'error' or 'prorate'; got {missing!r}.")
    if not 1 <= min_items <= 18:
        _fail(f"--min-items must be between 1 and 18; got {min_items}.")
    if not 1.0 <= cut <= 7.0:
        _fail(f"--cut must be between 1 and 7; got {cut:g}.")
    target = out if out is not None else file.with_name(f"{file.stem}-scores.csv")
    try:
        scores = score_file(file, target, id_column=id_column, missing=missing,  # type: ignore[arg-type]
                            min_items=min_items, cut=cut)
    except QuestionnaireError as exc:
        _fail(str(exc))
    counts = scores["adult_style"].value_counts()
    console.print(f"Scored {len(scores):,} respondents -> {target}")
    for style in ("secure", "preoccupied", "dismissing", "fearful"):
        console.print(f"  {style:<12} {int(counts.get(style, 0)):>7,}")
    unscored = int((scores["adult_style"] == "").sum())
    if unscored:
        console.print(f"  {'not scored':<12} {unscored:>7,} (too few items answered)")


@app.command("bench")
def bench_cmd(
    n: Annotated[int, typer.Option("--n", help="People.", min=1000)] = 1_000_000,
    years: Annotated[float, typer.Option("--years", help="Years from birth.", min=0.1, max=60)] = 40.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
) -> None:
    """Measure agent-steps per second, the memory-bandwidth bound and the NumPy reference, in one run."""
    from .bench import run_bench

    with Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TextColumn("weeks"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("bench", total=None)
        result = run_bench(n=n, years=years, progress=lambda done, total: bar.update(task, completed=done,
                                                                                      total=total))
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
         f"{result['numpy_reference_agent_steps_per_s'] / 1e6:.2f} M = {result['speedup_vs_numpy_reference']:.1f}x"),
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
    console.print(t)


@app.command("sweep")
def sweep_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    grid: Annotated[Path, typer.Option("--grid", help="YAML file: dotted scenario paths -> lists of values.")],
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per grid point (seeds first-seed, first-seed+1, "
                                                       "...).")] = 1,
    first_seed: Annotated[int, typer.Option("--first-seed", help="First seed (non-negative).")] = 0,
    n: Annotated[int | None, typer.Option("--n", help="People per run (default: the scenario's).")] = None,
    years: Annotated[float | None, typer.Option("--years", help="Years per run (default: the scenario's).")] = None,
    store: Annotated[Path, typer.Option("--store", help="Result store folder (created if missing).")] = Path(
        "attachsim-store"),
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes (default: the cores).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask: address of a running scheduler "
                                                                      "(default: an embedded LocalCluster).")] = None,
) -> None:
    """Run a parameter grid x seeds into a result store; rerunning the same command resumes."""
    from .execution import KINDS, ExecutorError
    from .store import GridError, StoreError, SweepProgress, plan_sweep, sweep

    if executor not in KINDS:
        _fail(f"--executor must be one of {', '.join(KINDS)}; got {executor!r}.")
    if workers is not None and not 1 <= workers <= 4096:
        _fail(f"--workers must be between 1 and 4096; got {workers}.")
    if scheduler is not None and executor != "dask":
        _fail("--scheduler needs --executor dask.")
    try:
        planned = len(plan_sweep(scenario, grid, seeds, first_seed=first_seed, n=n, years=years))
    except (GridError, ScenarioError) as exc:
        _fail(str(exc))
    console.print(f"Sweep of '{scenario}': {planned} runs into {store} ({executor}"
                  f"{f', {workers} workers' if workers else ''}).")
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("runs"), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task("sweeping", total=planned)

        def show(p: SweepProgress) -> None:
            bar.update(task, completed=p.finished,
                       description=f"done {p.computed}, skipped {p.skipped}, failed {p.failed}")

        try:
            report = sweep(scenario, grid, seeds=seeds, first_seed=first_seed, n=n, years=years, store=store,
                           executor=executor, workers=workers, scheduler=scheduler, progress=show)
        except (GridError, ScenarioError, StoreError, ExecutorError) as exc:
            _fail(str(exc))
    console.print(f"{len(report.runs)} runs: {report.computed} computed, {report.skipped} already stored (skipped), "
                  f"{len(report.failed)} failed; {report.elapsed_s:.1f} s on {report.executor} "
                  f"({report.workers} worker{'s' if report.workers != 1 else ''}).")
    for run_id, error in report.failed.items():
        err.print(f"[red]failed[/] {run_id}: {error}", highlight=False)
    console.print(f"Catalogue: {store / 'catalogue.duckdb'} (tables runs, run_parameters, scenarios); "
                  f"people tables: {store / 'runs'}/<run_id>.parquet.")
    if report.failed:
        raise typer.Exit(1)


@app.command("experiments")
def experiments_cmd() -> None:
    """List the built-in experiments (scenarios with arms) and their arms."""
    from .scenarios import builtin_names

    table = Table("experiment", "arms (control first)", box=None)
    for name in builtin_names():
        sc = load_scenario(name)
        if sc.arms:
            from .experiments import arm_names

            table.add_row(name, ", ".join(arm_names(sc)))
    console.print(table)


@app.command("compare")
def compare_cmd(
    scenario: Annotated[str, typer.Argument(help="An experiment (a scenario with arms): built-in name or YAML file.")],
    n: Annotated[int | None, typer.Option("--n", help="People per arm (default: the scenario's).", min=1)] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds (seed, seed+1, ...), pooled.", min=1, max=1000)] = 1,
    seed: Annotated[int, typer.Option("--seed", help="First seed.", min=0)] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for effects.json, targets.json and "
                                             "<arm>/people.parquet.")] = None,
) -> None:
    """Run every arm on the same population (common random numbers) and print the effect table."""
    from .experiments import compare, write_comparison

    try:
        with Progress(TextColumn("{task.description}"), TimeElapsedColumn(), console=err) as bar:
            task = bar.add_task("running arms")
            cmp = compare(scenario, n=n, seeds=seeds, seed=seed,
                          progress=lambda arm, s: bar.update(task, description=f"done arm {arm}, seed {s}"))
    except ScenarioError as exc:
        _fail(str(exc))
    console.print(cmp.table(), highlight=False, markup=False, soft_wrap=True)
    if out is not None:
        try:
            written = write_comparison(cmp, out)
        except (OSError, ValueError) as exc:
            _fail(str(exc))
        console.print(f"Wrote {len(written)} files under {out} (effects.json, targets.json, <arm>/people.parquet).")


@app.command("validate")
def validate_cmd(
    n: Annotated[int, typer.Option("--n", help="People per scenario run.", min=100)] = 20_000,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per scenario (first-seed, first-seed+1, ...).",
                                       min=1, max=1000)] = 3,
    first_seed: Annotated[int, typer.Option("--first-seed", help="First seed (the defaults were calibrated on "
                                                                 "seed 1000).", min=0)] = 1,
    out: Annotated[Path, typer.Option("--out", help="Folder for validation.md and validation.html.")] = Path(
        "validation"),
    strict: Annotated[bool, typer.Option("--strict", help="Exit with status 1 when a target fails.")] = False,
    params: Annotated[Path | None, typer.Option("--params", help="Parameter file to validate instead of the "
                                                                 "defaults.")] = None,
    target: Annotated[list[str] | None, typer.Option("--target", help="A target or group (repeatable; default: "
                                                                      "all).")] = None,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes.", min=1)] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Folder to keep each run's people table in and "
                                                               "reuse it from.")] = None,
) -> None:
    """Compare the model with the published figures of MODEL §8, target by target (pass/fail per tolerance)."""
    from .execution import KINDS
    from .validation import get_targets, rows, validate, write_report
    from .validation.params_file import ParamsFileError, load_params

    if executor not in KINDS:
        _fail(f"--executor must be one of {', '.join(KINDS)}; got {executor!r}.")
    try:
        values = load_params(params) if params is not None else {}
        chosen = get_targets(target)
    except (ParamsFileError, ValueError) as exc:
        _fail(str(exc))
    from .validation.validate import plan_runs

    planned = plan_runs(chosen, list(range(first_seed, first_seed + seeds)), n, values)
    console.print(f"Validating {len(chosen)} targets: {len(planned)} runs ({len({i.key for i in planned})} "
                  f"scenarios x {seeds} seeds) of {n:,} people, {executor}.")
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("runs"), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task("simulating", total=len(planned))

        def show(done: int, total: int, key: str, seed: int) -> None:
            bar.update(task, completed=done, description=f"done {key} seed {seed}")

        try:
            result = validate([t.name for t in chosen], n=n, seeds=seeds, first_seed=first_seed, params=values,
                              executor=executor, workers=workers, cache=cache, progress=show)
        except (ParamsFileError, ScenarioError, ValueError) as exc:
            _fail(str(exc))
    t = Table("target", "published", "model", "over seeds", "accepted", "pass", box=None)
    for r in rows(result):
        t.add_row(r["target"], r["published"], r["model_text"], r["interval_text"], r["accepted_text"],
                  "[green]yes[/]" if r["passed"] else "[red]no[/]")
    console.print(t)
    md, html_path = write_report(result, out)
    console.print(f"{len(result.results) - len(result.failed)} of {len(result.results)} targets within tolerance "
                  f"({result.elapsed_s:.0f} s). Wrote {md} and {html_path}.")
    if strict and result.failed:
        raise typer.Exit(1)


@app.command("calibrate")
def calibrate_cmd(
    target: Annotated[list[str], typer.Option("--target", help="A target or group to fit (repeatable).")],
    param: Annotated[list[str] | None, typer.Option("--param", help="A parameter to fit, 'group.name' or "
                                                                    "'group.name=LOW:HIGH' (repeatable; default: "
                                                                    "the calibrated parameters of the targets' "
                                                                    "mechanisms).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Parameter file to write.")] = Path("calibrated.yaml"),
    n: Annotated[int, typer.Option("--n", help="People per run (reduced populations).", min=100)] = 4_000,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per evaluation.", min=1, max=100)] = 1,
    first_seed: Annotated[int, typer.Option("--first-seed", help="First seed (keep apart from validate's).",
                                            min=0)] = 1000,
    trials: Annotated[int, typer.Option("--trials", help="Optuna trials.", min=1, max=100_000)] = 30,
    sampler_seed: Annotated[int, typer.Option("--sampler-seed", help="Seed of the TPE sampler.", min=0)] = 0,
    params: Annotated[Path | None, typer.Option("--params", help="Start from (and keep) this parameter file's "
                                                                 "values.")] = None,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes.", min=1)] = None,
) -> None:
    """Fit free parameters to published targets with optuna and write them as a parameter file."""
    from .execution import KINDS
    from .validation.calibrate import calibrate, write_calibration
    from .validation.params_file import ParamsFileError, load_params

    if executor not in KINDS:
        _fail(f"--executor must be one of {', '.join(KINDS)}; got {executor!r}.")
    space: dict[str, tuple[float, float] | None] | None = None
    if param:
        space = {}
        for spec in param:
            name, _, rng = spec.partition("=")
            if rng:
                lo, sep, hi = rng.partition(":")
                try:
                    space[name] = (float(lo), float(hi)) if sep else None
                except ValueError:
                    _fail(f"--param {spec!r}: the range must be LOW:HIGH (numbers), e.g. "
                          "'strategies.hyper_gain=10:40'.")
                if not sep:
                    _fail(f"--param {spec!r}: the range must be LOW:HIGH, e.g. 'strategies.hyper_gain=10:40'.")
            else:
                space[name] = None
    try:
        base = load_params(params) if params is not None else {}
        with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("trials"), TimeElapsedColumn(), console=err) as bar:
            task = bar.add_task("calibrating", total=trials)

            def show(done: int, total: int, value: float, best: float) -> None:
                bar.update(task, completed=done, description=f"objective {value:.3g} (best {best:.3g})")

            fit = calibrate(target, space, n=n, seeds=range(first_seed, first_seed + seeds), trials=trials,
                            sampler_seed=sampler_seed, base_params=base, executor=executor, workers=workers,
                            progress=show)
    except (ParamsFileError, ScenarioError, ValueError) as exc:
        _fail(str(exc))
    t = Table("target", "published", "model (fitted)", "pass", box=None)
    for r in fit.results:
        t.add_row(r.target.name, r.target.published(), f"{r.mean:.4f}", "[green]yes[/]" if r.passed else "[red]no[/]")
    console.print(t)
    for k, v in fit.params.items():
        console.print(f"  {k} = {v:.6g}")
    path = write_calibration(fit, out)
    console.print(f"Objective {fit.start_objective:.4g} -> {fit.objective:.4g} in {len(fit.trials)} trials "
                  f"({fit.elapsed_s:.0f} s). Wrote {path}; use it with --params.")


@app.command("report")
def report_cmd(
    folder: Annotated[Path, typer.Argument(help="Output folder of 'run --out', 'compare' or a sweep's --store.")],
    out: Annotated[Path | None, typer.Option("--out", help="HTML file to write (default: FOLDER/report.html).")]
    = None,
) -> None:
    """Write an HTML report (Plotly figures, readable offline) of a run, comparison or sweep."""
    from .reports.html import ReportError, write_report_dir

    try:
        path = write_report_dir(folder, out)
    except ReportError as exc:
        _fail(str(exc))
    console.print(f"Wrote {path}.")


__import__("attachsim.explorer.cli", fromlist=["register"]).register(app)  # attachsim serve (the web explorer)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
