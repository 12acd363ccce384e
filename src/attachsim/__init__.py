"""attachsim: the human attachment system, executable.

Public API::

    import attachsim
    res = attachsim.run("normative", n=20_000, seed=1)
    res.people          # one row per simulated person (pandas DataFrame)
    res.summary()       # Strange Situation shares with 95% intervals
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._version import __version__
from .core.engine import Engine, Progress, Simulation
from .core.results import Results
from .errors import UserError
from .experiments import Comparison, compare
from .scenarios import Scenario, ScenarioError, builtin_names, describe_builtins, load_scenario, resolved_yaml
from .store import ResultStore, sweep

__all__ = [
    "Comparison", "ResultStore", "Results", "Scenario", "ScenarioError", "Simulation", "UserError", "__version__",
    "builtin_names", "compare", "describe_builtins", "load_scenario", "resolved_yaml", "run", "simulation", "sweep",
]


def simulation(scenario: str | Path | dict[str, Any] | Scenario, n: int | None = None, seed: int = 0,
               years: float | None = None, engine: Engine = "numba", generations: int | None = None, *,
               timeseries: str | None = None, trace: Iterable[int] | str | None = None,
               trace_every: str = "weekly") -> Simulation:
    """Build (but do not run) a :class:`Simulation`; ``n``, ``years`` and ``generations`` override the scenario's.

    ``timeseries`` ("yearly" or "monthly") records population series, ``trace`` (ids) records those people's
    states every week (or month: ``trace_every="monthly"``); see :mod:`attachsim.recording`.
    """
    from .recording import recorders

    chosen = recorders(timeseries, trace, trace_every)  # bad values are errors before the scenario is built
    sc = load_scenario(scenario)
    updates: dict[str, Any] = {}
    population = sc.population.model_dump()
    if n is not None:
        population["n"] = n
    if generations is not None:
        population["generations"] = generations
    if population != sc.population.model_dump():
        updates["population"] = population
    if years is not None:
        updates["years"] = years
    if updates:
        sc = load_scenario({**sc.model_dump(mode="json"), **updates})
    from .model import build

    return build(sc, seed=seed, engine=engine, recorders=chosen)


def run(scenario: str | Path | dict[str, Any] | Scenario, n: int | None = None, seed: int = 0,
        years: float | None = None, *, engine: Engine = "numba", generations: int | None = None,
        progress: Progress | None = None, timeseries: str | None = "yearly",
        trace: Iterable[int] | str | None = None, trace_every: str = "weekly") -> Results:
    """Run a scenario (a built-in name, a YAML path or a dict) and return its :class:`Results`.

    By default population series are recorded yearly (``Results.timeseries``; ``timeseries=None`` for none,
    "monthly" for monthly); ``trace=[ids]`` records those people's states weekly (``Results.traces``,
    ``Results.life(id)``).
    """
    return simulation(scenario, n=n, seed=seed, years=years, engine=engine, generations=generations,
                      timeseries=timeseries, trace=trace, trace_every=trace_every).run(progress=progress)
