"""The simulation: builds mechanisms from a scenario and runs the weekly loop."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from .checks import check_engine, check_memory, check_seed
from .demography import Demography
from .mechanism import Mechanism
from .population import Population
from .state import Layout
from .timeline import weeks

if TYPE_CHECKING:
    from ..scenarios.schema import Scenario

Engine = Literal["numba", "numpy"]
_NO_IDS: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PlanEntry:
    """One line of the step order."""

    position: int
    key: str
    label: str
    runs_in: str
    summary: str


def build_mechanisms(scenario: Scenario) -> list[Mechanism]:
    """The mechanisms of a scenario, in step order."""
    from ..adulthood.parenting import Parenting
    from ..adulthood.relationships import Relationships
    from ..adulthood.relief import Relief
    from ..assessments.lifespan import LifespanAssessments
    from ..assessments.strange_situation import StrangeSituation
    from ..caregiving.mechanism import Caregiving
    from ..development import infancy as inf
    from ..development import later
    from ..interventions import build_interventions

    p = scenario.parameters
    a = scenario.assessments

    def reached(ages: list[int]) -> tuple[int, ...]:
        return tuple(sorted({x for x in ages if weeks(years=x) <= weeks(years=scenario.years)}))

    return [
        Demography(),
        Relationships(p.partners),
        Parenting(p.parenting, scenario.population.generations, scenario.population.fertility),
        *build_interventions(scenario),  # M11: none (no weekly work) unless the scenario declares some
        Caregiving(),
        inf.Development(p.development),
        inf.Distress(p.distress),
        inf.Response(p.response),
        inf.CoRegulation(p.regulation),
        inf.WorkingModels(p.working_models),
        inf.Strategies(p.strategies),
        inf.Pathways(p.pathways),
        later.LaterExperience(p.later),
        later.LifeEvents(p.life_events),
        Relief(p.relief),
        StrangeSituation(p.strange_situation, tuple(a.strange_situation.ages_months)),
        LifespanAssessments(p.lifespan_assessments, p.strange_situation, reached(a.preschool_reunion.ages_years),
                            reached(a.checklist.ages_years), reached(a.adult.ages_years), p.pathways.stress_gain_max,
                            p.relief, tuple(sorted({m for m in a.preschool_reunion.ages_months
                                                    if weeks(months=m) <= weeks(years=scenario.years)}))),
    ]


class Simulation:
    """One run of one scenario: a population, its mechanisms and the weekly loop.

    The simulation never writes files or plots; ``run`` returns a :class:`Results`.
    """

    def __init__(self, scenario: Scenario, seed: int = 0, engine: Engine = "numba") -> None:
        self.scenario = scenario
        self.seed = check_seed(seed)
        self.engine: Engine = check_engine(engine)  # type: ignore[assignment]
        self.mechanisms = build_mechanisms(scenario)
        self.layout = Layout(spec for m in self.mechanisms for spec in m.declared())
        self.n_steps = max(1, weeks(years=scenario.years))
        spec = scenario.population
        growth = 1.0 + 0.65 * spec.fertility * (spec.generations - 1) if spec.generations > 1 else 1.0
        capacity = int(spec.n * growth) + (64 if spec.generations > 1 else 0)
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
            entries.append(PlanEntry(pos, m.key, m.label, runs_in, m.summary))
        return entries

    def _groups(self) -> list[tuple[str | None, list[Mechanism]]]:
        groups: list[tuple[str | None, list[Mechanism]]] = []
        for m in self.mechanisms:
            if m.kernel is not None and groups and groups[-1][0] == m.kernel:
                groups[-1][1].append(m)
            else:
                groups.append((m.kernel, [m]))
        return groups

    def _kernel(self, name: str) -> Callable[[Simulation, int], None]:
        if name not in self._kernels:
            if name == "development":
                from ..development import _reference, _runner

                maker = _runner.make_infancy if self.engine == "numba" else _reference.make_infancy
                self._kernels[name] = maker(self)
            elif name == "relief":
                from ..adulthood._runner import make_relief

                self._kernels[name] = make_relief(self)
            else:
                raise KeyError(f"No kernel named '{name}'.")
        return self._kernels[name]

    def run(self, progress: Progress | None = None) -> Results:
        """Create the first generation, run every week, and collect results."""
        import time

        from .results import collect

        t0 = time.perf_counter()
        ids = self.pop.add(self.scenario.population.n)
        self.cohorts[self.step_now] = ids
        for m in self.mechanisms:
            m.init_people(self, ids)
        groups = self._groups()
        # seconds spent in each kernel and hook over the run (two clock reads per section and week: free)
        names = [[f"kernel:{kernel}"] if kernel is not None else [f"hook:{m.key}" for m in members]
                 for kernel, members in groups]
        spent = [[0.0] * len(x) for x in names]
        clock = time.perf_counter
        t1 = clock()
        t_first = 0.0
        for step in range(self.n_steps):
            self.step_now = step
            for g, (kernel, members) in enumerate(groups):
                if kernel is not None:
                    t = clock()
                    self._kernel(kernel)(self, step)
                    spent[g][0] += clock() - t
                else:
                    for j, m in enumerate(members):
                        t = clock()
                        m.step(self, step)
                        spent[g][j] += clock() - t
            if step == 0:
                t_first = time.perf_counter() - t1
            if progress is not None:
                progress(step + 1, self.n_steps)
        for m in self.mechanisms:
            m.finish(self)
        t2 = time.perf_counter()
        results = collect(self)
        self.timings = {"init_s": t1 - t0, "steps_s": t2 - t1, "first_step_s": t_first,
                        "collect_s": time.perf_counter() - t2}
        self.sections = {}
        for row, secs in zip(names, spent, strict=True):
            for name, sec in zip(row, secs, strict=True):
                self.sections[name] = self.sections.get(name, 0.0) + sec
        return results


def _has_step(m: Mechanism) -> bool:
    return type(m).step is not Mechanism.step


from .results import Results  # noqa: E402  (re-exported for type hints)
