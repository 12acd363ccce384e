"""Command-line commands of the recording package: ``attachsim life``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..scenarios import ScenarioError


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add ``life`` to the ``attachsim`` command group."""
    app.command("life")(life_cmd)


def life_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    person: Annotated[int, typer.Option("--id", help="Id of the person (0 to n - 1 for the first generation).")],
    n: Annotated[int | None, typer.Option("--n", help="Number of people (default: the scenario's).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (non-negative).")] = 0,
    years: Annotated[float | None, typer.Option("--years", help="Years to simulate (default: the scenario's).")] = None,
    generations: Annotated[int | None, typer.Option("--generations", help="Generations (1-5; default: the "
                                                                          "scenario's).")] = None,
    every: Annotated[str, typer.Option("--every", help="Trace resolution: weekly or monthly.")] = "weekly",
    out: Annotated[Path | None, typer.Option("--out", help="Folder for life-<id>.html (with plotly.min.js beside "
                                                           "it) and life-<id>.parquet; default: print only.")] = None,
) -> None:
    """Simulate a scenario, follow one person week by week and tell their life (optionally as a page with plots)."""
    from .. import simulation
    from .traces import EVERY

    if person < 0:
        _fail(f"--id must be a non-negative whole number; got {person}.")
    if seed < 0:
        _fail(f"--seed must be a non-negative integer; got {seed}.")
    if every not in EVERY:
        _fail(f"--every must be one of {', '.join(EVERY)}; got {every!r}.")
    if out is not None and out.exists() and not out.is_dir():
        _fail(f"--out {out} exists and is not a folder.")
    try:
        sim = simulation(scenario, n=n, seed=seed, years=years, generations=generations, timeseries=None,
                         trace=[person], trace_every=every)
    except (ScenarioError, ValueError) as exc:
        _fail(str(exc))
    first = sim.scenario.population.n
    if person >= first and sim.scenario.population.generations == 1:
        _fail(f"--id must be below the population size {first:,} (ids 0 to {first - 1:,}); got {person}.")
    typer.echo(f"Simulating '{sim.scenario.name}': {first:,} people, {sim.scenario.years:g} years, seed {seed}; "
               f"following person {person}.", err=True)
    results = sim.run()
    try:
        life = results.life(person)
    except KeyError as exc:
        _fail(f"--id {person}: {exc.args[0]}")
    typer.echo(life.story, nl=False)
    if out is not None:
        import io

        from ..reports.html import atomic_write, write_page
        from ..reports.life import life_page

        out.mkdir(parents=True, exist_ok=True)
        path = write_page(life_page(life), out / f"life-{person}.html")
        buffer = io.BytesIO()
        life.table.to_parquet(buffer, index=False)
        atomic_write(out / f"life-{person}.parquet", buffer.getvalue())
        typer.echo(f"Wrote {path} and {out / f'life-{person}.parquet'}.", err=True)
