"""The simulation: runs the weekly loop over the mechanisms it is given.

The core knows no model: the mechanisms (in plan order) and the factories of the fused kernels they run are
handed in by the composition root, :mod:`attachsim.model`, which is also where a new mechanism is registered.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from .checks import check_engine, check_memory, check_seed
from .mechanism import Mechanism
from .population import Population
from .state import Layout
from .timeline import weeks

if TYPE_CHECKING:
    import pandas as pd

    from ..scenarios.schema import Scenario

Engine = Literal["numba", "numpy"]
_NO_IDS: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
Progress = Callable[[int, int], None]
#: one week of a fused kernel's group of mechanisms: ``step(sim, week)``
KernelStep = Callable[["Simulation", int], None]
#: builds a kernel's weekly step for a simulation (it chooses the Numba kernel or the NumPy reference by
#: ``sim.engine``)
KernelFactory = Callable[["Simulation"], KernelStep]
#: extra figures a summary of one column adds (e.g. a correlation), from the people table
SummaryExtra = Callable[["pd.DataFrame"], dict[str, Any]]


class Recorder(Protocol):
    """Reads states during a run (never writes them): ``record`` after every week, ``finish`` on the results."""

    def record(self, sim: Simulation, step: int) -> None:
        """Read the states after the week ``step``."""

    def finish(self, sim: Simulation, results: Results) -> None:
        """Put what was recorded on ``results``."""


@dataclass(frozen=True)
class PlanEntry:
    """One line of the step order."""

    position: int
    key: str
    label: str
    runs_in: str
    summary: str
    stages: tuple[str, ...] = ()


class Simulation:
    """One run of one scenario: a population, its mechanisms and the weekly loop.

    The simulation never writes files or plots; ``run`` returns a :class:`Results`. Build one with
    :func:`attachsim.model.build` (or :func:`attachsim.simulation`), which supplies the model's mechanisms and
    kernels.
    """

    def __init__(self, scenario: Scenario, mechanisms: Sequence[Mechanism], kernels: Mapping[str, KernelFactory],
                 seed: int = 0, engine: Engine = "numba", *, summary_column: str | None = None,
                 summary_extras: Mapping[str, SummaryExtra] | None = None,
                 recorders: Sequence[Recorder] = (), story: Callable[[Results, int], Any] | None = None) -> None:
        missing = sorted({m.kernel for m in mechanisms if m.kernel is not None} - set(kernels))
        if missing:
            raise ValueError(f"No kernel factory for {', '.join(repr(k) for k in missing)}; known: "
                             f"{', '.join(sorted(kernels)) or 'none'}.")
        self.scenario = scenario
        self.seed = check_seed(seed)
        self.engine: Engine = check_engine(engine)  # type: ignore[assignment]
        self.mechanisms = list(mechanisms)
        self.kernel_factories = dict(kernels)
        #: the column ``Results.summary()`` summarises by default, and extra figures per column
        self.summary_column = summary_column
        self.summary_extras = dict(summary_extras or {})
        #: called after every week and once on the results; they only read states
        self.recorders = list(recorders)
        #: tells one person's life from the results (``Results.life``)
        self.story = story
        self.layout = Layout(spec for m in self.mechanisms for spec in m.declared())
        self.n_steps = max(1, weeks(years=scenario.years))
        spec = scenario.population
        capacity = max(1, spec.n + sum(m.extra_capacity(spec.n) for m in self.mechanisms))
        check_memory(self.layout.bytes_per_person, capacity, spec.n)  # refuse before allocating
        self.pop = Population(self.layout, capacity)
        self.step_now = 0
        self.cohorts: dict[int, npt.NDArray[np.int32]] = {}
        self.timings: dict[str, float] = {}
        #: seconds per kernel ("kernel:<name>") and per hook ("hook:<key>") over the last run, in step order
        self.sections: dict[str, float] = {}
        self._kernels: dict[str, Callable[[Simulation, int], None]] = {}
        self._cohorts_seen = 0
        self._oldest_birth = 1 << 30

    def completing(self, step: int, age_weeks: int) -> npt.NDArray[np.int32]:
        """Ids of the people who complete ``age_weeks`` weeks of age at the end of ``step``.

        Looked up in the index of birth cohorts, so assessment hooks cost nothing in weeks
        in which nobody reaches an assessment age.
        """
        return self.cohorts.get(step + 1 - age_weeks, _NO_IDS)

    def oldest_age(self, step: int) -> int:
        """Age in weeks at ``step`` of the oldest person, from the index of birth cohorts.

        Lets weekly hooks and kernels skip whole-population scans before anyone can be in their
        age range. Births only add cohorts at the current week, so the oldest is found among the
        cohorts added since the last call. Without an index (people added by hand) every age is possible.
        """
        if not self.cohorts:
            return 1 << 30
        if len(self.cohorts) != self._cohorts_seen:
            added = itertools.islice(reversed(self.cohorts), len(self.cohorts) - self._cohorts_seen)
            self._oldest_birth = min(self._oldest_birth, *added)
            self._cohorts_seen = len(self.cohorts)
        return step - self._oldest_birth

    def plan(self) -> list[PlanEntry]:
        """The order in which mechanisms act each week (consecutive kernel members fuse into one call)."""
        entries = []
        for pos, m in enumerate(self.mechanisms, start=1):
            runs_in = f"fused kernel '{m.kernel}'" if m.kernel else ("hook" if _has_step(m) else "at birth only")
            if _overrides(m, "finish"):
                runs_in += "; after the last week"
            entries.append(PlanEntry(pos, m.key, m.label, runs_in, m.summary, m.stages))
        return entries

    def groups(self) -> list[tuple[str, tuple[Mechanism, ...], KernelStep]]:
        """The weekly work in plan order: (section name, its mechanisms, its step).

        Consecutive members of one kernel form one section (``kernel:<name>``); every other mechanism with
        weekly work is a section of its own (``hook:<key>``).
        """
        out: list[tuple[str, tuple[Mechanism, ...], KernelStep]] = []
        for kernel, members in self._groups():
            if kernel is not None:
                out.append((f"kernel:{kernel}", tuple(members), self._kernel(kernel)))
            else:
                out += [(f"hook:{m.key}", (m,), m.step) for m in members]
        return out

    def _groups(self) -> list[tuple[str | None, list[Mechanism]]]:
        groups: list[tuple[str | None, list[Mechanism]]] = []
        for m in self.mechanisms:
            if m.kernel is not None and groups and groups[-1][0] == m.kernel:
                groups[-1][1].append(m)
            else:
                groups.append((m.kernel, [m]))
        return groups

    def _kernel(self, name: str) -> KernelStep:
        if name not in self._kernels:
            self._kernels[name] = self.kernel_factories[name](self)
        return self._kernels[name]

    def start(self) -> npt.NDArray[np.int32]:
        """Add the first generation and let every mechanism set up its states for them; return their ids."""
        ids = self.pop.add(self.scenario.population.n)
        self.cohorts[self.step_now] = ids
        for m in self.mechanisms:
            m.init_people(self, ids)
        return ids

    def run(self, progress: Progress | None = None) -> Results:
        """Create the first generation, run every week, and collect results."""
        import time

        from .results import collect

        t0 = time.perf_counter()
        self.start()
        sections = self.groups()
        # seconds spent in each kernel and hook over the run (two clock reads per section and week: free)
        spent = [0.0] * len(sections)
        clock = time.perf_counter
        t1 = clock()
        t_first = 0.0
        t_record = 0.0
        for step in range(self.n_steps):
            self.step_now = step
            for g, (_, _, advance) in enumerate(sections):
                t = clock()
                advance(self, step)
                spent[g] += clock() - t
            if step == 0:
                t_first = time.perf_counter() - t1
            if self.recorders:
                t = clock()
                for rec in self.recorders:
                    rec.record(self, step)
                t_record += clock() - t
            if progress is not None:
                progress(step + 1, self.n_steps)
        for m in self.mechanisms:
            m.finish(self)
        t2 = time.perf_counter()
        results = collect(self)
        for rec in self.recorders:
            rec.finish(self, results)
        self.timings = {"init_s": t1 - t0, "steps_s": t2 - t1, "first_step_s": t_first,
                        "collect_s": time.perf_counter() - t2}
        self.sections = {}
        for (name, _, _), sec in zip(sections, spent, strict=True):
            self.sections[name] = self.sections.get(name, 0.0) + sec
        if self.recorders:
            self.sections["recording"] = t_record
        return results


def _has_step(m: Mechanism) -> bool:
    return _overrides(m, "step")


def _overrides(m: Mechanism, hook: str) -> bool:
    return getattr(type(m), hook) is not getattr(Mechanism, hook)


from .results import Results  # noqa: E402  (re-exported for type hints)
