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
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, count
from ..core.mechanism import Mechanism, f32, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals, uniforms
from ..core.timeline import WEEKS_PER_YEAR, weeks

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]
ADULT_W = weeks(years=18)


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
        self._kernel: Callable[[Simulation, int], tuple[int, npt.NDArray[np.int64]]] | None = None
        # the simulation the kernel's keys and buffers belong to (weak: no reference cycle through the mechanism)
        self._kernel_sim: weakref.ref[Simulation] | None = None

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
        p = self.params
        assert isinstance(p, PartnerParams)
        if sim.engine == "numba":
            if self._kernel is None or self._kernel_sim is None or self._kernel_sim() is not sim:
                from ._runner import make_relationships

                self._kernel, self._kernel_sim = make_relationships(sim, p), weakref.ref(sim)
            n_single, seekers = self._kernel(sim, step)
            if n_single >= 2:
                self._match(sim, step, seekers, p)
            return
        self.step_numpy(sim, step, p)

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
    def responsiveness(s: dict[str, F64]) -> F64:
        """How reliably a person answers a partner's bids, from their own state."""
        m = s["others_a"] / (s["others_a"] + s["others_b"])
        out: F64 = np.clip(0.2 + 0.5 * s["regulation"] + 0.3 * m - 0.3 * s["deactivation"] - 0.2 * s["conflict"],
                           0.0, 1.0)
        return out

    def _closeness(self, sim: Simulation, step: int, ids: npt.NDArray[np.int64], s: dict[str, F64],
                   p: PartnerParams) -> F64:
        swing = 2.0 * uniforms(sim.seed, "m9.oscillation", step, ids) - 1.0
        out: F64 = np.clip(0.5 + 0.5 * s["hyperactivation"] - 0.6 * s["deactivation"]
                           + p.oscillation * s["conflict"] * swing, 0.0, 1.0)
        return out

    def _couples(self, sim: Simulation, step: int, i: npt.NDArray[np.int64], p: PartnerParams) -> None:
        pop = sim.pop
        j = pop["partner"][i].astype(np.int64)
        si, sj = self._state(sim, i), self._state(sim, j)
        ri, rj = self.responsiveness(si), self.responsiveness(sj)
        pop["partner_responsiveness"][i] = rj
        mismatch = np.abs(self._closeness(sim, step, i, si, p) - self._closeness(sim, step, j, sj, p))
        # symmetric in the two partners, so both keep the same quality and conflict
        q_target = 0.5 * (ri + rj) * (1.0 - mismatch)
        c_target = np.clip(mismatch + 0.25 * (si["conflict"] + sj["conflict"]) + 0.15 * (si["arousal"] + sj["arousal"]),
                           0.0, 1.0)
        rate = 1.0 / p.memory_weeks
        q = pop["relationship_quality"][i].astype(np.float64)
        c = pop["relationship_conflict"][i].astype(np.float64)
        pop["relationship_quality"][i] = q + rate * (q_target - q)
        pop["relationship_conflict"][i] = c + rate * (c_target - c)
        owner = i < j
        a, b = i[owner], j[owner]
        qa = pop["relationship_quality"][a].astype(np.float64)
        ca = pop["relationship_conflict"][a].astype(np.float64)
        base = 1.0 - (1.0 - p.breakup_per_year) ** (1.0 / 52.1775)
        hazard = base * (1.0 + p.breakup_conflict * ca + p.breakup_quality * (1.0 - qa))
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
        weekly = 1.0 - (1.0 - min(p.seek_per_year, 0.999)) ** (1.0 / 52.1775)
        chance = weekly * (1.0 + p.seek_anxiety * s["hyperactivation"]) * (1.0 - p.seek_avoidance * s["deactivation"])
        seeking = uniforms(seed, "m9.seek", step, single) < chance
        self._match(sim, step, single[seeking], p)

    def _match(self, sim: Simulation, step: int, ids: npt.NDArray[np.int64], p: PartnerParams) -> None:
        """Pair this week's seekers (ascending ids) by rank of a noisy security score, men with women."""
        if ids.size < 2:
            return
        pop, seed = sim.pop, sim.seed
        s = self._state(sim, ids)
        m = s["others_a"] / (s["others_a"] + s["others_b"])
        score = m * (1.0 - s["deactivation"]) * (1.0 - 0.5 * s["hyperactivation"]) \
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
            pop["relationship_quality"][x] = 0.6
            pop["relationship_conflict"][x] = 0.2
        # a new partner answers bids from this week on
        pop["partner_responsiveness"][men] = self.responsiveness(self._state(sim, women.astype(np.int64)))
        pop["partner_responsiveness"][women] = self.responsiveness(self._state(sim, men.astype(np.int64)))
