"""M9 intimate relationships (MODEL §6; seed 0, S0-3, S0-6, S0-7, S0-8).

Adults pair with some assortment by attachment security (rank matching on a noisy security
score), and each partner seeks a preferred closeness set by their strategies: the anxious
pursue, the avoidant withdraw, and the disorganised oscillate week to week (approach, then
bolt). The mismatch of preferred closeness feeds conflict and lowers quality; quality,
conflict and each partner's responsiveness set the break-up hazard. A partner is a
co-regulator: in the weekly step a partnered adult's bids are answered with the partner's
responsiveness, computed here from the partner's current state, so responsive partners can
slowly earn their partner security, except where low self-worth and high deactivation turn
closeness into threat (S0-8, in the development kernel).

The weekly pass over couples and singles runs in a Numba kernel (``_kernel.relationships_step``)
with this module's NumPy code as its reference (``engine="numpy"``); only this week's few
seekers are matched in NumPy. Both read last week's states and write only relationship
states, so the result does not depend on threads.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, count
from ..core.laws import clip, for_engine, kernel_law
from ..core.mechanism import Mechanism, f32, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals, uniforms
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, weekly_chance
from ..development.infancy import model_of_others

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]
KEPT = "rationale; the value of the first version of M9, kept (not calibrated)"


class PartnerParams(ParamModel):
    """Partnering, closeness regulation and break-up."""

    seek_per_year: float = param(
        0.35, 0.0, 5.0, unit="per year", meaning="Yearly chance that a single adult looks for a partner.",
        source="rationale: most adults partner by their late twenties (US Census; Cherlin 2010)",
    )
    seek_anxiety: float = param(0.5, 0.0, 5.0, unit="per unit hyperactivation",
                                meaning="The anxious seek partners more.", source="rationale (MODEL M9)")
    seek_avoidance: float = param(0.8, 0.0, 1.0, unit="share removed at deactivation 1",
                                  meaning="The avoidant seek partners less.", source="rationale (MODEL M9)")
    assortment_noise: float = param(
        0.25, 0.0, 5.0, unit="security SD", meaning="Noise in the security score used to match partners; "
        "smaller means stronger assortment.", source="rationale: modest assortment by attachment (Holmes & "
        "Johnson 2009)",
    )
    oscillation: float = param(0.6, 0.0, 2.0, unit="closeness per unit conflict",
                               meaning="Week-to-week swing of the disorganised partner's preferred closeness.",
                               source="Hayden (seed 0, S0-3): bolts if too close too fast")
    breakup_per_year: float = param(0.04, 0.0, 1.0, unit="per year", meaning="Break-up hazard of a happy couple.",
                                    source="rationale: Bramlett & Mosher 2002 (union dissolution rates)")
    breakup_conflict: float = param(6.0, 0.0, 50.0, unit="relative increase per unit conflict",
                                    meaning="Conflict raises the break-up hazard.", source="rationale")
    breakup_quality: float = param(6.0, 0.0, 50.0, unit="relative increase per unit (1 - quality)",
                                   meaning="Low quality raises the break-up hazard.", source="rationale")
    memory_weeks: float = param(26.0, 1.0, 520.0, unit="weeks",
                                meaning="Time constant of relationship quality and conflict.", source="rationale")
    responsiveness_base: float = param(
        0.2, 0.0, 1.0, unit="0-1", meaning="Responsiveness to a partner's bids of someone with no regulation, "
        "no trust, no deactivation and no conflict.", source=KEPT)
    responsiveness_regulation: float = param(
        0.5, 0.0, 2.0, unit="per unit regulation", meaning="Regulated people answer a partner's bids more "
        "reliably.", source="rationale: Mikulincer & Shaver 2007 (security and caregiving in couples); " + KEPT)
    responsiveness_trust: float = param(
        0.3, 0.0, 2.0, unit="per unit model of others",
        meaning="People who expect others to answer answer more themselves.", source=KEPT)
    responsiveness_deactivation: float = param(
        0.3, 0.0, 2.0, unit="per unit deactivation", meaning="The avoidant answer a partner's bids less.",
        source="rationale: Feeney & Collins 2001 (avoidance and unresponsive caregiving); " + KEPT)
    responsiveness_conflict: float = param(
        0.2, 0.0, 2.0, unit="per unit conflict", meaning="Approach-avoid conflict makes responses unreliable.",
        source=KEPT)
    closeness_base: float = param(
        0.5, 0.0, 1.0, unit="0-1", meaning="Preferred closeness without hyperactivation or deactivation.",
        source=KEPT)
    closeness_hyperactivation: float = param(
        0.5, 0.0, 2.0, unit="per unit hyperactivation", meaning="The anxious pursue closeness.",
        source="rationale (MODEL M9); " + KEPT)
    closeness_deactivation: float = param(
        0.6, 0.0, 2.0, unit="per unit deactivation", meaning="The avoidant withdraw from closeness.",
        source="rationale (MODEL M9); " + KEPT)
    conflict_disorganisation: float = param(
        0.25, 0.0, 2.0, unit="per unit conflict of each partner",
        meaning="Each partner's approach-avoid conflict adds to the couple's conflict target.", source=KEPT)
    conflict_arousal: float = param(
        0.15, 0.0, 2.0, unit="per unit arousal of each partner",
        meaning="Each partner's arousal (stress) adds to the couple's conflict target.", source=KEPT)
    start_quality: float = param(
        0.6, 0.0, 1.0, unit="0-1", meaning="Quality of a new relationship.", source=KEPT)
    start_conflict: float = param(
        0.2, 0.0, 1.0, unit="0-1", meaning="Conflict in a new relationship.", source=KEPT)
    match_hyperactivation: float = param(
        0.5, 0.0, 1.0, unit="share of the security score removed at hyperactivation 1",
        meaning="Hyperactivation lowers the security score by which partners are matched.", source=KEPT)


class Relationships(Mechanism):
    """M9: pairing, closeness regulation, quality, conflict and break-up among adults."""

    key = "m9_relationships"
    label = "M9 intimate relationships"
    summary = "singles seek and pair by rank of a noisy security score; closeness mismatch -> conflict, " \
        "quality; hazard of break-up; partner's responsiveness from the partner's state"
    stages = ("adulthood",)
    Params = PartnerParams
    states = owned(
        key,
        i32("partner", -1, "id", "Current partner's id, or -1."),
        i32("partnerships", 0, "count", "Partnerships begun."),
        i32("breakups", 0, "count", "Partnerships ended by break-up."),
        f32("relationship_quality", float("nan"), "0-1", "Quality of the current relationship."),
        f32("relationship_conflict", float("nan"), "0-1", "Conflict in the current relationship."),
        f32("single_weeks", 0.0, "weeks", "Adult weeks without a partner."),
        f32("partner_responsiveness", 0.0, "0-1", "The partner's responsiveness to bids this week."),
    )

    def __init__(self, params: PartnerParams | None = None) -> None:
        super().__init__(params)
        self._weekly: Callable[[Simulation, int], None] | None = None
        # the simulation the weekly step's keys and buffers belong to (weak: no reference cycle through the mechanism)
        self._weekly_sim: weakref.ref[Simulation] | None = None

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Partnerships begun and ended, years single, and the current partner."""
        return (
            count("partnerships", "int16", "count", "partnerships begun"),
            count("breakups", "int16", "count", "partnerships ended by break-up"),
            Column("years_single", "float32", "years", "adult years without a partner", "mean",
                   lambda s: (s.pop["single_weeks"] / WEEKS_PER_YEAR).astype(np.float32)),
            Column("partner_id", "int32", "id", "current partner's id (-1: single)", "none",
                   lambda s: s.pop["partner"].copy()),
        )

    def step(self, sim: Simulation, step: int) -> None:
        """Update couples, end some, and pair some singles (all adults)."""
        if sim.oldest_age(step) < ADULT_W:
            return  # no adults yet: nothing to scan
        if self._weekly is None or self._weekly_sim is None or self._weekly_sim() is not sim:
            self._weekly, self._weekly_sim = self._make_weekly(sim), weakref.ref(sim)
        self._weekly(sim, step)

    def _make_weekly(self, sim: Simulation) -> Callable[[Simulation, int], None]:
        """The weekly step for the simulation's engine.

        Numba: the kernel's pass over couples and singles, then this week's seekers matched in NumPy;
        NumPy: all of it in NumPy (the reference).
        """
        p = self.params
        assert isinstance(p, PartnerParams)

        def numba() -> Callable[[Simulation, int], None]:
            from ._runner import make_relationships

            kernel = make_relationships(sim, p)

            def run(s: Simulation, step: int) -> None:
                n_single, seekers = kernel(s, step)
                if n_single >= 2:
                    self._match(s, step, seekers, p)

            return run

        def numpy() -> Callable[[Simulation, int], None]:
            return lambda s, step: self.step_numpy(s, step, p)

        return for_engine(sim.engine, numba, numpy)

    def step_numpy(self, sim: Simulation, step: int, p: PartnerParams) -> None:
        """The NumPy reference of the weekly step (the Numba kernel does the same person by person)."""
        pop, seed = sim.pop, sim.seed
        age = step - pop["birth_step"]
        adult = age >= ADULT_W
        if not adult.any():
            return
        partner = pop["partner"]
        coupled = np.nonzero(adult & (partner >= 0))[0]
        if coupled.size:
            self._couples(sim, step, coupled, p)
        single = np.nonzero(adult & (partner < 0))[0]
        pop["single_weeks"][single] += np.float32(1.0)
        self._pair(sim, step, single, p, seed)

    @staticmethod
    def _state(sim: Simulation, ids: npt.NDArray[np.int64]) -> dict[str, F64]:
        names = ("hyperactivation", "deactivation", "conflict", "regulation", "others_a", "others_b", "arousal")
        return {k: sim.pop[k][ids].astype(np.float64) for k in names}

    @staticmethod
    def responsiveness(s: dict[str, F64], p: PartnerParams) -> F64:
        """How reliably a person answers a partner's bids, from their own state."""
        out: F64 = responsiveness(s["others_a"], s["others_b"], s["regulation"], s["deactivation"], s["conflict"], p)
        return out

    def _closeness(self, sim: Simulation, step: int, ids: npt.NDArray[np.int64], s: dict[str, F64],
                   p: PartnerParams) -> F64:
        swing = 2.0 * uniforms(sim.seed, "m9.oscillation", step, ids) - 1.0
        out: F64 = preferred_closeness(s["hyperactivation"], s["deactivation"], s["conflict"], swing, p)
        return out

    def _couples(self, sim: Simulation, step: int, i: npt.NDArray[np.int64], p: PartnerParams) -> None:
        pop = sim.pop
        j = pop["partner"][i].astype(np.int64)
        si, sj = self._state(sim, i), self._state(sim, j)
        ri, rj = self.responsiveness(si, p), self.responsiveness(sj, p)
        pop["partner_responsiveness"][i] = rj
        # symmetric in the two partners, so both keep the same quality and conflict
        q_target, c_target = couple_targets(ri, rj, self._closeness(sim, step, i, si, p),
                                            self._closeness(sim, step, j, sj, p), si["conflict"], sj["conflict"],
                                            si["arousal"], sj["arousal"], p)
        rate = 1.0 / p.memory_weeks
        q = pop["relationship_quality"][i].astype(np.float64)
        c = pop["relationship_conflict"][i].astype(np.float64)
        pop["relationship_quality"][i] = q + rate * (q_target - q)
        pop["relationship_conflict"][i] = c + rate * (c_target - c)
        owner = i < j
        a, b = i[owner], j[owner]
        qa = pop["relationship_quality"][a].astype(np.float64)
        ca = pop["relationship_conflict"][a].astype(np.float64)
        hazard = breakup_hazard(weekly_chance(p.breakup_per_year), qa, ca, p)
        end = uniforms(sim.seed, "m9.breakup", step, a) < hazard
        for ids in (a[end], b[end]):
            pop["partner"][ids] = -1
            pop["breakups"][ids] += 1
            pop["relationship_quality"][ids] = np.nan
            pop["relationship_conflict"][ids] = np.nan

    def _pair(self, sim: Simulation, step: int, single: npt.NDArray[np.int64], p: PartnerParams,
              seed: int) -> None:
        if single.size < 2:
            return
        s = self._state(sim, single)
        chance = seek_chance(weekly_seek(p), s["hyperactivation"], s["deactivation"], p)
        seeking = uniforms(seed, "m9.seek", step, single) < chance
        self._match(sim, step, single[seeking], p)

    def _match(self, sim: Simulation, step: int, ids: npt.NDArray[np.int64], p: PartnerParams) -> None:
        """Pair this week's seekers (ascending ids) by rank of a noisy security score, men with women."""
        if ids.size < 2:
            return
        pop, seed = sim.pop, sim.seed
        s = self._state(sim, ids)
        m = model_of_others(s["others_a"], s["others_b"])
        score = m * (1.0 - s["deactivation"]) * (1.0 - p.match_hyperactivation * s["hyperactivation"]) \
            + p.assortment_noise * normals(seed, "m9.match", step, ids)
        sex = pop["sex"][ids]
        men, women = ids[sex == 0], ids[sex == 1]
        men = men[np.argsort(-score[sex == 0], kind="stable")]
        women = women[np.argsort(-score[sex == 1], kind="stable")]
        k = min(men.size, women.size)
        if k == 0:
            return
        men, women = men[:k], women[:k]
        pop["partner"][men] = women
        pop["partner"][women] = men
        for x in (men, women):
            pop["partnerships"][x] += 1
            pop["relationship_quality"][x] = p.start_quality
            pop["relationship_conflict"][x] = p.start_conflict
        # a new partner answers bids from this week on
        pop["partner_responsiveness"][men] = self.responsiveness(self._state(sim, women.astype(np.int64)), p)
        pop["partner_responsiveness"][women] = self.responsiveness(self._state(sim, men.astype(np.int64)), p)


# ----------------------------------------------------------------------------- laws (see attachsim.core.laws)
# ``p`` is the PartnerParams model in NumPy code and the kernel's record of the same names in the Numba kernel.

def weekly_seek(p: PartnerParams) -> float:
    """Weekly chance that a single adult looks for a partner (the yearly chance capped below 1)."""
    return weekly_chance(min(p.seek_per_year, 0.999))


@kernel_law
def responsiveness(others_a: Any, others_b: Any, reg: Any, dea: Any, con: Any, p: Any) -> Any:
    """How reliably a person answers a partner's bids, from their own state (0-1)."""
    m = model_of_others(others_a, others_b)
    return clip(p.responsiveness_base + p.responsiveness_regulation * reg + p.responsiveness_trust * m
                - p.responsiveness_deactivation * dea - p.responsiveness_conflict * con, 0.0, 1.0)


@kernel_law
def preferred_closeness(hyp: Any, dea: Any, con: Any, swing: Any, p: Any) -> Any:
    """The preferred closeness this week: the anxious pursue, the avoidant withdraw, the disorganised swing (-1..1)."""
    return clip(p.closeness_base + p.closeness_hyperactivation * hyp - p.closeness_deactivation * dea
                + p.oscillation * con * swing, 0.0, 1.0)


@kernel_law
def couple_targets(r_x: Any, r_y: Any, close_x: Any, close_y: Any, con_x: Any, con_y: Any, ar_x: Any, ar_y: Any,
                   p: Any) -> tuple[Any, Any]:
    """The couple's quality and conflict targets (symmetric in the partners).

    Responsiveness and matching closeness make quality; mismatch, each partner's conflict and arousal make conflict.
    """
    mismatch = np.abs(close_x - close_y)
    q_target = 0.5 * (r_x + r_y) * (1.0 - mismatch)
    c_target = clip(mismatch + p.conflict_disorganisation * (con_x + con_y) + p.conflict_arousal * (ar_x + ar_y),
                    0.0, 1.0)
    return q_target, c_target


@kernel_law
def breakup_hazard(weekly: Any, quality: Any, conflict: Any, p: Any) -> Any:
    """Weekly break-up hazard of a couple: the happy couple's base, raised by conflict and low quality."""
    return weekly * (1.0 + p.breakup_conflict * conflict + p.breakup_quality * (1.0 - quality))


@kernel_law
def seek_chance(weekly: Any, hyp: Any, dea: Any, p: Any) -> Any:
    """Weekly chance that a single adult seeks a partner: the anxious seek more, the avoidant less."""
    return weekly * (1.0 + p.seek_anxiety * hyp) * (1.0 - p.seek_avoidance * dea)
