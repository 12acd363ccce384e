"""M11 interventions as hook mechanisms: enrol at an age, deliver sessions, act on states.

Each intervention enrols the eligible people of a birth cohort in the week they reach its
start age (looked up in the engine's cohort index, so no week scans the population),
keeps the ids of those it enrolled, and each week touches only them. Effects act on
states and caregiving parameters (never on an outcome label); every draw uses streams
named after the intervention (``iv.<name>.*``), so arms of an experiment share all other
draws (common random numbers).

An intervention that the chosen arm does not deliver still runs in *measure-only* mode:
it judges eligibility and records the target state at the start and the end of the
treatment window (and any follow-ups), and draws nothing and changes nothing. Eligibility
is judged before any intervention acts, so every arm measures the same people, and the
achieved change in the target can be read as a difference between arms.

Caregiver-level interventions act on the ``cg_*`` parameters of exogenous caregivers
(``caregiver == -1``). Children of simulated parents (generation >= 1) have their
caregiving recomputed every week from the parent's state (M10), so they are not eligible.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import numpy.typing as npt

from ..adulthood.relief import ABSTINENT, REGULATORS, ReliefParams, compulsive
from ..assessments.strange_situation import INSECURE_CODES
from ..caregiving.profiles import CAREGIVING_PARAMETERS, PARAMETER_MAX, PROFILE_CODES, PROFILES
from ..core.columns import Column, count
from ..core.mechanism import Mechanism, f32, i32, owned
from ..core.rng import normals, uniforms
from ..core.state import StateSpec
from ..core.timeline import INFANCY_END_W, WEEKS_PER_YEAR, weeks
from ..development.infancy import infant_distress_rate, plasticity
from ..development.later import later_distress_rate
from . import specs as sp

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from ..scenarios.schema import Parameters

IDS = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


class Status(IntEnum):
    """Codes of an intervention's ``iv_<name>_status`` state."""

    NOT_ELIGIBLE = -1
    ELIGIBLE = 0  # eligible, not offered in this arm
    DECLINED = 1
    COMPLETED = 2
    DROPPED_OUT = 3


@dataclass
class Course:
    """The people a cohort enrolment found eligible, and which of them are still attending."""

    ids: IDS
    attending: npt.NDArray[np.bool_]
    start_step: int


def _get(sim: Simulation, name: str, ids: IDS) -> F64:
    return sim.pop[name][ids].astype(np.float64)


def _put(sim: Simulation, name: str, ids: IDS, value: F64) -> None:
    sim.pop[name][ids] = value.astype(sim.pop[name].dtype)


#: the states ``answered_episodes`` moves (an intervention that uses it declares them in ``writes``)
ANSWERED_STATES = ("regulation", "others_a", "self_worth", "resp_expect", "rebuff_expect", "soothed_total",
                   "episodes_total")
# The laws of an intervention's effects (each effect is one of these, with the intervention's own amount).

def _shift(sim: Simulation, name: str, ids: IDS, amount: float) -> None:
    """A 0-1 state raised by ``amount`` (clipped to 0-1), e.g. sensitivity by dose x d x SD."""
    _put(sim, name, ids, np.clip(_get(sim, name, ids) + amount, 0.0, 1.0))


def _scale(sim: Simulation, name: str, ids: IDS, reduction: float) -> None:
    """A state reduced by the share ``reduction`` (at most all of it), e.g. harm by dose x r."""
    _put(sim, name, ids, _get(sim, name, ids) * max(0.0, 1.0 - reduction))


def _safer_home(sim: Simulation, ids: IDS, reduction: float) -> None:
    """The caregiver's harm and the scheduled threat, both reduced by the share ``reduction``."""
    for name in ("cg_harm", "threat_intensity"):
        _scale(sim, name, ids, reduction)


def _toward_one(sim: Simulation, name: str, ids: IDS, gain: float) -> None:
    """A 0-1 state moved the share ``gain`` of the way to 1, e.g. regulation by dose x gain."""
    x = _get(sim, name, ids)
    _put(sim, name, ids, x + gain * (1.0 - x))


def answered_episodes(sim: Simulation, step: int, ids: IDS, episodes: float) -> None:
    """Add ``episodes`` distress episodes answered and soothed this week (a therapist or guided repair).

    They count as any soothed bid does in the weekly step (M3-M5), at the person's own
    plasticity: evidence that others answer (``others_a``), validation of the self, and
    co-regulated arousal that builds regulation; their weight within the week is their share
    of the week's expected episodes.
    """
    if ids.size == 0 or episodes <= 0:
        return
    p: Parameters = sim.scenario.parameters
    age = (step - sim.pop["birth_step"][ids]).astype(np.float64)
    plast = plasticity(age, p.development.plasticity_floor, p.development.plasticity_tau_years * WEEKS_PER_YEAR)
    infant = infant_distress_rate(age, p.distress.rate_newborn, p.distress.rate_late, p.distress.rate_tau_weeks)
    later = later_distress_rate(age, p.later.rate_child, p.later.rate_adult, p.later.rate_tau_years * WEEKS_PER_YEAR)
    expected = np.where(age < INFANCY_END_W, infant, later) * _get(sim, "reactivity", ids) * _get(
        sim, "stress_gain", ids)
    w = episodes / (episodes + expected)
    reg = _get(sim, "regulation", ids)
    _put(sim, "regulation", ids, np.clip(reg + plast * p.regulation.learning_rate * w * (1.0 - reg), 0.0, 1.0))
    _put(sim, "others_a", ids, _get(sim, "others_a", ids) + plast * episodes)
    sw = _get(sim, "self_worth", ids)
    _put(sim, "self_worth", ids, np.clip(sw + plast * p.working_models.self_worth_rate * w * (1.0 - sw), 0.0, 1.0))
    trk = p.strategies.tracker_rate
    r_exp = _get(sim, "resp_expect", ids)
    _put(sim, "resp_expect", ids, r_exp + trk * w * (1.0 - r_exp))
    _put(sim, "rebuff_expect", ids, _get(sim, "rebuff_expect", ids) * (1.0 - trk * w))
    for name in ("soothed_total", "episodes_total"):
        _put(sim, name, ids, _get(sim, name, ids) + episodes)


class Intervention(Mechanism):
    """Base of every intervention: enrolment, sessions, drop-out, target measurement."""

    target: ClassVar[str] = ""  # what ``measure`` returns, in words
    target_state: ClassVar[str] = ""  # the state ``measure`` returns, where the target is one state
    caregiver_level: ClassVar[bool] = False

    def __init__(self, spec: sp._Intervention, delivered: bool) -> None:
        super().__init__(spec.effects)
        self.spec = spec
        self.name = spec.name
        self.delivered = delivered
        self.start_w = max(1, weeks(months=spec.start_age_months))
        self.courses: list[Course] = []
        self.followups: dict[int, list[tuple[int, IDS]]] = {}

    # -- declared states
    def col(self, suffix: str) -> str:
        """The name of one of this intervention's states."""
        return f"iv_{self.name}_{suffix}"

    def extra_states(self) -> tuple[StateSpec, ...]:
        """States of a particular kind (besides the four every intervention has)."""
        return ()

    def declared(self) -> tuple[StateSpec, ...]:
        """Status, sessions, and the target at the start and the end of the treatment window."""
        return owned(
            f"iv_{self.name}",
            i32(self.col("status"), int(Status.NOT_ELIGIBLE), "code", f"{self.name}: -1 not eligible, 0 eligible (not "
                "offered in this arm), 1 declined, 2 completed, 3 dropped out (Status)."),
            f32(self.col("sessions"), 0.0, "sessions", f"{self.name}: sessions attended."),
            f32(self.col("baseline"), float("nan"), "see target", f"{self.name}: {self.target} at enrolment."),
            f32(self.col("target"), float("nan"), "see target",
                f"{self.name}: {self.target} at the end of the treatment window."),
            *self.extra_states(),
        )

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Integer records (status and the like); negative codes (not eligible, not yet followed up) are missing."""
        return tuple(count(s.name, "Int16", s.unit, s.meaning) for s in self.declared() if s.dtype == "i32")

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Check the eligibility state names once, when the first people are added."""
        for state in self.spec.eligibility.states:
            if state not in sim.layout:
                raise ValueError(f"interventions.{self.name}.eligibility.states: unknown state '{state}'; declared "
                                 f"states: {', '.join(sorted(sim.layout.specs))}.")

    # -- kind-specific behaviour
    def measure(self, sim: Simulation, ids: IDS) -> F64:
        """The target of each person: the state ``target_state`` unless a kind measures otherwise."""
        if not self.target_state:
            raise NotImplementedError
        return _get(sim, self.target_state, ids)

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Effects of one session on the attending people; ``dose`` is the share of a full course."""

    def weekly(self, sim: Simulation, step: int, ids: IDS) -> None:
        """Effects in every treatment week on the attending people (besides sessions)."""

    def enrolled(self, sim: Simulation, step: int, ids: IDS) -> None:
        """Extra records at enrolment for every eligible person (delivered or not)."""

    def ended(self, sim: Simulation, step: int, ids: IDS) -> None:
        """Extra records at the end of the treatment window for every eligible person."""

    def extra_eligible(self, sim: Simulation, ids: IDS) -> npt.NDArray[np.bool_]:
        """Kind-specific eligibility."""
        return np.ones(ids.size, dtype=bool)

    # -- the weekly hook
    def eligible(self, sim: Simulation, ids: IDS) -> npt.NDArray[np.bool_]:
        """Who of ``ids`` (reaching the start age now) may be enrolled."""
        pop, e = sim.pop, self.spec.eligibility
        ok = np.ones(ids.size, dtype=bool)
        if e.generation is not None:
            ok &= pop["generation"][ids] == e.generation
        threat = (pop["threat_intensity"][ids] > 0) & (pop["threat_end_w"][ids] > pop["threat_onset_w"][ids])
        depr = (pop["deprivation_intensity"][ids] > 0) & (
            pop["deprivation_end_w"][ids] > pop["deprivation_onset_w"][ids])
        ok &= {"any": np.ones(ids.size, dtype=bool), "threat": threat, "deprivation": depr,
               "threat_or_deprivation": threat | depr, "none": ~threat & ~depr}[e.exposure]
        for state, bound in e.states.items():
            value = pop[state][ids]
            if bound.min is not None:
                ok &= value >= bound.min
            if bound.max is not None:
                ok &= value <= bound.max
        if e.insecure_12m:
            ok &= np.isin(pop["ssp_12m"][ids], INSECURE_CODES)
        if e.compulsive:
            ok &= compulsive_mask(sim, ids).any(axis=0)
        if self.caregiver_level:
            ok &= pop["caregiver"][ids] < 0
        return ok & self.extra_eligible(sim, ids)

    def step(self, sim: Simulation, step: int) -> None:
        """Enrol the cohort reaching the start age; advance every running course; run follow-ups."""
        cohort = sim.completing(step, self.start_w)
        if cohort.size:
            self._enrol(sim, step, cohort.astype(np.int64))
        for course in list(self.courses):
            self._advance(sim, step, course)
        for kind, ids in self.followups.pop(step, ()):
            self.follow_up(sim, step, kind, ids)

    def follow_up(self, sim: Simulation, step: int, kind: int, ids: IDS) -> None:
        """A scheduled follow-up measurement (kind is an index chosen by the subclass)."""

    def _enrol(self, sim: Simulation, step: int, cohort: IDS) -> None:
        ids = cohort[self.eligible(sim, cohort)]
        if ids.size == 0:
            return
        pop = sim.pop
        pop[self.col("status")][ids] = Status.ELIGIBLE
        _put(sim, self.col("baseline"), ids, self.measure(sim, ids))
        self.enrolled(sim, step, ids)
        if self.delivered:
            start = uniforms(sim.seed, f"iv.{self.name}.uptake", step, ids) < self.spec.uptake
            pop[self.col("status")][ids] = np.where(start, Status.COMPLETED, Status.DECLINED).astype(np.int32)
        else:
            start = np.zeros(ids.size, dtype=bool)
        self.courses.append(Course(ids, start, step))

    def _advance(self, sim: Simulation, step: int, course: Course) -> None:
        spec = self.spec
        week = step - course.start_step
        n_weeks, n_sessions = spec.duration_weeks, spec.sessions
        if week > 0 and spec.completion < 1.0 and course.attending.any():
            hazard = 1.0 - spec.completion ** (1.0 / max(n_weeks - 1, 1))
            idx = np.nonzero(course.attending)[0]
            drop = uniforms(sim.seed, f"iv.{self.name}.dropout", step, course.ids[idx]) < hazard
            course.attending[idx[drop]] = False
            sim.pop[self.col("status")][course.ids[idx[drop]]] = Status.DROPPED_OUT
        attending = course.ids[course.attending]
        if attending.size:
            if (week + 1) * n_sessions // n_weeks > week * n_sessions // n_weeks:
                sim.pop[self.col("sessions")][attending] += np.float32(1.0)
                self.session(sim, step, attending, spec.fidelity * spec.strength / n_sessions)
            self.weekly(sim, step, attending)
        if week >= n_weeks - 1:
            _put(sim, self.col("target"), course.ids, self.measure(sim, course.ids))
            self.ended(sim, step, course.ids)
            self.courses.remove(course)


def compulsive_mask(sim: Simulation, ids: IDS) -> npt.NDArray[np.bool_]:
    """(regulators, people): who meets the M8 compulsive-use criterion for each regulator now."""
    relief: ReliefParams = sim.scenario.parameters.relief
    rows = []
    for t in REGULATORS:
        rows.append(compulsive(sim.pop[f"habit_{t}"][ids], sim.pop[f"recent_use_{t}"][ids],
                               sim.pop[f"use_state_{t}"][ids], relief.criterion_habit, relief.criterion_use))
    return np.array(rows, dtype=bool).reshape(len(REGULATORS), ids.size)


# ----------------------------------------------------------------------------- caregiving

class SensitivityTraining(Intervention):
    """Video-feedback sensitivity training: raises the caregiver's sensitivity (and, if set, availability)."""

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Raise sensitivity and availability; ease scheduled deprivation."""
        e = self.params
        assert isinstance(e, sp.SensitivityEffects)
        _shift(sim, "cg_sensitivity", ids, dose * e.sensitivity_d * e.sensitivity_sd)
        if e.availability_gain > 0:
            _shift(sim, "cg_availability", ids, dose * e.availability_gain)
        if e.deprivation_reduction > 0:
            _scale(sim, "deprivation_intensity", ids, dose * e.deprivation_reduction)
        if e.harm_reduction > 0:
            _scale(sim, "cg_harm", ids, dose * e.harm_reduction)


class ResponsivenessTraining(SensitivityTraining):
    """Responsiveness training for a neglecting caregiver: sensitivity, availability, less deprivation."""

    def measure(self, sim: Simulation, ids: IDS) -> F64:
        """Expected share of bids met and soothed by the caregiver."""
        dep_max = sim.scenario.parameters.response.deprivation_max
        dep = _get(sim, "deprivation_intensity", ids) * dep_max
        out: F64 = _get(sim, "cg_availability", ids) * _get(sim, "cg_sensitivity", ids) * (1.0 - dep) ** 2
        return out


class ChildParentPsychotherapy(Intervention):
    """CPP (Lieberman & Van Horn 2008): the parent's representations and the child's expectations, in joint sessions.

    The parent's representations of the child are reworked (fewer rebuffs), the parent's own
    trauma and the family's safety are worked on (less harm and scheduled threat), the parent's
    sensitivity rises, and in the joint sessions the child's distress is answered in guided repair
    episodes while the child's learned expectation of harm from the parent (``threat``) falls.
    """

    writes = ("cg_sensitivity", "cg_rejection", "cg_harm", "threat_intensity", "threat", *ANSWERED_STATES)

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """The parent's representations, sensitivity and safety; the child's expectations and repair episodes."""
        e = self.params
        assert isinstance(e, sp.ChildParentEffects)
        _scale(sim, "cg_rejection", ids, dose * e.representation_change)
        _shift(sim, "cg_sensitivity", ids, dose * e.sensitivity_d * e.sensitivity_sd)
        _safer_home(sim, ids, dose * e.harm_reduction)
        _scale(sim, "threat", ids, dose * e.expectation_change)
        answered_episodes(sim, step, ids, e.repair_episodes * self.spec.fidelity * self.spec.strength)


class ParentingSupport(Intervention):
    """Psychoeducational parenting intervention: less caregiver stress, a little more sensitivity, less harm."""

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Lower dysregulation and harm; raise sensitivity a little."""
        e = self.params
        assert isinstance(e, sp.ParentingSupportEffects)
        _scale(sim, "cg_dysregulation", ids, dose * e.dysregulation_reduction)
        _shift(sim, "cg_sensitivity", ids, dose * e.sensitivity_d * e.sensitivity_sd)
        _safer_home(sim, ids, dose * e.harm_reduction)


class Placement(Intervention):
    """Foster or adoptive placement: the caregiver is replaced by a new one drawn from a profile."""

    writes = ("profile", *(f"cg_{p}" for p in CAREGIVING_PARAMETERS), "cg_shift", "threat_end_w", "deprivation_end_w")

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Place the child: draw the new caregiver (own streams) and end the former home's adversity."""
        spec = self.spec
        assert isinstance(spec, sp.Placement)
        profile = PROFILES[spec.profile]
        pop = sim.pop
        pop["profile"][ids] = PROFILE_CODES[spec.profile]
        for param in CAREGIVING_PARAMETERS:
            mean, sd = profile.dist(param)
            value = mean + sd * normals(sim.seed, f"iv.{self.name}.caregiver.{param}", step, ids)
            _put(sim, f"cg_{param}", ids, np.clip(value, 0.0, PARAMETER_MAX[param]))
        pop["cg_shift"][ids] = 0.0
        effects = self.params
        assert isinstance(effects, sp.PlacementEffects)
        if effects.ends_adversity:
            age = (step - pop["birth_step"][ids]).astype(np.int32)
            for kind in ("threat", "deprivation"):
                pop[f"{kind}_end_w"][ids] = np.minimum(pop[f"{kind}_end_w"][ids], age)


# ----------------------------------------------------------------------------- the child or adult

class TraumaTherapy(Intervention):
    """TF-CBT or EMDR: trauma processing lowers stress sensitisation and threat; TF-CBT adds skills."""

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Process trauma; teach regulation skills."""
        e = self.params
        assert isinstance(e, sp.TraumaEffects)
        sg = _get(sim, "stress_gain", ids)
        _put(sim, "stress_gain", ids, 1.0 + (sg - 1.0) * max(0.0, 1.0 - dose * e.stress_gain_reduction))
        _scale(sim, "threat", ids, dose * e.threat_reduction)
        if e.regulation_skills > 0:
            _toward_one(sim, "regulation", ids, dose * e.regulation_skills)


class PlayTherapy(Intervention):
    """Play therapy and sensory integration: social cognition and self-worth of a deprived child."""

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Raise social cognition and self-worth."""
        e = self.params
        assert isinstance(e, sp.PlayEffects)
        _toward_one(sim, "social_cognition", ids, dose * e.social_cognition_gain)
        _toward_one(sim, "self_worth", ids, dose * e.self_worth_gain)


class Mindfulness(Intervention):
    """Mindfulness and somatic work: regulation rises modestly."""

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Raise regulation."""
        e = self.params
        assert isinstance(e, sp.MindfulnessEffects)
        _toward_one(sim, "regulation", ids, dose * e.regulation_gain)


class AttachmentTherapy(Intervention):
    """Attachment-focused depth psychotherapy: a corrective relationship that works on the working models.

    Each session is a meeting with a person who responds sensitively: distress episodes are
    answered, soothed and validated, and count as any answered bid does, at the person's own
    plasticity. The work on the working models themselves (S0-5: "profound changes in their psyche
    and nervous system") moves the anxious strategy and the model of self, the avoidant strategy
    and the model of others, and regulation by shares per full course that are *not* scaled by
    the person's age plasticity: the corrective relationship does not lose its effect in adulthood.
    After the course the states evolve by the model's own weekly learning again.
    """

    writes = (*ANSWERED_STATES, "hyperactivation", "deactivation", "others_b")

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """The therapist's answered episodes, then the work on the working models and on regulation."""
        e = self.params
        assert isinstance(e, sp.AttachmentTherapyEffects)
        answered_episodes(sim, step, ids, e.soothed_episodes * self.spec.fidelity * self.spec.strength)
        _scale(sim, "hyperactivation", ids, dose * e.anxiety_change)
        _toward_one(sim, "self_worth", ids, dose * e.anxiety_change)
        _scale(sim, "deactivation", ids, dose * e.avoidance_change)
        _scale(sim, "others_b", ids, dose * e.avoidance_change)
        _toward_one(sim, "regulation", ids, dose * e.regulation_gain)


class SymptomFocused(Intervention):
    """Relapse prevention, abstinence and skills: abstinence is started and lapses are caught while active.

    It acts on use and cues only (``use_state``, ``recent_use``, and the cue-triggered
    ``habit`` of the treated regulators), and its social-skills module on social cognition; it
    never changes the working models. It also
    records, for every eligible person in every arm, abstinence at the end of the treatment
    window and relapse within one and five years after it (``relapse_1y``, ``relapse_5y``:
    1 when the person was not abstinent from all treated regulators at the end, or used one
    of them again before the follow-up).
    """

    writes = (*(f"use_state_{t}" for t in REGULATORS), *(f"recent_use_{t}" for t in REGULATORS),
              *(f"habit_{t}" for t in REGULATORS), "social_cognition")
    FOLLOW_UPS = ((1, "relapse_1y"), (5, "relapse_5y"))

    def extra_states(self) -> tuple[StateSpec, ...]:
        """Treated regulators, relapse counts and follow-ups."""
        return (
            i32(self.col("regulators"), 0, "bit mask", "Regulators in compulsive use at enrolment (bit per "
                "regulator in attachsim.adulthood.relief.REGULATORS order)."),
            i32(self.col("relapses_seen"), 0, "count", "Relapses into the treated regulators counted so far."),
            i32(self.col("abstinent_end"), -1, "flag", "Abstinent from every treated regulator at the end."),
            *(i32(self.col(name), -1, "flag", f"Not abstinent at the end, or relapsed within {years} year"
                  f"{'s' if years > 1 else ''} after it.") for years, name in self.FOLLOW_UPS),
        )

    def extra_eligible(self, sim: Simulation, ids: IDS) -> npt.NDArray[np.bool_]:
        """Only people in compulsive use of some regulator can be treated for it."""
        return np.asarray(compulsive_mask(sim, ids).any(axis=0), dtype=np.bool_)

    def _mask(self, sim: Simulation, ids: IDS) -> npt.NDArray[np.bool_]:
        bits = sim.pop[self.col("regulators")][ids].astype(np.int64)
        out = np.zeros((len(REGULATORS), ids.size), dtype=np.bool_)
        for t in range(len(REGULATORS)):
            out[t] = ((bits >> t) & 1) == 1
        return out

    def _sum(self, sim: Simulation, ids: IDS, prefix: str) -> npt.NDArray[np.int64]:
        mask = self._mask(sim, ids)
        total = np.zeros(ids.size, dtype=np.int64)
        for t, r in enumerate(REGULATORS):
            total += np.where(mask[t], sim.pop[f"{prefix}{r}"][ids], 0).astype(np.int64)
        return total

    def _in_use(self, sim: Simulation, ids: IDS) -> npt.NDArray[np.bool_]:
        mask = self._mask(sim, ids)
        rows = [mask[t] & (sim.pop[f"use_state_{r}"][ids] != ABSTINENT) for t, r in enumerate(REGULATORS)]
        return np.array(rows, dtype=bool).reshape(len(REGULATORS), ids.size)

    def measure(self, sim: Simulation, ids: IDS) -> F64:
        """Share of the treated regulators in use (not abstinent)."""
        mask = self._mask(sim, ids)
        out: F64 = self._in_use(sim, ids).sum(axis=0) / np.maximum(mask.sum(axis=0), 1)
        return out

    def enrolled(self, sim: Simulation, step: int, ids: IDS) -> None:
        """Record the regulators in compulsive use (the treated ones) before the baseline is measured."""
        bits = np.zeros(ids.size, dtype=np.int32)
        for t, row in enumerate(compulsive_mask(sim, ids)):
            bits |= row.astype(np.int32) << t
        sim.pop[self.col("regulators")][ids] = bits
        sim.pop[self.col("relapses_seen")][ids] = self._sum(sim, ids, "relapses_").astype(np.int32)
        _put(sim, self.col("baseline"), ids, self.measure(sim, ids))

    def _abstain(self, sim: Simulation, ids: IDS) -> None:
        mask = self._mask(sim, ids)
        for t, r in enumerate(REGULATORS):
            who = ids[mask[t]]
            sim.pop[f"use_state_{r}"][who] = ABSTINENT
            sim.pop[f"recent_use_{r}"][who] = 0.0

    def session(self, sim: Simulation, step: int, ids: IDS, dose: float) -> None:
        """Cues and urges (habit), social skills, and a chance of abstinence (full course: abstinence x fidelity)."""
        e = self.params
        assert isinstance(e, sp.SymptomEffects)
        mask = self._mask(sim, ids)
        for t, r in enumerate(REGULATORS):
            _scale(sim, f"habit_{r}", ids[mask[t]], dose * e.cue_reduction)
        _toward_one(sim, "social_cognition", ids, dose * e.social_skills)
        using = ids[self._in_use(sim, ids).any(axis=0)]
        full = min(1.0, e.abstinence * self.spec.fidelity * self.spec.strength)
        per_session = 1.0 - (1.0 - full) ** (1.0 / self.spec.sessions)
        self._abstain(sim, using[uniforms(sim.seed, f"iv.{self.name}.abstinence", step, using) < per_session])

    def weekly(self, sim: Simulation, step: int, ids: IDS) -> None:
        """Catch lapses since last week: with ``lapse_catch`` the lapse is turned back into abstinence."""
        e = self.params
        assert isinstance(e, sp.SymptomEffects)
        now = self._sum(sim, ids, "relapses_")
        lapsed = ids[now > sim.pop[self.col("relapses_seen")][ids]]
        sim.pop[self.col("relapses_seen")][ids] = now.astype(np.int32)
        catch = min(1.0, e.lapse_catch * self.spec.fidelity * self.spec.strength)
        self._abstain(sim, lapsed[uniforms(sim.seed, f"iv.{self.name}.lapse", step, lapsed) < catch])

    def ended(self, sim: Simulation, step: int, ids: IDS) -> None:
        """Abstinence and relapse count at the end; schedule the follow-ups."""
        sim.pop[self.col("abstinent_end")][ids] = (~self._in_use(sim, ids).any(axis=0)).astype(np.int32)
        sim.pop[self.col("relapses_seen")][ids] = self._sum(sim, ids, "relapses_").astype(np.int32)
        for k, (years, _) in enumerate(self.FOLLOW_UPS):
            self.followups.setdefault(step + weeks(years=years), []).append((k, ids))

    def follow_up(self, sim: Simulation, step: int, kind: int, ids: IDS) -> None:
        """Relapse: not abstinent at the end, or a relapse since, or in use now."""
        kept = (sim.pop[self.col("abstinent_end")][ids] == 1) \
            & (self._sum(sim, ids, "relapses_") == sim.pop[self.col("relapses_seen")][ids]) \
            & ~self._in_use(sim, ids).any(axis=0)
        sim.pop[self.col(self.FOLLOW_UPS[kind][1])][ids] = (~kept).astype(np.int32)


KIND_CLASSES: dict[str, type[Intervention]] = {
    "sensitivity_training": SensitivityTraining,
    "responsiveness_training": ResponsivenessTraining,
    "child_parent_psychotherapy": ChildParentPsychotherapy,
    "parenting_support": ParentingSupport,
    "placement": Placement,
    "tf_cbt": TraumaTherapy,
    "emdr": TraumaTherapy,
    "play_therapy": PlayTherapy,
    "mindfulness": Mindfulness,
    "symptom_focused": SymptomFocused,
    "attachment_therapy": AttachmentTherapy,
}
