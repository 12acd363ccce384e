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
from ..core.mechanism import Mechanism
from ..core.params import ParamModel
from ..core.rng import normals, uniforms
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, weekly_chance
from ..development.infancy import model_of_others

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]


class PartnerParams(ParamModel):
    """Partnering, the weekly pursue-withdraw exchange, its non-attachment causes and break-up."""

    seek_per_year: float
    seek_anxiety: float
    seek_avoidance: float
    assortment_noise: float
    oscillation: float
    breakup_per_year: float
    breakup_conflict: float
    breakup_quality: float
    memory_weeks: float
    responsiveness_base: float
    responsiveness_regulation: float
    responsiveness_trust: float
    responsiveness_deactivation: float
    responsiveness_conflict: float
    closeness_base: float
    closeness_hyperactivation: float
    closeness_deactivation: float
    offer_presence: float
    offer_pursuit: float
    pursue_shortfall: float
    pursue_withdrawal: float
    pursue_after_conflict: float
    withdraw_excess: float
    withdraw_demand: float
    intrusion_gain: float
    regulation_damping: float
    conflict_demand_withdraw: float
    conflict_protest: float
    conflict_arousal: float
    satisfaction_conflict: float
    liability_quality: float
    liability_conflict: float
    stress_per_year: float
    stress_weeks: float
    stress_quality: float
    stress_conflict: float
    start_quality: float
    start_conflict: float
    match_hyperactivation: float


class Relationships(Mechanism):
    """M9: pairing, the weekly pursue-withdraw exchange, satisfaction, conflict and break-up among adults."""

    def __init__(self, params: PartnerParams | None = None) -> None:
        super().__init__(params)
        self._weekly: Callable[[Simulation, int], None] | None = None
        # the simulation the weekly step's keys and buffers belong to (weak: no reference cycle through the mechanism)
        self._weekly_sim: weakref.ref[Simulation] | None = None

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's non-attachment relational liability (standard normal, its own stream)."""
        sim.pop["relational_liability"][ids] = normals(sim.seed, "m9.liability", 0, ids).astype(np.float32)

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

        Numba: the kernel's pass over couples and singles, then this week's seekers matched by a second kernel
        (``match_step``: the same operations as :meth:`_match`); NumPy: all of it in NumPy (the reference).
        """
        p = self.params
        assert isinstance(p, PartnerParams)

        def numba() -> Callable[[Simulation, int], None]:
            from ._runner import make_match, make_relationships

            kernel = make_relationships(sim, p)
            match = make_match(sim, p)

            def run(s: Simulation, step: int) -> None:
                n_single, seekers = kernel(s, step)
                if n_single >= 2 and seekers.size >= 2:
                    match(s, step, seekers)

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
        names = ("hyperactivation", "deactivation", "conflict", "regulation", "others_a", "others_b", "arousal",
                 "self_worth")
        return {k: sim.pop[k][ids].astype(np.float64) for k in names}

    @staticmethod
    def responsiveness(s: dict[str, F64], p: PartnerParams) -> F64:
        """How reliably a person answers a partner's bids, from their own state."""
        out: F64 = responsiveness(s["others_a"], s["others_b"], s["regulation"], s["deactivation"], s["conflict"], p)
        return out

    def _couples(self, sim: Simulation, step: int, i: npt.NDArray[np.int64], p: PartnerParams) -> None:
        """Every partnered adult (``i``, ascending; both members of each couple): the week's exchange."""
        pop, seed = sim.pop, sim.seed
        avail = partner_availability(sim)
        j = pop["partner"][i].astype(np.int64)
        where = np.empty(pop.n, dtype=np.int64)
        where[i] = np.arange(i.size)
        jj = where[j]  # the partner's position in i
        s = self._state(sim, i)
        r = self.responsiveness(s, p)
        swing = 2.0 * uniforms(seed, "m9.oscillation", step, i) - 1.0
        close = preferred_closeness(s["hyperactivation"], s["deactivation"], s["conflict"], swing, p)
        u_old = pop["pursuit"][i].astype(np.float64)
        w_old = pop["withdrawal"][i].astype(np.float64)
        q = pop["relationship_quality"][i].astype(np.float64)
        c = pop["relationship_conflict"][i].astype(np.float64)
        event = (uniforms(seed, "m9.stress", step, i) < stress_weekly(p)).astype(np.float64)
        stress = stress_next(pop["external_stress"][i].astype(np.float64), stress_memory(p), event)
        liab = pop["relational_liability"][i].astype(np.float64)
        # this week's behaviour, from last week's states of both partners
        offered = offered_closeness(avail, r[jj], w_old[jj], u_old[jj], p)
        u, w, intr = exchange(s["hyperactivation"], s["deactivation"], s["conflict"], s["self_worth"],
                              s["regulation"], close, offered, u_old[jj], w_old[jj], c, p)
        ans = answered(r, w)
        # the couple's conflict, with the lower id as partner a
        a = np.where(i < j, np.arange(i.size), jj)
        b = np.where(i < j, jj, np.arange(i.size))
        c_week = couple_conflict(u[a], w[a], ans[a], s["arousal"][a], u[b], w[b], ans[b], s["arousal"][b],
                                 liab[a] + liab[b], stress[a] + stress[b], p)
        q_target = satisfaction(avail, ans[jj], close, offered, c_week, liab[a] + liab[b], stress[a] + stress[b], p)
        rate = 1.0 / p.memory_weeks
        for name, value in (("pursuit", u), ("withdrawal", w), ("intrusion", intr), ("external_stress", stress),
                            ("partner_responsiveness", ans[jj]), ("relationship_quality", q + rate * (q_target - q)),
                            ("relationship_conflict", c + rate * (c_week - c))):
            pop[name][i] = value
        owner = i < j
        lo, hi = i[owner], j[owner]
        q_lo = pop["relationship_quality"][lo].astype(np.float64)
        q_hi = pop["relationship_quality"][hi].astype(np.float64)
        c_lo = pop["relationship_conflict"][lo].astype(np.float64)
        hazard = breakup_hazard(weekly_chance(p.breakup_per_year), q_lo, q_hi, c_lo, p)
        end = uniforms(seed, "m9.breakup", step, lo) < hazard
        for ids in (lo[end], hi[end]):
            pop["partner"][ids] = -1
            pop["breakups"][ids] += 1
            for name in ("relationship_quality", "relationship_conflict"):
                pop[name][ids] = np.nan
            for name in ("pursuit", "withdrawal", "intrusion"):
                pop[name][ids] = 0.0

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
        score = match_score(m, s["deactivation"], s["hyperactivation"], normals(seed, "m9.match", step, ids),
                            p.match_hyperactivation, p.assortment_noise)
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
            for name in ("pursuit", "withdrawal", "intrusion", "external_stress"):
                pop[name][x] = 0.0
        # a new partner answers bids from this week on
        pop["partner_responsiveness"][men] = self.responsiveness(self._state(sim, women.astype(np.int64)), p)
        pop["partner_responsiveness"][women] = self.responsiveness(self._state(sim, men.astype(np.int64)), p)


def partner_availability(sim: Simulation) -> float:
    """How much of the partner's closeness reaches a person (``relationships.partner_availability``).

    It is the development step's share of distress episodes at which a partner is there.
    """
    return float(sim.scenario.parameters.relationships.partner_availability)


def stress_weekly(p: PartnerParams) -> float:
    """Weekly chance of an external stressor (``stress_per_year`` events a year, at most one a week)."""
    return min(p.stress_per_year / WEEKS_PER_YEAR, 1.0)


def stress_memory(p: PartnerParams) -> float:
    """Weekly carry-over of external stress (time constant ``stress_weeks``)."""
    return 1.0 - 1.0 / p.stress_weeks


# ----------------------------------------------------------------------------- laws (see attachsim.core.laws)
# ``p`` is the PartnerParams model in NumPy code and the kernel's record of the same names in the Numba kernel.
# Only arithmetic, clip, maximum and abs: the kernel and the NumPy reference must agree bit for bit.

def weekly_seek(p: PartnerParams) -> float:
    """Weekly chance that a single adult looks for a partner (the yearly chance capped below 1)."""
    return weekly_chance(min(p.seek_per_year, 0.999))


@kernel_law
def responsiveness(others_a: Any, others_b: Any, reg: Any, dea: Any, con: Any, p: Any) -> Any:
    """How reliably a person answers a partner's bids, from their own state (0-1), before any withdrawal."""
    m = model_of_others(others_a, others_b)
    return clip(p.responsiveness_base + p.responsiveness_regulation * reg + p.responsiveness_trust * m
                - p.responsiveness_deactivation * dea - p.responsiveness_conflict * con, 0.0, 1.0)


@kernel_law
def match_score(trust: Any, dea: Any, hyp: Any, noise: Any, match_hyperactivation: Any, assortment_noise: Any) -> Any:
    """A seeker's score, by which this week's seekers of each sex are ranked for matching.

    Trust (the model of others), dampened by deactivation and hyperactivation, plus ``assortment_noise`` times a
    standard normal draw ``noise``.
    """
    return trust * (1.0 - dea) * (1.0 - match_hyperactivation * hyp) + assortment_noise * noise


@kernel_law
def preferred_closeness(hyp: Any, dea: Any, con: Any, swing: Any, p: Any) -> Any:
    """The preferred closeness this week: the anxious pursue, the avoidant withdraw, the disorganised swing (-1..1)."""
    return clip(p.closeness_base + p.closeness_hyperactivation * hyp - p.closeness_deactivation * dea
                + p.oscillation * con * swing, 0.0, 1.0)


@kernel_law
def offered_closeness(avail: Any, r_other: Any, w_other: Any, u_other: Any, p: Any) -> Any:
    """Closeness the partner brings this week.

    When they are there (``avail``) and not withdrawn (last week's withdrawal): their presence itself
    (``offer_presence``) and the bids they answer (their responsiveness); and the closeness they press for when
    they pursue.
    """
    engaged = p.offer_presence + (1.0 - p.offer_presence) * r_other
    return clip(avail * engaged * (1.0 - w_other) + p.offer_pursuit * u_other, 0.0, 1.0)


@kernel_law
def defence(dea: Any, sw: Any, con: Any) -> Any:
    """How much closeness beyond one's preference threatens (S0-6, S0-8).

    A deactivating defence over a negative model of self (their product, squared: a rigid defence is the
    conjunction of both and is rare, so the threat grows convexly), and the disorganised fear of engulfment
    (approach-avoid conflict, squared likewise: the small conflict most adults carry is no defence).
    """
    rigid = dea * (1.0 - sw)
    return rigid * rigid + con * con


@kernel_law
def exchange(hyp: Any, dea: Any, con: Any, sw: Any, reg: Any, close: Any, offered: Any, u_other: Any,
             w_other: Any, conflict_last: Any, p: Any) -> tuple[Any, Any, Any]:
    """One partner's pursuit, withdrawal and felt intrusion this week (each 0-1).

    Too little closeness (or a partner's withdrawal: a separation threat) draws protest from the anxious; for the
    disorganised, last week's conflict does (fear of being left). Too much closeness (or a partner's pursuit)
    draws withdrawal from the avoidant; for the defended, closeness beyond their preference is felt as intrusion,
    which they withdraw from whatever their regulation. Regulation damps protest and strategic withdrawal.
    """
    shortfall = np.maximum(close - offered, 0.0)
    excess = np.maximum(offered - close, 0.0)
    calm = 1.0 - p.regulation_damping * reg
    intrusion = clip(p.intrusion_gain * defence(dea, sw, con) * excess, 0.0, 1.0)
    pursuit = clip(calm * (hyp * (p.pursue_shortfall * shortfall + p.pursue_withdrawal * w_other)
                           + con * p.pursue_after_conflict * conflict_last), 0.0, 1.0)
    withdrawal = clip(calm * dea * (p.withdraw_excess * excess + p.withdraw_demand * u_other) + intrusion, 0.0, 1.0)
    return pursuit, withdrawal, intrusion


@kernel_law
def answered(r: Any, withdrawal: Any) -> Any:
    """The share of a partner's bids a person answers this week: their responsiveness, less their withdrawal."""
    return r * (1.0 - withdrawal)


@kernel_law
def couple_conflict(u_a: Any, w_a: Any, ans_a: Any, ar_a: Any, u_b: Any, w_b: Any, ans_b: Any, ar_b: Any,
                    liability: Any, stress: Any, p: Any) -> Any:
    """The couple's conflict this week (partner a: the lower id).

    Pursuit met by withdrawal, protest left unanswered, both partners' arousal, and the non-attachment causes
    (the couple's liability, external stress).
    """
    demand_withdraw = u_a * w_b + u_b * w_a
    protest = u_a * (1.0 - ans_b) + u_b * (1.0 - ans_a)
    return clip(p.conflict_demand_withdraw * demand_withdraw + p.conflict_protest * protest
                + p.conflict_arousal * (ar_a + ar_b) + p.liability_conflict * liability + p.stress_conflict * stress,
                0.0, 1.0)


@kernel_law
def satisfaction(avail: Any, ans_other: Any, close: Any, offered: Any, conflict: Any, liability: Any, stress: Any,
                 p: Any) -> Any:
    """One partner's satisfaction this week.

    Bids answered, closeness near what they want, less conflict and the non-attachment causes.
    """
    return clip(avail * ans_other * (1.0 - np.abs(close - offered)) - p.satisfaction_conflict * conflict
                - p.liability_quality * liability - p.stress_quality * stress, 0.0, 1.0)


@kernel_law
def stress_next(stress: Any, memory: Any, event: Any) -> Any:
    """External stress this week: last week's, fading, plus this week's event (0 or 1)."""
    return stress * memory + event


@kernel_law
def breakup_hazard(weekly: Any, sat_a: Any, sat_b: Any, conflict: Any, p: Any) -> Any:
    """Weekly break-up hazard from the couple's state: conflict and the less satisfied partner's dissatisfaction."""
    return weekly * (p.breakup_conflict * conflict + p.breakup_quality * (1.0 - np.minimum(sat_a, sat_b)))


@kernel_law
def seek_chance(weekly: Any, hyp: Any, dea: Any, p: Any) -> Any:
    """Weekly chance that a single adult seeks a partner: the anxious seek more, the avoidant less."""
    return weekly * (1.0 + p.seek_anxiety * hyp) * (1.0 - p.seek_avoidance * dea)
