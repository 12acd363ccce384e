"""Fit free model parameters to published targets with optuna, on reduced populations.

The objective is the sum over targets of the squared distance between the model's value
(mean over the calibration seeds) and the published figure or range, in units of the
target's tolerance: a value inside the range costs nothing, one at the edge of the
tolerance costs 1. The search is optuna's TPE sampler with a fixed seed, so a calibration
is a deterministic function of its settings; the current values are always the first trial,
so a calibration never returns something worse than where it started on its own objective.
Calibration reads only the calibration set (MODEL §8's figures) and runs only on seeds from 1000 on;
the validation set (published results never fitted to) and seeds below 1000 (``validate``, tests) are
refused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .params_file import ParamsFileError, check_params, free_parameters, parameter_bounds, write_params
from .targets import GROUPS, VALIDATION, Target, get_targets
from .validate import CALIBRATION_SEEDS_FROM, TargetResult, evaluate, plan_runs, run_frames

#: Names of the validation targets, which calibrate refuses.
VALIDATION_NAMES = frozenset(t.name for t in VALIDATION) | frozenset(t.group for t in VALIDATION)

#: Parameter groups (of the scenario's ``parameters``) whose free parameters act on each target group.
GROUP_PARAMETERS: dict[str, tuple[str, ...]] = {
    "infancy": ("response", "regulation", "strategies", "strange_situation"),
    "childhood": ("strange_situation", "lifespan_assessments"),
    "adulthood": ("lifespan_assessments", "relief"),
    "transmission": ("parenting",),
    "ace": ("life_events",),
}

#: Called after each trial: (trial number, trials planned, objective, best objective so far).
TrialProgress = Callable[[int, int, float, float], None]


@dataclass
class Calibration:
    """The outcome of a calibration."""

    params: dict[str, float]
    objective: float
    start_objective: float
    results: list[TargetResult]
    trials: list[dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def header(self) -> str:
        """The comment block written above the fitted values in a parameter file."""
        s = self.settings
        lines = [
            "Fitted by attachsim calibrate "
            f"(optuna TPE, sampler seed {s.get('sampler_seed')}, {len(self.trials)} trials)",
            f"targets: {', '.join(r.target.name for r in self.results)}",
            f"populations: {s.get('n'):,} people, seeds {s.get('seeds')}, years {s.get('years')}",
            f"objective (sum of squared distances in tolerances): {self.start_objective:.4g} at the start, "
            f"{self.objective:.4g} fitted",
        ]
        for r in self.results:
            lines.append(f"  {r.target.name}: model {r.mean:.4f}, target {r.target.published()} "
                         f"(+-{r.target.tolerance:g}){'' if r.passed else '  OUTSIDE TOLERANCE'}")
        return "\n".join(lines)


def distance(target: Target, value: float) -> float:
    """Distance of ``value`` from the target's figure or range, in tolerances (0 inside the range)."""
    if not math.isfinite(value):
        return 1e3
    lo = target.figure if target.low is None else target.low
    hi = target.figure if target.high is None else target.high
    gap = lo - value if value < lo else value - hi if value > hi else 0.0
    return gap / target.tolerance


def default_parameters(targets: Sequence[Target]) -> list[str]:
    """The free (calibrated) parameters of the mechanisms that act on ``targets``' groups."""
    groups = {g for t in targets for g in GROUP_PARAMETERS.get(t.group, ())}
    free = free_parameters()
    return [k for k in free if k.split(".")[0] in groups] or [
        k for k in parameter_bounds() if k.split(".")[0] in groups]


def search_space(names: Sequence[str] | Mapping[str, tuple[float, float] | None]) -> dict[str, tuple[float, float]]:
    """``{parameter: (lo, hi)}`` from names (schema bounds) or names with narrower bounds (checked)."""
    bounds = parameter_bounds()
    items = names.items() if isinstance(names, Mapping) else ((n, None) for n in names)
    space: dict[str, tuple[float, float]] = {}
    for raw, rng in items:
        key = raw.removeprefix("parameters.")
        if key not in bounds:
            check_params({key: bounds.get(key, {}).get("default", 0.0)}, "calibrate")  # raises a clear error
        row = bounds[key]
        lo, hi = float(row["min"]), float(row["max"])
        if rng is not None:
            a, b = float(rng[0]), float(rng[1])
            if not (lo <= a < b <= hi):
                raise ParamsFileError(f"calibrate: the search range of '{key}' must lie within its bounds {lo:g} to "
                                      f"{hi:g} with low < high; got {a:g} to {b:g}.")
            lo, hi = a, b
        space[key] = (lo, hi)
    if not space:
        raise ParamsFileError("calibrate: no parameters to fit; name at least one with --param.")
    return space


def calibrate(targets: Sequence[str] | Sequence[Target] | None = None,
              parameters: Sequence[str] | Mapping[str, tuple[float, float] | None] | None = None, *,
              n: int = 4_000, seeds: Sequence[int] = (1000,), years: Mapping[str, float] | None = None,
              trials: int = 30, sampler_seed: int = 0, base_params: Mapping[str, float] | None = None,
              figures: Mapping[str, float] | None = None, executor: str = "serial", workers: int | None = None,
              progress: TrialProgress | None = None) -> Calibration:
    """Fit ``parameters`` to ``targets`` with optuna and return the best set found.

    ``targets``: names or groups (see :func:`attachsim.validation.targets.get_targets`) or
    :class:`Target` objects. ``parameters``: dotted names (searched within their schema bounds)
    or a mapping to narrower ``(lo, hi)``; default :func:`default_parameters`. ``years``: run
    each scenario this long instead of what the targets need (shorter is faster; never shorter
    than the targets need). ``figures`` replaces published figures by name (a point each), e.g.
    figures computed by the model itself, to test that calibration recovers known parameters.
    ``base_params`` are fixed values for other parameters (a parameter file's contents).
    """
    import optuna

    if not isinstance(trials, int) or isinstance(trials, bool) or not 1 <= trials <= 100_000:
        raise ValueError(f"The 'trials' setting must be an integer from 1 to 100000. Got {trials!r} instead.")
    chosen = [t for t in (targets or []) if isinstance(t, Target)]
    names = [str(t) for t in (targets or []) if not isinstance(t, Target)]
    refused = sorted({t.name for t in chosen if t.target_set != "calibration"} |
                     {n for n in names if n in VALIDATION_NAMES})
    if refused:
        raise ValueError(f"calibrate: {', '.join(refused)} belong(s) to the validation set, which no parameter may "
                         "be fitted to (MODEL §8); name calibration targets or groups instead (see 'attachsim "
                         "validate --set calibration').")
    if names or not chosen:
        chosen += get_targets(names or None, "calibration")
    seed_list = list(seeds)
    low = [s for s in seed_list if isinstance(s, bool) or not isinstance(s, int) or s < CALIBRATION_SEEDS_FROM]
    if not seed_list or low:
        raise ValueError(f"calibrate: seeds must be integers from {CALIBRATION_SEEDS_FROM} on (seeds below "
                         f"{CALIBRATION_SEEDS_FROM} are for validation and tests); got "
                         f"{', '.join(map(str, low[:5])) or 'none'}.")
    if figures:
        known = {t.name for t in chosen}
        unknown = set(figures) - known
        if unknown:
            raise ValueError(f"figures given for targets not being calibrated: {', '.join(sorted(unknown))}.")
        chosen = [replace(t, figure=float(figures[t.name]), low=None, high=None) if t.name in figures else t
                  for t in chosen]
    space = search_space(parameters if parameters is not None else default_parameters(chosen))
    base = check_params(dict(base_params or {}), "base parameters")
    start = {k: float(base.get(k, parameter_bounds()[k]["default"])) for k in space}
    for k, v in start.items():  # a start outside a narrowed range is clipped into it
        start[k] = min(max(v, space[k][0]), space[k][1])

    def measure(values: Mapping[str, float]) -> tuple[float, list[TargetResult]]:
        items = plan_runs(chosen, seed_list, n, {**base, **values}, years)
        results = evaluate(chosen, run_frames(items, executor=executor, workers=workers))
        return float(sum(distance(r.target, r.mean) ** 2 for r in results)), results

    t0 = time.perf_counter()
    history: list[dict[str, Any]] = []
    measured: dict[int, list[TargetResult]] = {}
    best: list[float] = [math.inf]

    def objective(trial: optuna.Trial) -> float:
        values = {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in space.items()}
        value, results = measure(values)
        measured[trial.number] = results
        history.append({"trial": trial.number, **values, "objective": value,
                        **{r.target.name: r.mean for r in results}})
        best[0] = min(best[0], value)
        if progress is not None:
            progress(trial.number + 1, trials, value, best[0])
        return value

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=sampler_seed))
    study.enqueue_trial(start)
    study.optimize(objective, n_trials=trials)
    best_row = min(history, key=lambda h: (h["objective"], h["trial"]))
    fitted = {k: float(best_row[k]) for k in space}
    results = measured[best_row["trial"]]
    settings = {"n": n, "seeds": seed_list, "years": dict(years) if years else "as the targets need",
                "trials": trials, "sampler_seed": sampler_seed, "space": {k: list(v) for k, v in space.items()},
                "base_params": base}
    return Calibration(params={**base, **fitted}, objective=float(best_row["objective"]),
                       start_objective=float(history[0]["objective"]), results=results, trials=history,
                       settings=settings, elapsed_s=time.perf_counter() - t0)


def write_calibration(calibration: Calibration, path: str | Path) -> Path:
    """Write the fitted parameters as a parameter file (with the calibration's record as comments)."""
    return write_params(path, calibration.params, header=calibration.header())


__all__ = ["GROUPS", "Calibration", "calibrate", "default_parameters", "distance", "search_space",
           "write_calibration"]
