"""M10 parenting and transmission (MODEL §6; seed 0, S0-2).

Women between 18 and 45 give birth with a weekly hazard shaped by age and partnership so
that, on average, ``fertility`` children are born to each woman of a parenting generation.
A child of a simulated parent is cared for by that parent: each week, before the
development step, the child's six caregiving parameters are recomputed from the parent's
current state (regulation, arousal, compulsive use, unresolved threat and conflict,
strategies, partner support), so a parent's addiction or recovery during the child's
childhood changes the care the child gets. Temperament is partly inherited. The parent's
adult-interview class is assessed at the child's birth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.mechanism import Mechanism, f32, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals, uniforms
from ..core.timeline import WEEKS_PER_YEAR, weeks
from .relief import REGULATORS

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]
CAL = "calibrated by hand to van IJzendoorn 1995 (parent interview -> infant Strange Situation) on seed 1000"
PARENT_PROFILE = -2  # profile code of a child cared for by a simulated parent


class ParentingParams(ParamModel):
    """Births and the caregiving a parent's state produces."""

    birth_age_mean: float = param(29.0, 18.0, 45.0, unit="years", meaning="Peak of the age pattern of births.",
                                  source="rationale: mean age at birth about 29-30 in OECD countries (OECD 2022)")
    birth_age_sd: float = param(5.5, 1.0, 15.0, unit="years", meaning="Spread of the age pattern of births.",
                                source="rationale: OECD 2022")
    partnered_births: float = param(4.0, 1.0, 50.0, unit="relative rate",
                                    meaning="Birth rate of partnered relative to single women.", source="rationale")
    inheritance: float = param(0.5, 0.0, 1.0, unit="correlation",
                               meaning="Parent-child correlation of temperamental reactivity.",
                               source="rationale: modest heritability of infant temperament (Saudino 2005)")
    security_mean: float = param(0.505, 0.0, 1.0, unit="security index",
                                 meaning="Mean of the interview's security index (coherence) among mothers at a birth; "
                                 "centres the parent's security before it is mapped onto caregiving.",
                                 source="measured: normative first generation at its births, seed 1000")
    security_sd: float = param(0.116, 0.01, 1.0, unit="security index",
                               meaning="SD of the security index among mothers at a birth.",
                               source="measured: normative first generation at its births, seed 1000")
    sensitivity_base: float = param(0.62, 0.0, 1.0, unit="0-1", meaning="Sensitivity of an average parent.",
                                    source="as the community profile (Ainsworth et al. 1978)")
    sensitivity_sd: float = param(0.16, 0.0, 0.5, unit="0-1",
                                  meaning="SD of parents' typical sensitivity, as among community caregivers.",
                                  source="as the community profile (NICHD ECCRN 1997; De Wolff & van IJzendoorn 1997)")
    sensitivity_security: float = param(
        0.2, 0.0, 1.0, unit="correlation",
        meaning="Correlation of a parent's sensitivity with her own security (the interview's security index); "
        "the rest of the spread is stable and unrelated to her attachment (skills, circumstances, the child).",
        source="set so that, with the arousal, partner and compulsive-use terms, parent F and first-year "
        "sensitivity correlate about .4 (van IJzendoorn 1995: parent interview -> observed responsiveness "
        "d = .72, r about .34)")
    sensitivity_arousal: float = param(0.05, 0.0, 5.0, unit="per unit arousal",
                                       meaning="A stressed parent is less sensitive.", source="rationale")
    sensitivity_partner: float = param(0.1, 0.0, 1.0, unit="per unit relationship quality above 0.6",
                                       meaning="Partner support raises sensitivity.",
                                       source="rationale: Belsky 1984 (support in the parenting process)")
    compulsive_cost: float = param(0.25, 0.0, 1.0, unit="sensitivity and availability lost",
                                   meaning="A parent in compulsive use is less sensitive and less available.",
                                   source="rationale: Suchman et al. 2010 (parenting and addiction)")
    rejection_dismissing: float = param(
        0.6, 0.0, 2.0, unit="rejection per SD of insecurity",
        meaning="An insecure parent whose defence is deactivating (dismissing) rebuffs bids for contact (Ds -> A).",
        source="Main 1981; Main, Kaplan & Cassidy 1985 (dismissing parents reject attachment behaviour); " + CAL)
    inconsistency_preoccupied: float = param(
        0.4, 0.0, 1.0, unit="inconsistency per SD of insecurity",
        meaning="An insecure parent whose defence is not deactivating (preoccupied) responds intermittently (E -> C).",
        source="Cassidy & Berlin 1994; Main & Goldwyn 1984; " + CAL)
    dismissing_width: float = param(0.04, 0.005, 0.5, unit="deactivation - hyperactivation",
                                    meaning="Width of the sigmoid that splits an insecure parent's defence into "
                                    "dismissing and preoccupied around the interview's dismissal balance.",
                                    source="rationale: the interview's own split (Main, Goldwyn & Hesse 2003)")
    dysregulation_unresolved: float = param(0.8, 0.0, 5.0, unit="per unit unresolved index",
                                            meaning="An unresolved parent is frightened and dysregulated (U -> D).",
                                            source="Main & Hesse 1990; Schuengel et al. 1999; " + CAL)
    dysregulation_stress: float = param(0.2, 0.0, 5.0, unit="per unit chronic stress",
                                        meaning="Chronic stress and depression dysregulate the parent (S0-2).",
                                        source="rationale (seed 0, S0-2)")


class Parenting(Mechanism):
    """M10: births, and each week a child's caregiving from its parent's current state."""

    key = "m10_parenting"
    label = "M10 parenting and transmission"
    summary = "births to women 18-45; a child's six caregiving parameters recomputed weekly from the parent's " \
        "state; temperament partly inherited; parent's interview class at birth"
    stages = ("adulthood",)
    Params = ParentingParams
    states = owned(
        key,
        i32("parent", -1, "id", "The mother's id, or -1 for an exogenous caregiver."),
        i32("children", 0, "count", "Children born."),
        i32("parent_aai_at_birth", -1, "code", "Mother's adult-interview class at the birth: 0 F, 1 Ds, 2 E."),
        i32("parent_unresolved_at_birth", -1, "flag", "Mother coded U at the birth."),
        i32("ace_substance", 0, "flag", "A parent in compulsive use during childhood (household substance use)."),
        f32("parenting_offset", 0.0, "SD", "Stable part of the parent's sensitivity to this child that does not "
            "come from the parent's attachment (a standard normal draw)."),
    )

    def __init__(self, params: ParentingParams | None = None, generations: int = 1, fertility: float = 1.8) -> None:
        super().__init__(params)
        self.generations = generations
        self.fertility = fertility

    def step(self, sim: Simulation, step: int) -> None:
        """Births this week, then the caregiving of every child of a simulated parent."""
        if self.generations > 1:
            self._births(sim, step)
        self._caregiving(sim, step)

    def _births(self, sim: Simulation, step: int) -> None:
        pop, p = sim.pop, self.params
        assert isinstance(p, ParentingParams)
        age_y = (step - pop["birth_step"]) / WEEKS_PER_YEAR
        women = np.nonzero((pop["sex"] == 1) & (age_y >= 18) & (age_y < 45)
                           & (pop["generation"] < self.generations - 1))[0]
        if women.size == 0:
            return
        a = age_y[women]
        density = np.exp(-0.5 * ((a - p.birth_age_mean) / p.birth_age_sd) ** 2) / (p.birth_age_sd * np.sqrt(2 * np.pi))
        partnered = pop["partner"][women] >= 0
        # partnered women carry most births; the weights average to one over a typical partnership share of 0.65
        weight = np.where(partnered, p.partnered_births, 1.0) / (0.65 * p.partnered_births + 0.35)
        hazard = self.fertility * density * weight / WEEKS_PER_YEAR
        mothers = women[uniforms(sim.seed, "m10.birth", step, women) < hazard]
        if mothers.size == 0:
            return
        if pop.n + mothers.size > pop.capacity:
            raise RuntimeError(f"Population capacity {pop.capacity:,} reached at week {step}: lower "
                               "population.n, generations or fertility.")
        from ..assessments.lifespan import AAI_CLASSES, STATE_NAMES, adult_instruments

        ids = pop.add(mothers.size)
        sim.cohorts[step] = np.concatenate([sim.cohorts.get(step, np.zeros(0, np.int32)), ids])
        for m in sim.mechanisms:
            m.init_people(sim, ids)
        pop["parent"][ids] = mothers
        pop["generation"][ids] = pop["generation"][mothers] + 1
        pop["profile"][ids] = PARENT_PROFILE
        pop["children"][mothers] += 1
        pop["parenting_offset"][ids] = normals(sim.seed, "m10.offset", step, ids).astype(np.float32)
        r = p.inheritance
        sd = sim.scenario.parameters.distress.reactivity_sd
        z = normals(sim.seed, "m10.temperament", step, ids)
        log_parent = np.log(pop["reactivity"][mothers].astype(np.float64))
        pop["reactivity"][ids] = np.exp(r * log_parent + np.sqrt(1 - r * r) * sd * z - 0.5 * sd * sd).astype(
            np.float32)
        states = {k: pop[k][mothers].astype(np.float64) for k in STATE_NAMES}
        life = sim.scenario.parameters.lifespan_assessments
        out = adult_instruments(states, mothers.astype(np.int32), sim.seed, step, 0, life)
        codes = {c: i for i, c in enumerate(AAI_CLASSES)}
        pop["parent_aai_at_birth"][ids] = np.array([codes[c] for c in out["aai"]], dtype=np.int32)
        pop["parent_unresolved_at_birth"][ids] = out["aai_unresolved"].astype(np.int32)

    def _caregiving(self, sim: Simulation, step: int) -> None:
        pop, p = sim.pop, self.params
        assert isinstance(p, ParentingParams)
        kids = np.nonzero((pop["parent"] >= 0) & (step - pop["birth_step"] < weeks(years=18)))[0]
        if kids.size == 0:
            return
        par = pop["parent"][kids]

        def g(name: str) -> F64:
            return pop[name][par].astype(np.float64)

        m = g("others_a") / (g("others_a") + g("others_b"))
        hyp, dea, con = g("hyperactivation"), g("deactivation"), g("conflict")
        life = sim.scenario.parameters.lifespan_assessments
        # the same indices the adult interview reads (assessments/lifespan.py), without its noise
        security = 0.35 * g("regulation") + 0.35 * m + 0.3 * g("self_worth") - 0.3 * con - 0.2 * (hyp + dea)
        insecurity = np.maximum(life.coherence_threshold - security, 0.0) / p.security_sd
        dismissing = 1.0 / (1.0 + np.exp(-(dea - hyp - life.dismissal_balance) / p.dismissing_width))
        unresolved = 0.6 * g("threat") + 0.8 * con + 0.2 * (g("stress_gain") - 1.0)
        compulsive = np.zeros(kids.size, dtype=bool)
        relief = sim.scenario.parameters.relief
        for t in REGULATORS:
            compulsive |= (pop[f"habit_{t}"][par] >= relief.criterion_habit) \
                & (pop[f"recent_use_{t}"][par] >= relief.criterion_use) & (pop[f"use_state_{t}"][par] != 2)
        pop["ace_substance"][kids[compulsive]] = 1
        quality = np.where(pop["partner"][par] >= 0, np.nan_to_num(g("relationship_quality")), 0.0)
        cost = p.compulsive_cost * compulsive
        rho = p.sensitivity_security
        z = rho * (security - p.security_mean) / p.security_sd \
            + np.sqrt(1.0 - rho * rho) * pop["parenting_offset"][kids]
        sens = p.sensitivity_base + p.sensitivity_sd * z - p.sensitivity_arousal * g("arousal") \
            + p.sensitivity_partner * (quality - 0.6) - cost
        pop["cg_sensitivity"][kids] = np.clip(sens, 0.0, 1.0)
        pop["cg_availability"][kids] = np.clip(0.92 - cost, 0.0, 1.0)
        pop["cg_rejection"][kids] = np.clip(0.05 + p.rejection_dismissing * insecurity * dismissing, 0.0, 1.0)
        pop["cg_inconsistency"][kids] = np.clip(0.05 + p.inconsistency_preoccupied * insecurity * (1.0 - dismissing)
                                                + 0.5 * cost, 0.0, 0.5)
        pop["cg_dysregulation"][kids] = np.clip(p.dysregulation_stress * g("arousal_mean")
                                                + p.dysregulation_unresolved * np.maximum(unresolved - 0.3, 0.0)
                                                + cost, 0.0, 1.0)
        pop["cg_harm"][kids] = 0.0
