"""Assessments after infancy (MODEL §7).

The preschool reunion, the behaviour-signs checklist, the adult instruments (ECR-R form,
adult-interview form, intimacy fears, adult indices) and the ACE count.

Each instrument is simulated from the person's states at the age of assessment, with its own
measurement noise, and scored or classified by its rules; no category is copied from a
profile or a label.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..adulthood.relief import REGULATORS, ReliefParams, compulsive, met_within
from ..core.columns import Column, coded, copy_of, count, flag
from ..core.mechanism import Mechanism, f32, i8, owned
from ..core.params import ParamModel
from ..core.rng import box_muller_np, person_key_np, step_key_np, stream_key, uniform_np
from ..core.state import StateSpec
from ..core.timeline import YEAR_W, weeks
from ..development.infancy import model_of_others as _model_of_others
from ..development.liability import STATE_NAMES as LIABILITY_STATES
from ..development.liability import LiabilityParams, domain_liability
from . import ecrr
from .strange_situation import CATEGORIES, StrangeSituationParams, category_codes, run_strange_situation

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]

SIGNS = ("clinging", "mistrust", "fear_of_abandonment", "volatility", "aggressive_outbursts", "hypervigilance",
         "detachment", "unresponsiveness", "social_withdrawal", "passivity", "help_seeking")
INTERNALIZING = ("social_withdrawal", "passivity", "fear_of_abandonment", "detachment", "unresponsiveness")
EXTERNALIZING = ("aggressive_outbursts", "volatility", "mistrust")
FEARS = ("inadequacy", "engulfment", "loss_of_control", "loss_of_autonomy", "attack", "betrayal", "guilt",
         "abandonment")


class AAIClass(IntEnum):
    """Codes of the adult-interview classes (int8 states ``aai_<age>``, ``parent_aai_at_birth``)."""

    F = 0  # free-autonomous (secure)
    Ds = 1  # dismissing
    E = 2  # preoccupied (entangled)


#: The class names in code order.
AAI_CLASSES = tuple(c.name for c in AAIClass)


class LifespanAssessmentParams(ParamModel):
    """How the later instruments read the states."""

    preschool_stress: float
    preschool_momentary_noise: float
    anxiety_bias: float
    anxiety_scale: float
    avoidance_bias: float
    avoidance_scale: float
    trait_noise: float
    interview_noise: float
    coherence_threshold: float
    dismissal_balance: float
    unresolved_threshold: float


def _sigmoid(x: F64) -> F64:
    out: F64 = 1.0 / (1.0 + np.exp(-x))
    return out


def _states(sim: Simulation, ids: npt.NDArray[np.int32], names: tuple[str, ...]) -> dict[str, F64]:
    return {n: sim.pop[n][ids].astype(np.float64) for n in names}


def model_of_others(s: dict[str, F64]) -> F64:
    """Expected availability of others (the Beta mean of the M4 evidence counts)."""
    out: F64 = _model_of_others(s["others_a"], s["others_b"])
    return out


# The weights of the interview's two indices fix the scale on which coherence_threshold and unresolved_threshold
# were calibrated (a change of weights is a change of those thresholds), so they are constants, not parameters.
SECURITY_WEIGHTS = {"regulation": 0.35, "model_of_others": 0.35, "self_worth": 0.3, "conflict": 0.3,
                    "strategies": 0.2}
UNRESOLVED_WEIGHTS = {"threat": 0.6, "conflict": 0.8, "stress_gain": 0.2}


#: The states the ECR-R's two scales read, standardized by ``ECRR_NORMS``.
ECRR_NORM_STATES = ("hyperactivation", "self_worth", "threat", "deactivation", "model_of_others")
#: The ECR-R's metric: mean and SD of each state among the adults of `normative` at 18, 25 and 35 (pooled),
#: measured by scripts/ecrr_norms.py on seeds 1000 and 1001 (5,000 people each). Fixed, like the theta scale of an
#: IRT calibration sample (Fraley, Waller & Brennan 2000), so that scenarios and arms are compared on one metric;
#: tests/test_adult_instruments.py checks on seeds below 1000 that they have not gone stale.
ECRR_NORMS = {
    "hyperactivation": (0.2434, 0.0883),
    "self_worth": (0.6515, 0.0674),
    "threat": (0.1766, 0.1468),
    "deactivation": (0.2943, 0.1267),
    "model_of_others": (0.4587, 0.1100),
}
#: Weights of the standardized states on each ECR-R dimension (they sum to 1 per scale; the sign says the direction).
#: Anxiety is the self-report of the hyperactivating strategy (Mikulincer & Shaver 2003; Brennan, Clark & Shaver
#: 1998) and of the appraisal that drives it: vigilance to threats of rejection and abandonment (Fraley & Shaver 2000)
#: and a negative model of self (Bartholomew & Horowitz 1991; Griffin & Bartholomew 1994). Half is read from the
#: strategy (hyperactivation), half from the appraisal, split equally between low self-worth and learned threat.
#: Avoidance is the deactivating strategy's self-report (.6), with a negative model of others (.3) and mistrust
#: learned from harm (.1). The splits are assumptions: the sources rank the parts but do not weigh them. (A first
#: choice, anxiety .6 / .25 / .15, was revised after it made adults harmed in childhood less anxious than the
#: unharmed, against the field: the model's adult hyperactivation falls after harm; docs/adult_instruments.md.)
ANXIETY_WEIGHTS = {"hyperactivation": 0.5, "self_worth": -0.25, "threat": 0.25}
AVOIDANCE_WEIGHTS = {"deactivation": 0.6, "model_of_others": -0.3, "threat": 0.1}
#: Approach-avoid conflict and current withdrawal from a partner are read in the units of the strategy they go with:
#: conflict at 0.4 of its value on both strategies (fearful: high on both scales), withdrawal one for one as
#: deactivation (the avoidance items ask about pulling back from partners; Davila, Karney & Bradbury 1999). Both are
#: zero for most people, so an SD of their own would blow up the rare non-zero values.
CONFLICT_IN_STRATEGY = 0.4


def _standard(name: str, x: Any) -> Any:
    mean, sd = ECRR_NORMS[name]
    return (x - mean) / sd


def ecrr_composites(hyp: Any, dea: Any, sw: Any, m: Any, con: Any, thr: Any, wd: Any) -> tuple[Any, Any]:
    """The attachment-state parts of latent ECR-R anxiety and avoidance, in norm SD units (``ECRR_NORMS``)."""
    wa, wv = ANXIETY_WEIGHTS, AVOIDANCE_WEIGHTS
    anxiety = (wa["hyperactivation"] * _standard("hyperactivation", hyp + CONFLICT_IN_STRATEGY * con)
               + wa["self_worth"] * _standard("self_worth", sw) + wa["threat"] * _standard("threat", thr))
    avoidance = (wv["deactivation"] * _standard("deactivation", dea + wd + CONFLICT_IN_STRATEGY * con)
                 + wv["model_of_others"] * _standard("model_of_others", m) + wv["threat"] * _standard("threat", thr))
    return anxiety, avoidance


def security_index(reg: Any, m: Any, sw: Any, con: Any, hyp: Any, dea: Any) -> Any:
    """The adult interview's security (coherence) index.

    Regulation, trust and self-worth raise it; conflict and the secondary strategies lower it.
    """
    w = SECURITY_WEIGHTS
    return (w["regulation"] * reg + w["model_of_others"] * m + w["self_worth"] * sw - w["conflict"] * con
            - w["strategies"] * (hyp + dea))


def unresolved_index(thr: Any, con: Any, stress_gain: Any) -> Any:
    """The adult interview's unresolved index: learned threat, conflict and stress sensitisation."""
    w = UNRESOLVED_WEIGHTS
    return w["threat"] * thr + w["conflict"] * con + w["stress_gain"] * (stress_gain - 1.0)


def sign_propensities(s: dict[str, F64], stress_gain_max: float) -> dict[str, F64]:
    """0-1 propensities of the checklist signs from the states (seed 1, S1-3)."""
    m = model_of_others(s)
    sg = np.clip((s["stress_gain"] - 1.0) / max(stress_gain_max - 1.0, 1e-9), 0.0, 1.0)
    reg, sw, sc = s["regulation"], s["self_worth"], s["social_cognition"]
    hyp, dea, thr = s["hyperactivation"], s["deactivation"], s["threat"]
    raw = {
        "clinging": hyp * (0.6 + 0.4 * (1.0 - reg)),
        "mistrust": 0.6 * thr + 0.5 * (1.0 - m) - 0.1,
        "fear_of_abandonment": 1.4 * hyp * (1.0 - m) + 0.3 * thr,
        "volatility": (1.0 - reg) * (0.4 + 0.6 * sg) + 0.2 * thr,
        "aggressive_outbursts": 0.7 * thr + 0.5 * sg * (1.0 - reg),
        "hypervigilance": 0.7 * sg + 0.5 * thr,
        "detachment": 0.9 * dea,
        "unresponsiveness": 1.2 * (1.0 - sc) * (0.5 + 0.5 * dea),
        "social_withdrawal": (1.0 - sw) * (1.2 - sc) + 0.3 * dea - 0.2,
        "passivity": 1.1 * (1.0 - sw) * (1.0 - 0.6 * sc),
        "help_seeking": (1.0 - dea) * m * (0.5 + 0.5 * sc),
    }
    return {k: np.clip(v, 0.0, 1.0) for k, v in raw.items()}


def checklist(s: dict[str, F64], ids: npt.NDArray[np.int32], seed: int, step: int, age_years: int,
              stress_gain_max: float, liability: LiabilityParams | None = None) -> dict[str, npt.NDArray[np.generic]]:
    """Ratings 0 (not true), 1 (somewhat) or 2 (very true) of each sign, and the two composites (0-2).

    With ``liability``, each internalizing and externalizing sign's propensity is raised by the domain's
    weight times the person's non-attachment liability (``development.liability``) before the rating is drawn:
    attachment is one cause of the problems among several.
    """
    prop = sign_propensities(s, stress_gain_max)
    if liability is not None:
        for domain, signs in (("internalizing", INTERNALIZING), ("externalizing", EXTERNALIZING)):
            shift = getattr(liability, f"{domain}_weight") * domain_liability(s, domain, liability)
            for name in signs:
                prop[name] = np.clip(prop[name] + shift, 0.0, 1.0)
    pk = person_key_np(step_key_np(stream_key(seed, f"checklist.{age_years}y"), step), ids)
    out: dict[str, npt.NDArray[np.generic]] = {}
    for k, name in enumerate(SIGNS):
        u = uniform_np(pk, k)
        p = prop[name]
        out[name] = (u < p).astype(np.int8) + (u < p * p).astype(np.int8)
    out["stress_gain"] = s["stress_gain"].astype(np.float32)
    out["social_cognition"] = s["social_cognition"].astype(np.float32)
    out["internalizing"] = np.mean(np.stack([out[n] for n in INTERNALIZING]).astype(np.float32), axis=0)
    out["externalizing"] = np.mean(np.stack([out[n] for n in EXTERNALIZING]).astype(np.float32), axis=0)
    return out


def adult_instruments(s: dict[str, F64], ids: npt.NDArray[np.int32], seed: int, step: int, age: int,
                      p: LifespanAssessmentParams, loss_or_trauma: npt.NDArray[np.bool_] | None = None,
                      ) -> dict[str, npt.NDArray[np.generic]]:
    """The ECR-R form, the adult-interview form, the intimacy fears and the adult indices at one age.

    ``loss_or_trauma`` says who has a loss (a parent or sibling died) or abuse (harm) in their history by the
    interview: U is coded only for them (Main, Goldwyn & Hesse 2003: lapses in reasoning or discourse during the
    discussion of loss or abuse). Without it, nobody is coded U.
    """
    m = model_of_others(s)
    reg, sw, hyp, dea, con, thr = (s["regulation"], s["self_worth"], s["hyperactivation"], s["deactivation"],
                                   s["conflict"], s["threat"])
    pk = person_key_np(step_key_np(stream_key(seed, f"adult.{age}y"), step), ids)

    def z(k: int) -> F64:
        return box_muller_np(uniform_np(pk, 2 * k), uniform_np(pk, 2 * k + 1))

    # ECR-R: anxiety reads the hyperactivating strategy, avoidance the deactivating one, each on the norms' metric
    # (ecrr_composites); avoidance also reads current withdrawal from a partner (M9; 0 when single)
    wd = s.get("withdrawal", np.zeros_like(dea))
    anx_state, avo_state = ecrr_composites(hyp, dea, sw, m, con, thr, wd)
    anx_lat = p.anxiety_bias + p.anxiety_scale * anx_state + p.trait_noise * z(0)
    avo_lat = p.avoidance_bias + p.avoidance_scale * avo_state + p.trait_noise * z(1)
    answers = ecrr.simulate_items(anx_lat, avo_lat, ids, seed, step, stream=f"ecrr.{age}y")
    anxiety, avoidance = ecrr.score_items(answers)
    style = ecrr.classify(anxiety, avoidance)
    # adult-interview form: coherence, dismissal, preoccupation, unresolved (Main, Goldwyn & Hesse 2003)
    security = security_index(reg, m, sw, con, hyp, dea)
    coherence = 1.0 + 8.0 * _sigmoid(6.0 * (security - p.coherence_threshold) + p.interview_noise * z(2))
    dismissal = 1.0 + 8.0 * _sigmoid(6.0 * (dea - hyp - p.dismissal_balance) + p.interview_noise * z(3))
    unresolved_idx = unresolved_index(thr, con, s["stress_gain"])
    unresolved = 1.0 + 8.0 * _sigmoid(6.0 * (unresolved_idx - p.unresolved_threshold) + p.interview_noise * z(4))
    if loss_or_trauma is None:
        loss_or_trauma = np.zeros(ids.shape[0], dtype=np.bool_)
    aai = np.where(np.round(coherence) >= 5, AAIClass.F.name,
                   np.where(np.round(dismissal) >= 5, AAIClass.Ds.name, AAIClass.E.name))
    fears = {
        "inadequacy": 1.0 - sw,
        "engulfment": dea * (0.6 + 0.4 * con),
        "loss_of_control": con * (0.5 + 0.5 * (1.0 - reg)),
        "loss_of_autonomy": 0.8 * dea + 0.2 * (1.0 - sw),
        "attack": thr,
        "betrayal": (1.0 - m) * (0.7 + 0.3 * thr),
        "guilt": (1.0 - sw) * (0.5 + 0.5 * hyp),
        "abandonment": hyp * (0.5 + 0.5 * (1.0 - m)),
    }
    out: dict[str, npt.NDArray[np.generic]] = {
        "regulation": reg.astype(np.float32),
        "ecrr_anxiety": anxiety.astype(np.float32),
        "ecrr_avoidance": avoidance.astype(np.float32),
        "adult_style": style,
        "aai": aai,
        "aai_unresolved": loss_or_trauma & (np.round(unresolved) >= 5),
        "aai_coherence": np.round(coherence).astype(np.int8),
        "chronic_stress": s["arousal_mean"].astype(np.float32),
        "trust": (m * (1.0 - thr)).astype(np.float32),
        "isolation": np.clip(0.4 * dea + 0.3 * (1.0 - s["social_cognition"]) + 0.3 * (1.0 - sw), 0.0, 1.0)
        .astype(np.float32),
    }
    for name, value in fears.items():
        out[f"fear_{name}"] = np.clip(value, 0.0, 1.0).astype(np.float32)
    return out


STATE_NAMES = ("others_a", "others_b", "hyperactivation", "deactivation", "conflict", "threat", "regulation",
               "reactivity", "stress_gain", "arousal", "self_worth", "social_cognition", "arousal_mean")
ADULT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("regulation", "f32", "Regulation."),
    ("ecrr_anxiety", "f32", "ECR-R anxiety scale score (1-7)."),
    ("ecrr_avoidance", "f32", "ECR-R avoidance scale score (1-7)."),
    ("adult_style", "i8", "ECR-R category: 0 secure, 1 preoccupied, 2 dismissing, 3 fearful."),
    ("aai", "i8", "Adult-interview class: 0 F, 1 Ds, 2 E."),
    ("aai_unresolved", "i8", "Adult interview coded U (unresolved) in addition."),
    ("aai_coherence", "i8", "Coherence of transcript (1-9)."),
    ("chronic_stress", "f32", "Chronic stress: one-year mean arousal."),
    ("trust", "f32", "Trust in close others (0-1)."),
    ("isolation", "f32", "Social isolation index (0-1)."),
    *((f"fear_{f}", "f32", f"Intimacy fear index: {f.replace('_', ' ')} (0-1).") for f in FEARS),
    *((f"compulsive_{t}", "i8", f"Meets the compulsive-use criterion for {t} now.") for t in REGULATORS),
    *((f"compulsive_{t}_12m", "i8", f"Met the compulsive-use criterion for {t} in any week of the past 12 months.")
      for t in REGULATORS),
    ("partnered", "i8", "Has a partner."),
    ("relationship_quality", "f32", "Quality of the current relationship (0-1; missing when single)."),
    ("relationship_conflict", "f32", "Conflict in the current relationship (0-1; missing when single)."),
)
#: People per chunk of an assessment (:meth:`LifespanAssessments.step`).
CHUNK = 1 << 16
CODES = {"adult_style": {s.name.lower(): int(s) for s in ecrr.AdultStyle}, "aai": {c.name: int(c) for c in AAIClass}}


class LifespanAssessments(Mechanism):
    """Assessment hook: the instruments after infancy, each at the ages the scenario chooses."""

    def __init__(self, params: LifespanAssessmentParams | None, ssp_params: StrangeSituationParams,
                 preschool_years: tuple[int, ...], checklist_years: tuple[int, ...], adult_years: tuple[int, ...],
                 stress_gain_max: float, relief: ReliefParams | None = None,
                 preschool_months: tuple[int, ...] = (), liability: LiabilityParams | None = None) -> None:
        super().__init__(params)
        self.ssp_params = ssp_params
        self.preschool_years = preschool_years
        self.preschool_months = preschool_months
        self.checklist_years = checklist_years
        self.adult_years = adult_years
        self.stress_gain_max = stress_gain_max
        self.relief = relief or ReliefParams.defaults()
        self.liability = liability or LiabilityParams.defaults()

    def declared(self) -> tuple[StateSpec, ...]:
        """Result states for every chosen age."""
        specs: list[StateSpec] = []
        for age in self.preschool_years:
            specs.append(i8(f"reunion_{age}y", -1, "code", f"Reunion classification at {age} years: 0 A .. 3 D."))
        for months in self.preschool_months:
            specs.append(i8(f"reunion_{months}m", -1, "code",
                             f"Reunion classification at {months} months: 0 A .. 3 D."))
        for age in self.checklist_years:
            for sign in SIGNS:
                specs.append(i8(f"{sign}_{age}y", -1, "0-2", f"Checklist sign '{sign}' at {age} years."))
            specs.append(f32(f"internalizing_{age}y", float("nan"), "0-2", f"Internalizing composite at {age}."))
            specs.append(f32(f"stress_gain_{age}y", float("nan"), "multiplier", f"Stress gain at {age} years."))
            specs.append(f32(f"social_cognition_{age}y", float("nan"), "0-1", f"Social cognition at {age} years."))
            specs.append(f32(f"externalizing_{age}y", float("nan"), "0-2", f"Externalizing composite at {age}."))
        for age in self.adult_years:
            for name, dtype, meaning in ADULT_COLUMNS:
                if dtype == "f32":
                    specs.append(f32(f"{name}_{age}", float("nan"), "see meaning", f"{meaning} At {age} years."))
                else:
                    specs.append(i8(f"{name}_{age}", -1, "code", f"{meaning} At {age} years."))
        return owned(self.key, *specs)

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Reunion classifications, checklist signs and composites, and the adult instruments at each age."""
        cols: list[Column] = []
        for col in (*(f"reunion_{y}y" for y in self.preschool_years),
                    *(f"reunion_{m}m" for m in self.preschool_months)):
            cols.append(coded(col, CATEGORIES, "A/B/C/D", f"reunion classification ({col[8:]})"))
        for age in self.checklist_years:
            for sign in SIGNS:
                cols.append(count(f"{sign}_{age}y", "Int8", "0-2", f"checklist sign '{sign}' at {age} years"))
            for extra, unit in (("internalizing", "0-2"), ("externalizing", "0-2"), ("stress_gain", "multiplier"),
                                ("social_cognition", "0-1")):
                col = f"{extra}_{age}y"
                cols.append(Column(col, "float32", unit, f"{extra.replace('_', ' ')} at {age} years", "mean",
                                   copy_of(col)))
        for age in self.adult_years:
            for name, dtype, meaning in ADULT_COLUMNS:
                col = f"{name}_{age}"
                label = f"{meaning} At {age} years."
                if name == "adult_style":
                    cols.append(coded(col, ecrr.STYLES, "ECR-R category", label))
                elif name == "aai":
                    cols.append(coded(col, AAI_CLASSES, "F/Ds/E", label))
                elif name == "aai_unresolved" or name.startswith("compulsive_") or name == "partnered":
                    cols.append(flag(col, label))
                elif dtype != "f32":
                    cols.append(count(col, "Int16", "code", label))
                else:
                    cols.append(Column(col, "float32", "see label", label, "mean",
                                       copy_of(col)))
        return tuple(cols)

    def step(self, sim: Simulation, step: int) -> None:
        """Assess everyone who completes one of the chosen ages this week, :data:`CHUNK` people at a time.

        Every instrument scores each person on their own (draws keyed by person), so the chunks give the
        results of one pass; they keep a cohort's float64 temporaries in cache (a cohort of 1,000,000 people
        would stream dozens of 8 MB arrays through memory).
        """
        for event in self._events():
            ids = sim.completing(step, event[1])
            for lo in range(0, ids.size, CHUNK):
                self._assess(sim, step, event, ids[lo:lo + CHUNK])

    def _events(self) -> list[tuple[str, int, int]]:
        """(kind, age in weeks, age in years or months) of every assessment this hook makes."""
        events = [("reunion_y", weeks(years=y), y) for y in self.preschool_years]
        events += [("reunion_m", weeks(months=m), m) for m in self.preschool_months]
        events += [("checklist", weeks(years=y), y) for y in self.checklist_years]
        events += [("adult", weeks(years=y), y) for y in self.adult_years]
        return events

    def _assess(self, sim: Simulation, step: int, event: tuple[str, int, int], ids: npt.NDArray[np.int32]) -> None:
        kind, _, age = event
        if kind.startswith("reunion"):
            column, months = (f"reunion_{age}y", age * 12) if kind == "reunion_y" else (f"reunion_{age}m", age)
            s = _states(sim, ids, STATE_NAMES)
            params = self.ssp_params.model_copy(
                update={"momentary_noise": self.params.preschool_momentary_noise})  # type: ignore[attr-defined]
            s["reactivity"] = s["reactivity"] * self.params.preschool_stress  # type: ignore[attr-defined]
            out = run_strange_situation(s, ids, params, sim.seed, step, months)  # type: ignore[arg-type]
            sim.pop[column][ids] = category_codes(out["category"])
        elif kind == "checklist":
            out = checklist(_states(sim, ids, STATE_NAMES + LIABILITY_STATES), ids, sim.seed, step, age,
                            self.stress_gain_max, self.liability)
            for name, value in out.items():
                sim.pop[f"{name}_{age}y"][ids] = value
        else:
            self._adult(sim, step, age, ids)

    def _adult(self, sim: Simulation, step: int, years: int, ids: npt.NDArray[np.int32]) -> None:
        """The adult instruments, the compulsive-use criteria and the relationship read-outs at ``years``."""
        out = adult_instruments(_states(sim, ids, (*STATE_NAMES, "withdrawal")), ids, sim.seed, step, years,
                                self.params, loss_or_trauma(sim, ids, step))  # type: ignore[arg-type]
        for t in REGULATORS:
            out[f"compulsive_{t}"] = compulsive_now(sim, ids, t, self.relief).astype(np.int32)
            out[f"compulsive_{t}_12m"] = met_within(sim.pop[f"compulsive_{t}_last_w"][ids],
                                                    step - sim.pop["birth_step"][ids].astype(np.int64),
                                                    YEAR_W).astype(np.int32)
        out["partnered"] = (sim.pop["partner"][ids] >= 0).astype(np.int32)
        out["relationship_quality"] = sim.pop["relationship_quality"][ids]
        out["relationship_conflict"] = sim.pop["relationship_conflict"][ids]
        for name, value in out.items():
            if name in CODES:  # names to codes (-1 for any other name), one comparison per name
                codes = np.full(len(value), -1, dtype=np.int32)
                for label, code in CODES[name].items():
                    codes[value == label] = code
                value = codes
            sim.pop[f"{name}_{years}"][ids] = value


def loss_or_trauma(sim: Simulation, ids: npt.NDArray[np.int32], step: int) -> npt.NDArray[np.bool_]:
    """Who has a loss or a trauma in their history by the end of ``step``.

    A parent or sibling died (``first_loss_w`` at or before their age), or they were harmed (an abusive response
    to a bid, ``harmed_total`` > 0, or abuse in the ACE ledger).
    """
    pop = sim.pop
    age_w = step + 1 - pop["birth_step"][ids].astype(np.int64)
    abused = (pop["ace_emotional_abuse"][ids] == 1) | (pop["ace_physical_abuse"][ids] == 1) | (
        pop["ace_sexual_abuse"][ids] == 1)
    out: npt.NDArray[np.bool_] = (pop["first_loss_w"][ids] <= age_w) | (pop["harmed_total"][ids] > 0) | abused
    return out


def compulsive_now(sim: Simulation, ids: npt.NDArray[np.int32], regulator: str,
                   relief: ReliefParams) -> npt.NDArray[np.bool_]:
    """Whether each person meets the compulsive-use criterion for a regulator this week."""
    out: npt.NDArray[np.bool_] = compulsive(sim.pop[f"habit_{regulator}"][ids], sim.pop[f"recent_use_{regulator}"][ids],
                                            sim.pop[f"use_state_{regulator}"][ids], relief.criterion_habit,
                                            relief.criterion_use)
    return out
