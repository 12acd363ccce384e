"""Parameter sweeps: a grid of scenario settings x seeds, run by any executor into a result store."""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from ..errors import UserError
from ..io import load_yaml, read_text_file
from ..scenarios import Scenario, ScenarioError, load_scenario
from ._store import ResultStore, canonical_json, json_safe, run_id_for, scenario_hash, write_run_file

#: Largest number of runs (grid points x seeds) one sweep may plan.
MAX_RUNS = 100_000
MAX_GRID_BYTES = 1_000_000


class GridError(UserError):
    """A grid that cannot be swept, with a message naming the key and what is allowed."""


@dataclass(frozen=True)
class RunSpec:
    """One planned run: a point of the grid, a seed, and the scenario they resolve to."""

    run_id: str
    point: dict[str, Any]
    seed: int
    resolved: dict[str, Any]
    scenario_hash: str


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to compute one run and write it into the store (picklable)."""

    store: str
    spec: RunSpec


@dataclass
class SweepProgress:
    """Counts reported to a progress callback after each run and once before the first."""

    total: int
    computed: int = 0
    skipped: int = 0
    failed: int = 0
    last: str | None = None

    @property
    def finished(self) -> int:
        """Runs accounted for so far (computed, skipped or failed)."""
        return self.computed + self.skipped + self.failed


@dataclass
class SweepReport:
    """What a sweep did: the planned runs and how many were computed, skipped (already stored) or failed."""

    store: Path
    runs: list[RunSpec]
    computed: int
    skipped: int
    failed: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0
    executor: str = "serial"
    workers: int = 1

    @property
    def run_ids(self) -> list[str]:
        """Ids of the planned runs, in plan order (grid points in file order, seeds inner)."""
        return [r.run_id for r in self.runs]


# --- the grid -----------------------------------------------------------------------------------
def load_grid(source: str | Path | Mapping[str, Any]) -> tuple[dict[str, list[Any]], str]:
    """Read a grid (YAML file or mapping) into ``{dotted key: [values]}``; return it and its origin."""
    if isinstance(source, Mapping):
        data: Any = dict(source)
        origin = "grid"
    else:
        path = Path(source)
        origin = f"grid file {path}"
        data = load_yaml(read_text_file(path, origin, "a grid file", GridError, MAX_GRID_BYTES), origin, GridError)
    if not isinstance(data, dict) or not data:
        got = "nothing" if data is None or data == {} else f"a {type(data).__name__}"
        raise GridError(f"{origin}: a grid must be a YAML mapping of dotted scenario paths to lists of values, "
                        f"e.g. 'parameters.parenting.sensitivity_partner: [0.8, 1.2]'; got {got}.")
    grid: dict[str, list[Any]] = {}
    for key, values in data.items():
        if not isinstance(key, str):
            raise GridError(f"{origin}: key {key!r} must be a dotted scenario path (text).")
        if not isinstance(values, list) or not values:
            raise GridError(f"{origin}: key '{key}' must map to a non-empty list of values, e.g. "
                            f"'{key}: [value1, value2]'; got {values!r}.")
        seen: set[str] = set()
        for v in values:
            text = canonical_json(v)
            if text in seen:
                raise GridError(f"{origin}: key '{key}' lists the value {v!r} twice.")
            seen.add(text)
        grid[key] = list(values)
    return grid, origin


def _section(annotation: Any) -> Any:
    """The pydantic model inside an annotation (``X | None`` -> X), ``dict`` for a mapping, else None."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        if arg is dict or get_origin(arg) is dict:
            return dict
    return None


def check_key(key: str, origin: str = "grid") -> None:
    """Raise :class:`GridError` unless ``key`` is a dotted path into the scenario schema."""
    parts = key.split(".")
    if any(not p for p in parts):
        raise GridError(f"{origin}: key '{key}' is not a dotted path such as "
                        "'parameters.parenting.sensitivity_partner'.")
    model: Any = Scenario
    walked: list[str] = []
    for part in parts:
        if model is dict:  # a mapping section (e.g. caregiving.mixture): its keys are checked with the values
            return
        fields = getattr(model, "model_fields", None)
        if fields is None:
            raise GridError(f"{origin}: key '{key}': '{'.'.join(walked)}' is a value, not a section; it has no "
                            f"key '{part}'.")
        if part not in fields:
            where = f"'{'.'.join(walked)}'" if walked else "the scenario"
            hint = " (seeds are set with --seeds, not in the grid)" if key == "seed" else ""
            raise GridError(f"{origin}: unknown key '{key}': {where} has no key '{part}'; allowed keys: "
                            f"{', '.join(fields)}{hint}.")
        walked.append(part)
        model = _section(fields[part].annotation)


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = copy.deepcopy(value)


def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _problems(exc: ScenarioError) -> str:
    """The problem lines of a scenario error, without its first line (which names the origin)."""
    lines = str(exc).splitlines()
    return "\n".join(lines[1:]) if len(lines) > 1 else f"  - {lines[0]}"


def _resolve(base: dict[str, Any], point: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for key, value in point.items():
        _set(data, key, value)
    resolved = load_scenario(data).model_dump(mode="json")
    for key, value in point.items():
        if value is not None and _get(resolved, key) is None:
            raise ScenarioError(f"scenario:\n  - {key}: the value {value!r} has no effect in this scenario "
                                "(another setting takes precedence, e.g. caregiving.mixture over caregiving.profile).")
    return resolved


def plan_sweep(scenario: str | Path | dict[str, Any] | Scenario, grid: str | Path | Mapping[str, Any],
               seeds: int | Sequence[int] = 1, *, first_seed: int = 0, n: int | None = None,
               years: float | None = None) -> list[RunSpec]:
    """Validate a grid against a scenario and list its runs (grid product x seeds), running nothing.

    Every key is checked against the scenario schema, every value on its own, then every
    combination; the first problem found is raised as a :class:`GridError` naming the key,
    the value and the allowed range.
    """
    axes, origin = load_grid(grid)
    for key in axes:
        check_key(key, origin)
    if n is not None and "population.n" in axes:
        raise GridError(f"{origin}: 'population.n' is in the grid and also given with --n; give it in one place.")
    if years is not None and "years" in axes:
        raise GridError(f"{origin}: 'years' is in the grid and also given with --years; give it in one place.")
    seed_list = _seeds(seeds, first_seed)
    base_sc = load_scenario(scenario)
    base = base_sc.model_dump(mode="json")
    if n is not None:
        base["population"]["n"] = n
    if years is not None:
        base["years"] = years
    if n is not None or years is not None:
        try:
            base = load_scenario(base).model_dump(mode="json")
        except ScenarioError as exc:
            raise GridError(f"--n / --years:\n{_problems(exc)}") from None
    total = len(seed_list)
    for values in axes.values():
        total *= len(values)
    if total > MAX_RUNS:
        raise GridError(f"{origin}: the grid x seeds makes {total:,} runs; a sweep may have at most {MAX_RUNS:,}.")
    problems = []
    for key, values in axes.items():
        for value in values:
            try:
                _resolve(base, {key: value})
            except ScenarioError as exc:
                problems.append(f"key '{key}', value {value!r}:\n{_problems(exc)}")
    if problems:
        raise GridError(f"{origin}: {len(problems)} value{'s are' if len(problems) > 1 else ' is'} not allowed:\n"
                        + "\n".join(problems))
    specs: list[RunSpec] = []
    seen: set[str] = set()
    for combo in itertools.product(*axes.values()):
        point = dict(zip(axes, combo, strict=True))
        try:
            resolved = _resolve(base, point)
        except ScenarioError as exc:
            raise GridError(f"{origin}: the combination {point} is not a valid scenario:\n{_problems(exc)}") from None
        s_hash = scenario_hash(resolved)
        for seed in seed_list:
            rid = run_id_for(resolved, point, seed)
            if rid in seen:
                continue
            seen.add(rid)
            specs.append(RunSpec(rid, json_safe(point), seed, resolved, s_hash))
    return specs


def _seeds(seeds: int | Sequence[int], first_seed: int) -> list[int]:
    if isinstance(seeds, bool):
        raise GridError(f"The 'seeds' setting must be a number of seeds (1-{MAX_RUNS:,}) or a list of seeds. "
                        f"Got {seeds!r} instead.")
    if isinstance(first_seed, bool) or not isinstance(first_seed, int) or first_seed < 0:
        raise GridError(f"The 'first_seed' setting must be a non-negative integer. Got {first_seed!r} instead.")
    if isinstance(seeds, int):
        if not 1 <= seeds <= MAX_RUNS:
            raise GridError(f"--seeds must be between 1 and {MAX_RUNS:,}; got {seeds}.")
        return list(range(first_seed, first_seed + seeds))
    out = list(seeds)
    if not out or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in out):
        raise GridError(f"The 'seeds' list must hold non-negative integers. Got {out!r} instead.")
    return list(dict.fromkeys(out))


# --- running ------------------------------------------------------------------------------------
def run_task(task: RunTask) -> dict[str, Any]:
    """Compute one run and write its file into the store; return its record (never raises).

    Runs in a worker. The file's footer holds only what determines the run (no times), so
    the same run gives the same bytes whichever executor computed it.
    """
    from .. import __version__
    from ..model import build

    t0 = time.perf_counter()
    spec = task.spec
    base = {"run_id": spec.run_id, "scenario": spec.resolved.get("name"), "scenario_hash": spec.scenario_hash,
            "point": spec.point, "seed": spec.seed, "n": spec.resolved["population"]["n"],
            "years": spec.resolved["years"], "attachsim_version": __version__}
    try:
        results = build(load_scenario(spec.resolved), seed=spec.seed).run()
        record = {**base, "summary": json_safe(results.summary()), "meta": json_safe(results.meta),
                  "resolved": spec.resolved}
        path = write_run_file(task.store, spec.run_id, results.people, record)
        return {**record, "status": "done", "path": f"{path.parent.name}/{path.name}", "bytes": path.stat().st_size,
                "rows": len(results.people), "elapsed_s": time.perf_counter() - t0}
    except Exception as exc:  # a failed run is recorded, and retried by the next sweep
        return {**base, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "elapsed_s": time.perf_counter() - t0}


def sweep(scenario: str | Path | dict[str, Any] | Scenario, grid: str | Path | Mapping[str, Any], *,
          seeds: int | Sequence[int] = 1, first_seed: int = 0, n: int | None = None, years: float | None = None,
          store: str | Path = "attachsim-store", executor: str = "serial", workers: int | None = None,
          scheduler: str | None = None, progress: Callable[[SweepProgress], None] | None = None) -> SweepReport:
    """Run a grid of scenario settings x seeds into a result store; rerunning resumes.

    ``grid`` maps dotted scenario paths to lists of values (a YAML file or a dict), e.g.
    ``{"caregiving.profile": ["sensitive", "rejecting"], "parameters.parenting.sensitivity_partner":
    [0.8, 1.2]}``; the sweep is their product x ``seeds`` (a count from ``first_seed``, or a list).
    The whole grid is validated before anything runs. Runs already in the store are skipped;
    each finished run is recorded as soon as it arrives, so a killed sweep loses at most the
    runs in progress. ``executor``: ``serial``, ``processes`` or ``dask`` (see
    :func:`attachsim.execution.get_executor`); stored results do not depend on it.
    """
    from ..execution import KINDS, ExecutorError, get_executor

    if executor not in KINDS:
        raise ExecutorError(f"The 'executor' setting must be one of {', '.join(KINDS)}. Got {executor!r} instead.")
    t0 = time.perf_counter()
    specs = plan_sweep(scenario, grid, seeds, first_seed=first_seed, n=n, years=years)
    result_store = ResultStore(store)
    root = str(result_store.root.resolve())
    with result_store.locked():
        result_store.reconcile()
        present = result_store.present_ids()
        todo = [s for s in specs if s.run_id not in present]
        state = SweepProgress(total=len(specs), skipped=len(specs) - len(todo))
        failed: dict[str, str] = {}
        if progress is not None:
            progress(state)

        def arrived(_: int, record: dict[str, Any]) -> None:
            result_store.record([record])
            if record["status"] == "done":
                state.computed += 1
            else:
                state.failed += 1
                failed[record["run_id"]] = str(record.get("error"))
            state.last = record["run_id"]
            if progress is not None:
                progress(state)

        kind, n_workers = executor, 1
        if todo:
            with get_executor(executor, workers=workers, scheduler=scheduler) as ex:
                kind, n_workers = ex.kind, ex.workers
                ex.map(run_task, [RunTask(root, s) for s in todo], on_result=arrived)
    return SweepReport(store=result_store.root, runs=specs, computed=state.computed, skipped=state.skipped,
                       failed=failed, elapsed_s=time.perf_counter() - t0, executor=kind, workers=n_workers)
