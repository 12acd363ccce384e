"""The composition root: which mechanisms make up the model, in plan order, and the kernels they run.

The core (:mod:`attachsim.core`) runs a weekly loop over whatever mechanisms it is given and knows no model;
this module is the one place that names them. A new mechanism is added here (see ``docs/architecture.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .adulthood.parenting import Parenting
from .adulthood.relationships import Relationships
from .adulthood.relief import Relief
from .assessments.lifespan import LifespanAssessments
from .assessments.strange_situation import StrangeSituation, summary_extras
from .caregiving.mechanism import Caregiving
from .core.demography import Demography
from .core.engine import Engine, KernelFactory, KernelStep, Recorder, Simulation
from .core.mechanism import Mechanism
from .core.timeline import weeks
from .development import infancy as inf
from .development import later
from .development.liability import Liability
from .interventions import build_interventions

if TYPE_CHECKING:
    from .scenarios.schema import Scenario


def mechanisms(scenario: Scenario) -> list[Mechanism]:
    """The mechanisms of a scenario, in the order they act each week (``attachsim plan`` prints it)."""
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
        Liability(p.liability),
        Relief(p.relief),
        StrangeSituation(p.strange_situation, tuple(a.strange_situation.ages_months)),
        LifespanAssessments(p.lifespan_assessments, p.strange_situation, reached(a.preschool_reunion.ages_years),
                            reached(a.checklist.ages_years), reached(a.adult.ages_years), p.pathways.stress_gain_max,
                            p.relief, tuple(sorted({m for m in a.preschool_reunion.ages_months
                                                    if weeks(months=m) <= weeks(years=scenario.years)})),
                            liability=p.liability),
    ]


def _development_kernel(sim: Simulation) -> KernelStep:
    """M1-M7, caregiving and life events: the fused Numba kernel, or its NumPy reference."""
    from .development._runner import make_development

    return make_development(sim)


def _relief_kernel(sim: Simulation) -> KernelStep:
    """M8 relief-seeking: the Numba kernel, or its NumPy reference."""
    from .adulthood._runner import make_relief

    return make_relief(sim)


#: The fused kernels, by the name mechanisms give in ``Mechanism.kernel``.
KERNELS: dict[str, KernelFactory] = {"development": _development_kernel, "relief": _relief_kernel}
#: The column ``Results.summary()`` reads by default: the 12-month Strange Situation.
SUMMARY_COLUMN = "ssp_12m"


def build(scenario: Scenario, seed: int = 0, engine: Engine = "numba",
          recorders: Sequence[Recorder] = ()) -> Simulation:
    """A :class:`Simulation` of ``scenario`` with the model's mechanisms and kernels (and optional recorders)."""
    from .recording.life import life

    return Simulation(scenario, mechanisms(scenario), KERNELS, seed=seed, engine=engine,
                      summary_column=SUMMARY_COLUMN, summary_extras={SUMMARY_COLUMN: summary_extras},
                      recorders=recorders, story=life)
