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


def assumed(value: float, hi: float, unit: str, meaning: str, why: str = "") -> Any:
    """A parameter whose value is a stated assumption (bounds 0 to ``hi``), with the literature behind its form."""
    return param(value, 0.0, hi, unit=unit, meaning=meaning,
                 source="assumption for the value" + (f"; {why}" if why else ""))


class PartnerParams(ParamModel):
    """Partnering, the weekly pursue-withdraw exchange, its non-attachment causes and break-up."""

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
    breakup_per_year: float = param(
        0.03, 0.0, 1.0, unit="per year per unit of dissatisfaction",
        meaning="Break-up hazard per unit of the couple's state (conflict and the less satisfied partner's "
        "dissatisfaction, weighted below); a satisfied couple without conflict does not break up.",
        source="assumption: scale kept so that break-ups per adult stay near the first M9 (Bramlett & Mosher 2002 "
        "order of union dissolution)")
    breakup_conflict: float = param(6.0, 0.0, 50.0, unit="per unit conflict",
                                    meaning="Conflict raises the break-up hazard.", source=KEPT)
    breakup_quality: float = param(6.0, 0.0, 50.0, unit="per unit (1 - satisfaction)",
                                   meaning="The less satisfied partner's dissatisfaction raises the break-up hazard.",
                                   source=KEPT)
    memory_weeks: float = param(26.0, 1.0, 520.0, unit="weeks",
                                meaning="Time constant of satisfaction and conflict.", source=KEPT)
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
        1.2, 0.0, 2.0, unit="0-1 (clipped)", meaning="Preferred closeness before hyperactivation and deactivation "
        "(the result is clipped to 0-1).",
        source="assumption: avoidance is discomfort with closeness (Brennan, Clark & Shaver 1998), so a typical "
        "adult (deactivation about 0.3) welcomes all that a responsive partner offers (about 0.85 at most)")
    closeness_hyperactivation: float = param(
        0.5, 0.0, 2.0, unit="per unit hyperactivation", meaning="The anxious want more closeness than a partner "
        "gives.", source="rationale (MODEL M9); " + KEPT)
    closeness_deactivation: float = param(
        1.5, 0.0, 3.0, unit="per unit deactivation", meaning="The avoidant want less closeness.",
        source="assumption: a strongly deactivated adult (0.5 and above) wants less than a responsive partner "
        "offers; deactivation is the suppression of proximity seeking (Mikulincer & Shaver 2007)")
    offer_presence: float = assumed(
        0.5, 1.0, "share of closeness", "Share of the closeness a partner brings that is their being there (time "
        "together, turning to one and approaching one when one is distressed) whatever their responsiveness; the rest "
        "is the bids they answer.", "proximity maintenance is part of an attachment bond (Hazan & Shaver 1994); the "
        "avoidant pull away from a partner's presence and support under stress (Simpson, Rholes & Nelligan 1992)")
    offer_pursuit: float = assumed(0.3, 1.0, "closeness per unit pursuit", "Closeness a pursuing partner presses "
                                   "on the other (demands, clinging) on top of the bids they answer.",
                                   "demands are part of what the other withdraws from (Christensen & Heavey 1990)")
    pursue_shortfall: float = assumed(2.0, 10.0, "pursuit per unit hyperactivation per unit shortfall",
                                      "The anxious protest and pursue when they get less closeness than they want.",
                                      "hyperactivation answers distance with protest (Mikulincer & Shaver 2007)")
    pursue_withdrawal: float = assumed(1.0, 10.0, "pursuit per unit hyperactivation per unit partner withdrawal",
                                       "A partner's withdrawal is a separation threat: the anxious pursue (S0-3).",
                                       "withdrawal begets demand (Christensen & Heavey 1990)")
    pursue_after_conflict: float = assumed(1.0, 10.0, "pursuit per unit approach-avoid conflict per unit conflict",
                                           "The disorganised fear being left after a fight and pursue (S0-3).",
                                           "Hayden (seed 0, S0-3)")
    withdraw_excess: float = assumed(2.0, 10.0, "withdrawal per unit deactivation per unit excess closeness",
                                     "The avoidant distance themselves when closeness exceeds what they want.",
                                     "deactivation keeps distance (Mikulincer & Shaver 2007)")
    withdraw_demand: float = assumed(1.0, 10.0, "withdrawal per unit deactivation per unit partner pursuit",
                                     "Demand begets withdrawal in the avoidant.", "Christensen & Heavey 1990")
    intrusion_gain: float = assumed(
        40.0, 100.0, "per unit defence per unit excess closeness", "How strongly closeness beyond one's preference "
        "is felt as intrusion, defence = (deactivation x (1 - self-worth))^2 + approach-avoid conflict; felt "
        "intrusion arouses (relationships.intrusion_arousal) and is withdrawn from (S0-8).",
        "Hayden (seed 0, S0-8: being loved threatens a rigid defence)")
    regulation_damping: float = assumed(0.5, 1.0, "share removed at regulation 1", "Regulated people pursue and "
                                        "withdraw less for the same mismatch.",
                                        "security supports constructive conflict (Mikulincer & Shaver 2007)")
    conflict_demand_withdraw: float = assumed(1.5, 10.0, "conflict per unit pursuit x withdrawal", "Pursuit met by "
                                              "withdrawal is conflict.", "Christensen & Heavey 1990; Schrodt et al. "
                                              "2014 (demand-withdraw goes with distress)")
    conflict_protest: float = assumed(0.5, 10.0, "conflict per unit unanswered pursuit", "Protest the partner does "
                                      "not answer is conflict.", "Li & Chan 2012 (anxiety goes with conflict)")
    conflict_arousal: float = param(
        0.15, 0.0, 2.0, unit="per unit arousal of each partner",
        meaning="Each partner's arousal (stress) adds to the couple's conflict.", source=KEPT)
    satisfaction_conflict: float = assumed(0.5, 2.0, "satisfaction per unit conflict",
                                           "Conflict lowers each partner's satisfaction.")
    liability_quality: float = param(
        0.05, 0.0, 1.0, unit="satisfaction per unit of the couple's liability (sum of two standard normals)",
        meaning="Non-attachment liability of both partners (heritable dispositions, their families' divorce "
        "history) lowers satisfaction.",
        source="McGue & Lykken 1992 (divorce liability about half heritable; both spouses' backgrounds count "
        "independently); Spotts et al. 2004 (marital quality heritable). Assumption: a quarter of the variance of "
        "satisfaction and conflict is this non-attachment liability (half the twin heritability; the rest is taken "
        "to run through attachment-related traits the model already has); value set from the exchange's own "
        "variance on seed 1001 (docs/couples.md), not from any attachment link")
    liability_conflict: float = param(
        0.02, 0.0, 1.0, unit="conflict per unit of the couple's liability",
        meaning="Non-attachment liability of both partners raises conflict.", source="as liability_quality")
    stress_per_year: float = param(
        1.0, 0.0, 20.0, unit="events per year", meaning="Chance major stressors outside the relationship "
        "(work, money, illness, bereavement) of each partner.",
        source="assumption: about one major life event a year (Randall & Bodenmann 2009 review)")
    stress_weeks: float = param(12.0, 1.0, 520.0, unit="weeks", meaning="Time constant of an external stressor.",
                                source="assumption")
    stress_quality: float = param(
        0.066, 0.0, 1.0, unit="satisfaction per unit external stress of the couple",
        meaning="External stress spills over into lower satisfaction.",
        source="Randall & Bodenmann 2009 (stress spillover). Assumption: a twentieth of the variance of "
        "satisfaction and conflict (r about -.2); value set as liability_quality's")
    stress_conflict: float = param(
        0.026, 0.0, 1.0, unit="conflict per unit external stress of the couple",
        meaning="External stress spills over into conflict.", source="as stress_quality")
    start_quality: float = param(
        0.6, 0.0, 1.0, unit="0-1", meaning="Satisfaction in a new relationship.", source=KEPT)
    start_conflict: float = param(
        0.2, 0.0, 1.0, unit="0-1", meaning="Conflict in a new relationship.", source=KEPT)
    match_hyperactivation: float = param(
        0.5, 0.0, 1.0, unit="share of the security score removed at hyperactivation 1",
        meaning="Hyperactivation lowers the security score by which partners are matched.", source=KEPT)


class Relationships(Mechanism):
    """M9: pairing, the weekly pursue-withdraw exchange, satisfaction, conflict and break-up among adults."""

    key = "m9_relationships"
    label = "M9 intimate relationships"
    summary = "singles seek and pair by rank of a noisy security score; each week each partner pursues, " \
        "withdraws or feels intruded upon from their own strategies and the other's last response; conflict, " \
        "satisfaction and break-up follow from that exchange and from non-attachment causes"
    stages = ("adulthood",)
    Params = PartnerParams
    states = owned(
        key,
        i32("partner", -1, "id", "Current partner's id, or -1."),
        i32("partnerships", 0, "count", "Partnerships begun."),
        i32("breakups", 0, "count", "Partnerships ended by break-up."),
        f32("relationship_quality", float("nan"), "0-1", "Own satisfaction with the current relationship."),
        f32("relationship_conflict", float("nan"), "0-1", "Conflict in the current relationship."),
        f32("single_weeks", 0.0, "weeks", "Adult weeks without a partner."),
        f32("partner_responsiveness", 0.0, "0-1", "Share of one's bids the partner answers this week."),
        f32("pursuit", 0.0, "0-1", "Own pursuit this week: protest, demands, clinging (0 when single)."),
        f32("withdrawal", 0.0, "0-1", "Own withdrawal from the partner this week (0 when single)."),
        f32("intrusion", 0.0, "0-1", "Share of the partner's closeness felt as intrusion this week (S0-8); the "
            "development step turns that share of soothed episodes into arousal."),
        f32("relational_liability", 0.0, "SD", "Non-attachment liability for poor relationships (heritable "
            "dispositions, family background), fixed at birth."),
        f32("external_stress", 0.0, "events", "Stress from chance events outside the relationship (fading)."),
    )

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
