"""M10 parenting and transmission (MODEL §6; seed 0, S0-2).

Women between 18 and 45 give birth with a weekly hazard shaped by age and partnership so
that, on average, ``fertility`` children are born to each woman of a parenting generation.
A child of a simulated parent is cared for by that parent: each week, before the
development step, the child's six caregiving parameters are recomputed from the parent's
current state through M10's own laws (below): her arousal absorbs her sensitivity; an
unregulated deactivating defence rebuffs bids and an unregulated hyperactivated one answers
intermittently; chronic arousal and the fear that harm left (threat x sensitised stress
response) dysregulate her; hostility (that fear times the arousal her regulation leaves
unregulated this week) above an onset harms;
compulsive use costs sensitivity and availability; a partner supports. No instrument's
thresholds and no table measured on a seed enter: the level of each parameter comes from the
laws, and only the part of caregiving unrelated to the parent's state (skills, circumstances,
socioeconomic risk) comes from the community draw at birth. So a parent's addiction or
recovery during the child's childhood changes the care the child gets, and a parent who was
harmed can harm (the cycle of maltreatment). Temperament is partly inherited. The parent's
adult-interview class is assessed at the child's birth (for the read-out only).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..caregiving.profiles import PARENT_PROFILE, PROFILES
from ..core.columns import Column, coded, count, flag
from ..core.laws import clip, kernel_law
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel
from ..core.rng import normals, uniforms
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, YEAR_W
from .relief import REGULATORS, compulsive

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]
#: Ages (years) between which women give birth (MODEL §6 M10).
FIRST_BIRTH_AGE, LAST_BIRTH_AGE = 18, 45
#: Relationship quality at which partner support neither raises nor lowers sensitivity: a new relationship's
#: quality (``partners.start_quality``'s default); it fixes the unit of ``sensitivity_partner``, so it is not free.
REFERENCE_QUALITY = 0.6
#: Highest caregiving inconsistency (the caregiving profiles' bound, ``caregiving.profiles.PARAMETER_MAX``).
INCONSISTENCY_MAX = 0.5
EXOGENOUS = ("availability", "sensitivity", "rejection", "inconsistency", "dysregulation")
#: Of the exogenous parts, those kept as a level (the community draw itself); the others are kept as the draw's
#: deviation from its profile's mean, since their level comes from the parent's state.
EXOGENOUS_LEVEL = ("availability",)
#: Caregiving parameters averaged over the first year for the observers' rating.
Y1 = ("rejection", "inconsistency", "availability")


#: rows reserved per person and child per woman for each later generation: half the population are women
#: having ``fertility`` children each, plus 30% headroom for chance (the run stops with a clear error if exceeded)
ROOM_PER_GENERATION = 0.65


def inherit(sim: Simulation, parents: npt.NDArray[np.int64], children: npt.NDArray[np.int32]) -> None:
    """Pass each mechanism's ``heritable`` liabilities on: child = parent / 2 + sqrt(3/4) x the child's own draw.

    The liabilities are standard-normal additive genetic values. A child's value is the mean of the two
    parents' plus Mendelian segregation (variance 1/2); the other parent is not simulated, so their half
    and the segregation are the child's own draw scaled to variance 3/4, which keeps the variance at 1 and
    gives the parent-offspring correlation of one half (Falconer & Mackay 1996).
    """
    for m in sim.mechanisms:
        for name in m.heritable:
            col = sim.pop[name]
            col[children] = (0.5 * col[parents].astype(np.float64)
                             + np.sqrt(0.75) * col[children].astype(np.float64)).astype(col.dtype)


class ParentingParams(ParamModel):
    """Births and the caregiving a parent's state produces."""

    birth_age_mean: float
    birth_age_sd: float
    partnered_births: float
    partnered_share: float
    inheritance: float
    sensitivity_unstrained: float
    sensitivity_arousal: float
    sensitivity_partner: float
    compulsive_cost: float
    rejection_deactivation: float
    inconsistency_hyperactivation: float
    dysregulation_stress: float
    dysregulation_fear: float
    harm_hostility: float
    harm_onset: float
    observed_distress_share: float
    rating_error_sd: float
    compulsive_inconsistency: float


@kernel_law
def unresolved_fear(threat: Any, stress_gain: Any) -> Any:
    """M10: the fear harm and fright left: expected harm from close others x the stress response's sensitisation."""
    return threat * (stress_gain - 1.0)


@kernel_law
def parent_sensitivity(level: Any, exo_dev: Any, strain: Any, quality: Any, cost: Any, per_strain: Any,
                       per_partner: Any) -> Any:
    """M10: prompt soothing of distress: an unstrained parent's level, less what her own distress absorbs.

    Her skills and circumstances shift the level (``exo_dev``), a partner supports, compulsive use costs.
    """
    return clip(level + exo_dev - per_strain * strain + per_partner * (quality - REFERENCE_QUALITY) - cost, 0.0,
                1.0)


@kernel_law
def unregulated(arousal: Any, regulation: Any) -> Any:
    """M10: the part of a parent's arousal her regulation does not contain."""
    return arousal * (1.0 - regulation)


@kernel_law
def parent_rejection(exo_dev: Any, deactivation: Any, hyperactivation: Any, regulation: Any, gain: Any) -> Any:
    """M10: rebuffs of bids from a deactivating defence she cannot regulate (Ds -> A)."""
    return clip(exo_dev + gain * np.maximum(deactivation - hyperactivation, 0.0) * (1.0 - regulation), 0.0, 1.0)


@kernel_law
def parent_inconsistency(exo_dev: Any, hyperactivation: Any, regulation: Any, cost: Any, gain: Any,
                         compulsive_share: Any) -> Any:
    """M10: intermittent responsiveness from an unregulated hyperactivated parent (E -> C), and from compulsive use."""
    return clip(exo_dev + gain * hyperactivation * (1.0 - regulation) + compulsive_share * cost, 0.0,
                INCONSISTENCY_MAX)


@kernel_law
def parent_dysregulation(exo_dev: Any, chronic_strain: Any, fear: Any, cost: Any, per_stress: Any,
                         per_fear: Any) -> Any:
    """M10: her unregulated chronic stress and unresolved fear, as caregiving dysregulation (S0-2; U -> D)."""
    return clip(exo_dev + per_stress * chronic_strain + per_fear * fear + cost, 0.0, 1.0)


@kernel_law
def parent_harm(fear: Any, strain: Any, onset: Any, gain: Any) -> Any:
    """M10: harm per bid from hostility (unresolved fear x this week's unregulated arousal) above an onset.

    Her regulation contains hostility as it contains the other channels: only the arousal it leaves unregulated
    turns fear into harm.
    """
    return clip(gain * np.maximum(fear * strain - onset, 0.0), 0.0, 1.0)


@kernel_law
def rated_sensitivity(soothing: Any, rejection: Any, inconsistency: Any, availability: Any) -> Any:
    """What observers rate (0-1): the mean of Ainsworth's four maternal scales over the first year.

    Sensitivity (prompt, appropriate soothing of the signals perceived), acceptance (1 - rejection),
    cooperation (1 - inconsistency / its maximum: answering on the child's signals, not on her own state) and
    accessibility (availability). Frightened or frightening behaviour and abuse are not on these scales.
    """
    return (soothing + (1.0 - rejection) + (1.0 - inconsistency / INCONSISTENCY_MAX) + availability) / 4.0


@kernel_law
def observed_rating(distress: Any, calm: Any, distress_share: Any) -> Any:
    """What a home observation rates: the scales in distress and out of it, weighted by the time in each."""
    return distress_share * distress + (1.0 - distress_share) * calm


class Parenting(Mechanism):
    """M10: births, and each week a child's caregiving from its parent's current state."""

    key = "m10_parenting"
    #: at a birth: the newborn's generation, profile and inherited temperament; weekly: the child's caregiving
    #: and the household-substance item of the ACE ledger
    states = owned(
        key,
        i32("parent", -1, "id", "The mother's id, or -1 for an exogenous caregiver."),
        i32("children", 0, "count", "Children born."),
        i8("parent_aai_at_birth", -1, "code", "Mother's adult-interview class at the birth: 0 F, 1 Ds, 2 E."),
        i8("parent_unresolved_at_birth", -1, "flag", "Mother coded U at the birth."),
        *(f32(f"exo_{k}", 0.0, "0-1", f"The part of the child's caregiving {k} that does not come from the "
              "parent's state: the community draw at birth, with any socioeconomic risk"
              + ("." if k in EXOGENOUS_LEVEL else ", as its deviation from the profile's mean."))
          for k in EXOGENOUS),
        *(f32(f"y1_{k}", 0.0, "0-1 x weeks", f"First year: the caregiver's {k}, summed over the weeks of a "
              "simulated parent's care (read by the rated-sensitivity column).") for k in Y1),
        f32("y1_weeks", 0.0, "weeks", "First year: weeks of a simulated parent's care."),
    )
    internal = frozenset({*(f"y1_{k}" for k in Y1), "y1_weeks"})

    def __init__(self, params: ParentingParams | None = None, generations: int = 1, fertility: float = 1.8) -> None:
        super().__init__(params)
        self.generations = generations
        self.fertility = fertility
        #: ids of the children born in the simulation, by week of birth, while they are under 18 (the only
        #: people whose care comes from a simulated parent), so that no week scans the whole population
        self._born: dict[int, npt.NDArray[np.int32]] = {}

    def written(self, mechanisms: Sequence[Mechanism]) -> set[str]:
        """``writes``, and the ``heritable`` liabilities of the other mechanisms (set at each birth)."""
        return set(self.writes) | {h for m in mechanisms for h in m.heritable}

    def extra_capacity(self, n: int) -> int:
        """Room for the births: each later generation adds about ``ROOM_PER_GENERATION x fertility x n`` people."""
        if self.generations <= 1:
            return 0
        return int(n * ROOM_PER_GENERATION * self.fertility * (self.generations - 1)) + 64

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """The parent link, children born, and the mother's interview at the birth."""
        from ..assessments.lifespan import AAI_CLASSES

        return (
            Column("parent_id", "int32", "id", "mother's id (-1: exogenous caregiver)", "none",
                   lambda s: s.pop["parent"].copy()),
            count("children", "int16", "count", "children born"),
            coded("parent_aai_at_birth", AAI_CLASSES, "F/Ds/E", "mother's adult-interview class at the birth"),
            flag("parent_unresolved_at_birth", "mother coded unresolved (U) at the birth"),
            Column("sensitivity_rated_0_1", "float32", "0-1",
                   "caregiver's sensitivity as observers rate it, first year (Ainsworth's four scales)", "mean",
                   self.rated_sensitivity),
        )

    def rated_sensitivity(self, sim: Simulation) -> npt.NDArray[np.float32]:
        """Observers' first-year rating (:func:`observed_rating`) with the occasion error of a home observation.

        In distress (what the child's bids meet): soothing is the kernel's first-year mean of weekly sensitivity
        (as ``sensitivity_0_1``); rejection, inconsistency and availability are first-year means for a simulated
        parent's child, the caregiver's values (constant in year one) for an exogenous caregiver's. Out of
        distress, a simulated parent's own state is not stirred: her skills and circumstances (``exo_*``) with
        her availability; for an exogenous caregiver the two contexts are the same. The occasion error
        (``rating_error_sd``) has its own draws.
        """
        pop, p = sim.pop, self.params
        assert isinstance(p, ParentingParams)
        den = pop["sens_obs_den"].astype(np.float64)
        w = pop["y1_weeks"].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            soothing = np.where(den > 0, pop["sens_obs_num"] / den, np.nan)
            mean = {k: np.where(w > 0, pop[f"y1_{k}"] / w, pop[f"cg_{k}"]) for k in Y1}
        distress = rated_sensitivity(soothing, mean["rejection"], mean["inconsistency"], mean["availability"])
        calm = rated_sensitivity(np.clip(p.sensitivity_unstrained + pop["exo_sensitivity"], 0.0, 1.0),
                                 np.clip(pop["exo_rejection"], 0.0, 1.0),
                                 np.clip(pop["exo_inconsistency"], 0.0, INCONSISTENCY_MAX), mean["availability"])
        rating = np.where(w > 0, observed_rating(distress, calm, p.observed_distress_share), distress)
        error = p.rating_error_sd * normals(sim.seed, "observe.sensitivity_rated", 0, pop["id"].astype(np.int64))
        out: npt.NDArray[np.float32] = np.clip(rating + error, 0.0, 1.0).astype(np.float32)
        return out

    def step(self, sim: Simulation, step: int) -> None:
        """Births this week, then the caregiving of every child of a simulated parent."""
        if self.generations > 1:
            self._births(sim, step)
        self._caregiving(sim, step)

    def _births(self, sim: Simulation, step: int) -> None:
        pop, p = sim.pop, self.params
        assert isinstance(p, ParentingParams)
        age_y = (step - pop["birth_step"]) / WEEKS_PER_YEAR
        women = np.nonzero((pop["sex"] == 1) & (age_y >= FIRST_BIRTH_AGE) & (age_y < LAST_BIRTH_AGE)
                           & (pop["generation"] < self.generations - 1))[0]
        if women.size == 0:
            return
        a = age_y[women]
        density = np.exp(-0.5 * ((a - p.birth_age_mean) / p.birth_age_sd) ** 2) / (p.birth_age_sd * np.sqrt(2 * np.pi))
        partnered = pop["partner"][women] >= 0
        # partnered women carry most births; the weights average to one over a typical partnership share
        weight = np.where(partnered, p.partnered_births, 1.0) / (p.partnered_share * p.partnered_births
                                                                 + (1.0 - p.partnered_share))
        hazard = self.fertility * density * weight / WEEKS_PER_YEAR
        mothers = women[uniforms(sim.seed, "m10.birth", step, women) < hazard]
        if mothers.size == 0:
            return
        if pop.n + mothers.size > pop.capacity:
            raise RuntimeError(f"Population capacity {pop.capacity:,} reached at week {step}: lower "
                               "population.n, generations or fertility.")
        from ..assessments.lifespan import CODES, STATE_NAMES, adult_instruments, loss_or_trauma

        ids = pop.add(mothers.size)
        sim.cohorts[step] = np.concatenate([sim.cohorts.get(step, np.zeros(0, np.int32)), ids])
        for m in sim.mechanisms:
            m.init_people(sim, ids)
        pop["parent"][ids] = mothers
        inherit(sim, mothers, ids)
        self._born[step] = ids
        pop["generation"][ids] = pop["generation"][mothers] + 1
        drawn_profile = pop["profile"][ids].copy()
        pop["profile"][ids] = PARENT_PROFILE
        pop["children"][mothers] += 1
        # the community draw every newborn got from the caregiving mechanism: a level (sensitivity, availability)
        # or a deviation from its profile's mean (the level of the others comes from the parent's state)
        for k in EXOGENOUS:
            drawn: F64 = pop[f"cg_{k}"][ids].astype(np.float64)
            if k not in EXOGENOUS_LEVEL:
                drawn -= profile_means(sim, drawn_profile, k)
            pop[f"exo_{k}"][ids] = drawn
        # the scenario's adversity schedules describe the first generation's caregivers, as its profile does:
        # a simulated parent's child is harmed or deprived by that parent's state (cg_harm, availability)
        for kind in ("threat", "deprivation"):
            pop[f"{kind}_intensity"][ids] = 0.0
        r = p.inheritance
        sd = sim.scenario.parameters.distress.reactivity_sd
        z = normals(sim.seed, "m10.temperament", step, ids)
        log_parent = np.log(pop["reactivity"][mothers].astype(np.float64))
        pop["reactivity"][ids] = np.exp(r * log_parent + np.sqrt(1 - r * r) * sd * z - 0.5 * sd * sd).astype(
            np.float32)
        states = {k: pop[k][mothers].astype(np.float64) for k in STATE_NAMES}
        life = sim.scenario.parameters.lifespan_assessments
        out = adult_instruments(states, mothers.astype(np.int32), sim.seed, step, 0, life,
                                loss_or_trauma(sim, mothers.astype(np.int32), step))
        pop["parent_aai_at_birth"][ids] = np.array([CODES["aai"][c] for c in out["aai"]], dtype=np.int32)
        pop["parent_unresolved_at_birth"][ids] = out["aai_unresolved"].astype(np.int32)

    def _caregiving(self, sim: Simulation, step: int) -> None:
        pop, p = sim.pop, self.params
        assert isinstance(p, ParentingParams)
        while self._born and step - next(iter(self._born)) >= ADULT_W:
            del self._born[next(iter(self._born))]  # the oldest children born here have come of age
        if not self._born:
            return
        kids = np.concatenate(list(self._born.values())).astype(np.int64)
        kids = kids[pop["parent"][kids] >= 0]
        if kids.size == 0:
            return
        par = pop["parent"][kids]

        def g(name: str) -> F64:
            return pop[name][par].astype(np.float64)

        def exo(k: str) -> F64:
            return pop[f"exo_{k}"][kids].astype(np.float64)

        using = np.zeros(kids.size, dtype=bool)
        relief = sim.scenario.parameters.relief
        for t in REGULATORS:
            using |= compulsive(pop[f"habit_{t}"][par], pop[f"recent_use_{t}"][par], pop[f"use_state_{t}"][par],
                                relief.criterion_habit, relief.criterion_use)
        pop["ace_substance"][kids[using]] = 1
        quality = np.where(pop["partner"][par] >= 0, np.nan_to_num(g("relationship_quality")), 0.0)
        cost = p.compulsive_cost * using
        arousal, regulation = g("arousal"), g("regulation")
        hyp, dea = g("hyperactivation"), g("deactivation")
        fear = unresolved_fear(g("threat"), g("stress_gain"))
        pop["cg_sensitivity"][kids] = parent_sensitivity(p.sensitivity_unstrained, exo("sensitivity"),
                                                         unregulated(arousal, regulation), quality, cost,
                                                         p.sensitivity_arousal, p.sensitivity_partner)
        pop["cg_availability"][kids] = np.clip(exo("availability") - cost, 0.0, 1.0)
        pop["cg_rejection"][kids] = parent_rejection(exo("rejection"), dea, hyp, regulation, p.rejection_deactivation)
        pop["cg_inconsistency"][kids] = parent_inconsistency(exo("inconsistency"), hyp, regulation, cost,
                                                             p.inconsistency_hyperactivation,
                                                             p.compulsive_inconsistency)
        pop["cg_dysregulation"][kids] = parent_dysregulation(exo("dysregulation"),
                                                             unregulated(g("arousal_mean"), regulation), fear, cost,
                                                             p.dysregulation_stress, p.dysregulation_fear)
        pop["cg_harm"][kids] = parent_harm(fear, unregulated(arousal, regulation), p.harm_onset, p.harm_hostility)
        infant = kids[step - pop["birth_step"][kids] < YEAR_W]
        for k in Y1:
            pop[f"y1_{k}"][infant] += pop[f"cg_{k}"][infant]
        pop["y1_weeks"][infant] += 1.0


def profile_means(sim: Simulation, codes: npt.ArrayLike, k: str) -> F64:
    """Mean of caregiving parameter ``k`` in each newborn's drawn profile (the scenario's override, if any)."""
    override = getattr(sim.scenario.caregiving.overrides, k)
    names = list(PROFILES)
    means = np.array([override.mean if override is not None else PROFILES[n].dist(k)[0] for n in names],
                     dtype=np.float64)
    out: F64 = means[np.asarray(codes, dtype=np.int64)]
    return out
