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

from ..caregiving.profiles import PARENT_PROFILE
from ..core.columns import Column, coded, count, flag
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals, uniforms
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, YEAR_W
from .relief import REGULATORS, compulsive

if TYPE_CHECKING:
    from ..assessments.lifespan import LifespanAssessmentParams
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]
CAL = "calibrated by hand to van IJzendoorn 1995 (parent interview -> infant Strange Situation) on seed 1000"
MEASURED = ("measured: mothers of the normative first generation over their children's first 18 years, seed 1000 "
            "(CHILDHOOD=1 scripts/transmission.py)")
# Reference values (MEASURED) of the attachment indices among the mothers of children of each age (rows: child's age in
# years, 0-17; columns: insecurity x dismissing, insecurity x (1 - dismissing), chronic arousal, unresolved above
# 0.3, security). A mother's caregiving departs from the community profile's by her deviation from the mothers
# of children the same age, so that a normative generation of parents gives community-level care at every age of
# the child (mothers grow more secure as their children grow; without this the generations drift to security).
REFERENCE_BY_CHILD_AGE = np.array([
    (0.1321, 0.1667, 0.176, 0.0643, 0.5127),
    (0.1116, 0.1517, 0.1691, 0.0574, 0.5194),
    (0.0975, 0.1367, 0.1634, 0.0514, 0.5253),
    (0.0862, 0.1236, 0.1582, 0.046, 0.5304),
    (0.0763, 0.1126, 0.1528, 0.0412, 0.5351),
    (0.0684, 0.1024, 0.1478, 0.0369, 0.5394),
    (0.0622, 0.0924, 0.1431, 0.0328, 0.5434),
    (0.0559, 0.0839, 0.1382, 0.0291, 0.5474),
    (0.0503, 0.0766, 0.1334, 0.0257, 0.5511),
    (0.0458, 0.069, 0.1287, 0.0224, 0.5548),
    (0.0416, 0.0623, 0.1242, 0.0195, 0.5582),
    (0.0375, 0.0566, 0.1197, 0.0167, 0.5615),
    (0.0343, 0.0511, 0.1154, 0.0142, 0.5647),
    (0.0316, 0.0459, 0.1112, 0.0119, 0.5678),
    (0.029, 0.0417, 0.1072, 0.0098, 0.5708),
    (0.0269, 0.0378, 0.1033, 0.008, 0.5737),
    (0.0252, 0.034, 0.0996, 0.0064, 0.5765),
    (0.0234, 0.0306, 0.0959, 0.005, 0.5793),
])
#: Ages (years) between which women give birth (MODEL §6 M10).
FIRST_BIRTH_AGE, LAST_BIRTH_AGE = 18, 45
#: Relationship quality at which partner support neither raises nor lowers sensitivity: a new relationship's
#: quality (``partners.start_quality``'s default); it fixes the unit of ``sensitivity_partner``, so it is not free.
REFERENCE_QUALITY = 0.6
#: Highest caregiving inconsistency (the caregiving profiles' bound, ``caregiving.profiles.PARAMETER_MAX``).
INCONSISTENCY_MAX = 0.5
EXOGENOUS = ("availability", "sensitivity", "rejection", "inconsistency", "dysregulation")


class ParentingParams(ParamModel):
    """Births and the caregiving a parent's state produces."""

    birth_age_mean: float = param(29.0, 18.0, 45.0, unit="years", meaning="Peak of the age pattern of births.",
                                  source="rationale: mean age at birth about 29-30 in OECD countries (OECD 2022)")
    birth_age_sd: float = param(5.5, 1.0, 15.0, unit="years", meaning="Spread of the age pattern of births.",
                                source="rationale: OECD 2022")
    partnered_births: float = param(4.0, 1.0, 50.0, unit="relative rate",
                                    meaning="Birth rate of partnered relative to single women.", source="rationale")
    partnered_share: float = param(
        0.65, 0.05, 1.0, unit="share of women 18-45",
        meaning="Typical share of women of childbearing age with a partner; the birth weights of partnered and "
        "single women average to one at this share, so that fertility is the mean number of children.",
        source="rationale: about the share of simulated women 18-45 with a partner in the normative scenario; "
        "value of the first version, kept",
    )
    inheritance: float = param(0.5, 0.0, 1.0, unit="correlation",
                               meaning="Parent-child correlation of temperamental reactivity.",
                               source="rationale: modest heritability of infant temperament (Saudino 2005)")
    security_sd: float = param(0.115, 0.01, 1.0, unit="security index",
                               meaning="SD of the security index among mothers at their children's births.",
                               source=MEASURED)
    sensitivity_base: float = param(0.62, 0.0, 1.0, unit="0-1", meaning="Sensitivity of an average parent.",
                                    source="as the community profile (Ainsworth et al. 1978)")
    sensitivity_sd: float = param(0.16, 0.0, 0.5, unit="0-1",
                                  meaning="SD of parents' typical sensitivity, as among community caregivers.",
                                  source="as the community profile (NICHD ECCRN 1997; De Wolff & van IJzendoorn 1997)")
    sensitivity_security: float = param(
        0.05, 0.0, 1.0, unit="correlation",
        meaning="Correlation of a parent's sensitivity with her own security (the interview's security index); "
        "the rest of the spread is stable and unrelated to her attachment (skills, circumstances, the child).",
        source="calibrated by hand on seed 1000 with the arousal and partner terms: parent F and observed "
        "first-year sensitivity correlate .30 (van IJzendoorn 1995: parent interview -> observed responsiveness "
        "d = .72, r about .34) and observed sensitivity carries about 17-20% of the transmission (Pederson et al. "
        "1998: 17%)")
    sensitivity_arousal: float = param(0.03, 0.0, 5.0, unit="per unit arousal",
                                       meaning="A stressed parent is less sensitive.",
                                       source="rationale; value calibrated with sensitivity_security")
    sensitivity_partner: float = param(0.05, 0.0, 1.0, unit="per unit relationship quality above 0.6",
                                       meaning="Partner support raises sensitivity.",
                                       source="rationale: Belsky 1984 (support in the parenting process); value "
                                       "calibrated with sensitivity_security")
    compulsive_cost: float = param(0.25, 0.0, 1.0, unit="sensitivity and availability lost",
                                   meaning="A parent in compulsive use is less sensitive and less available.",
                                   source="rationale: Suchman et al. 2010 (parenting and addiction)")
    rejection_dismissing: float = param(
        1.4, 0.0, 2.0, unit="rejection per SD of insecurity",
        meaning="An insecure parent whose defence is deactivating (dismissing) rebuffs bids for contact (Ds -> A).",
        source="Main 1981; Main, Kaplan & Cassidy 1985 (dismissing parents reject attachment behaviour); " + CAL)
    inconsistency_preoccupied: float = param(
        0.8, 0.0, 1.0, unit="inconsistency per SD of insecurity",
        meaning="An insecure parent whose defence is not deactivating (preoccupied) responds intermittently (E -> C).",
        source="Cassidy & Berlin 1994; Main & Goldwyn 1984; " + CAL)
    dismissing_width: float = param(0.04, 0.005, 0.5, unit="deactivation - hyperactivation",
                                    meaning="Width of the sigmoid that splits an insecure parent's defence into "
                                    "dismissing and preoccupied around the interview's dismissal balance.",
                                    source="rationale: the interview's own split (Main, Goldwyn & Hesse 2003)")
    dysregulation_unresolved: float = param(1.8, 0.0, 5.0, unit="per unit unresolved index",
                                            meaning="An unresolved parent is frightened and dysregulated (U -> D).",
                                            source="Main & Hesse 1990; Schuengel et al. 1999; " + CAL)
    dysregulation_stress: float = param(0.2, 0.0, 5.0, unit="per unit chronic stress",
                                        meaning="Chronic stress and depression dysregulate the parent (S0-2).",
                                        source="rationale (seed 0, S0-2)")
    unresolved_onset: float = param(0.3, 0.0, 2.0, unit="unresolved index",
                                    meaning="Unresolved index above which a parent's unresolved loss or trauma "
                                    "dysregulates her caregiving.", source=CAL)
    compulsive_inconsistency: float = param(0.5, 0.0, 2.0, unit="inconsistency per unit compulsive_cost",
                                            meaning="A parent in compulsive use is also inconsistent: this share "
                                            "of compulsive_cost is added to her inconsistency.",
                                            source="rationale: Suchman et al. 2010; value of the first version, kept")


class Parenting(Mechanism):
    """M10: births, and each week a child's caregiving from its parent's current state."""

    key = "m10_parenting"
    label = "M10 parenting and transmission"
    summary = "births to women 18-45; a child's six caregiving parameters recomputed weekly from the parent's " \
        "state; temperament partly inherited; parent's interview class at birth"
    stages = ("adulthood",)
    Params = ParentingParams
    #: at a birth: the newborn's generation, profile and inherited temperament; weekly: the child's caregiving
    #: and the household-substance item of the ACE ledger
    writes = ("generation", "profile", "reactivity", "cg_availability", "cg_sensitivity", "cg_inconsistency",
              "cg_rejection", "cg_harm", "cg_dysregulation", "ace_substance")
    states = owned(
        key,
        i32("parent", -1, "id", "The mother's id, or -1 for an exogenous caregiver."),
        i32("children", 0, "count", "Children born."),
        i8("parent_aai_at_birth", -1, "code", "Mother's adult-interview class at the birth: 0 F, 1 Ds, 2 E."),
        i8("parent_unresolved_at_birth", -1, "flag", "Mother coded U at the birth."),
        *(f32(f"exo_{k}", 0.0, "0-1", f"The part of the child's caregiving {k} that does not come from the "
              "parent's attachment: the community draw at birth, with any socioeconomic risk.")
          for k in EXOGENOUS),
    )

    def __init__(self, params: ParentingParams | None = None, generations: int = 1, fertility: float = 1.8) -> None:
        super().__init__(params)
        self.generations = generations
        self.fertility = fertility
        #: ids of the children born in the simulation, by week of birth, while they are under 18 (the only
        #: people whose care comes from a simulated parent), so that no week scans the whole population
        self._born: dict[int, npt.NDArray[np.int32]] = {}

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """The parent link, children born, and the mother's interview at the birth."""
        from ..assessments.lifespan import AAI_CLASSES

        return (
            Column("parent_id", "int32", "id", "mother's id (-1: exogenous caregiver)", "none",
                   lambda s: s.pop["parent"].copy()),
            count("children", "int16", "count", "children born"),
            coded("parent_aai_at_birth", AAI_CLASSES, "F/Ds/E", "mother's adult-interview class at the birth"),
            flag("parent_unresolved_at_birth", "mother coded unresolved (U) at the birth"),
        )

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
        self._born[step] = ids
        pop["generation"][ids] = pop["generation"][mothers] + 1
        pop["profile"][ids] = PARENT_PROFILE
        pop["children"][mothers] += 1
        for k in EXOGENOUS:  # the community draw every newborn got from the caregiving mechanism
            pop[f"exo_{k}"][ids] = pop[f"cg_{k}"][ids]
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

        ix = attachment_indices({k: g(k) for k in INDEX_STATES}, p, sim.scenario.parameters.lifespan_assessments)
        using = np.zeros(kids.size, dtype=bool)
        relief = sim.scenario.parameters.relief
        for t in REGULATORS:
            using |= compulsive(pop[f"habit_{t}"][par], pop[f"recent_use_{t}"][par], pop[f"use_state_{t}"][par],
                                relief.criterion_habit, relief.criterion_use)
        pop["ace_substance"][kids[using]] = 1
        quality = np.where(pop["partner"][par] >= 0, np.nan_to_num(g("relationship_quality")), 0.0)
        cost = p.compulsive_cost * using

        def exo(k: str) -> F64:
            return pop[f"exo_{k}"][kids].astype(np.float64)

        ref = REFERENCE_BY_CHILD_AGE[np.minimum((step - pop["birth_step"][kids]) // YEAR_W,
                                                len(REFERENCE_BY_CHILD_AGE) - 1)].T
        rho = p.sensitivity_security
        sens = p.sensitivity_base + np.sqrt(1.0 - rho * rho) * (exo("sensitivity") - p.sensitivity_base) \
            + rho * p.sensitivity_sd * (ix["security"] - ref[4]) / p.security_sd \
            - p.sensitivity_arousal * g("arousal") + p.sensitivity_partner * (quality - REFERENCE_QUALITY) - cost
        pop["cg_sensitivity"][kids] = np.clip(sens, 0.0, 1.0)
        pop["cg_availability"][kids] = np.clip(exo("availability") - cost, 0.0, 1.0)
        pop["cg_rejection"][kids] = np.clip(
            exo("rejection") + p.rejection_dismissing * (ix["insecurity"] * ix["dismissing"] - ref[0]),
            0.0, 1.0)
        pop["cg_inconsistency"][kids] = np.clip(
            exo("inconsistency") + p.inconsistency_preoccupied
            * (ix["insecurity"] * (1.0 - ix["dismissing"]) - ref[1]) + p.compulsive_inconsistency * cost,
            0.0, INCONSISTENCY_MAX)
        pop["cg_dysregulation"][kids] = np.clip(
            exo("dysregulation") + p.dysregulation_stress * (g("arousal_mean") - ref[2])
            + p.dysregulation_unresolved * (np.maximum(ix["unresolved"] - p.unresolved_onset, 0.0) - ref[3])
            + cost, 0.0, 1.0)
        pop["cg_harm"][kids] = 0.0


INDEX_STATES = ("regulation", "others_a", "others_b", "self_worth", "hyperactivation", "deactivation", "conflict",
                "threat", "stress_gain")


def attachment_indices(s: dict[str, F64], p: ParentingParams, life: LifespanAssessmentParams) -> dict[str, F64]:
    """A parent's attachment read through the adult interview's own indices (assessments/lifespan.py), noise-free.

    ``security`` (the coherence index), ``insecurity`` (SDs of mothers' security below the interview's F
    threshold, 0 above it), ``dismissing`` (0-1: how far the defence is deactivating rather than preoccupied,
    around the interview's dismissal balance) and ``unresolved`` (the interview's unresolved index).
    """
    from ..assessments.lifespan import security_index, unresolved_index
    from ..development.infancy import model_of_others

    m = model_of_others(s["others_a"], s["others_b"])
    hyp, dea, con = s["hyperactivation"], s["deactivation"], s["conflict"]
    security = security_index(s["regulation"], m, s["self_worth"], con, hyp, dea)
    return {
        "security": security,
        "insecurity": np.maximum(life.coherence_threshold - security, 0.0) / p.security_sd,
        "dismissing": 1.0 / (1.0 + np.exp(-(dea - hyp - life.dismissal_balance) / p.dismissing_width)),
        "unresolved": unresolved_index(s["threat"], con, s["stress_gain"]),
    }
