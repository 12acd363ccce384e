"""The scenario schema of interventions (MODEL §6, M11): one strict pydantic model per kind.

Every intervention has the same delivery fields: eligibility (age, states, exposure), start
age, duration, dose in sessions, uptake, completion (drop-out), fidelity and a strength
multiplier; and an ``effects`` group of its own whose defaults cite the source of the direct
effect on the intervention's target, or state the assumption where no source gives one.
Effects act on states and caregiving parameters, never on an outcome label. Strengths are
not fitted to the downstream results of any trial (those are for validation).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..core.params import DataFields, NoBoolNumbers, ParamModel

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
EXPOSURES = ("any", "threat", "deprivation", "threat_or_deprivation", "none")


class _Strict(DataFields, NoBoolNumbers, BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bound(_Strict):
    """Bounds on one state at the start age (either may be left out)."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) must not exceed max ({self.max:g})")
        return self


class Eligibility(_Strict):
    """Who may be enrolled, judged in the week the start age is reached."""

    exposure: Literal["any", "threat", "deprivation", "threat_or_deprivation", "none"] = Field(
        "any", description="scheduled adversity the person must have had (or 'none': must not have had)")
    states: dict[str, Bound] = Field(
        default_factory=dict,
        description="bounds on states at the start age, e.g. {stress_gain: {min: 1.2}}; names are checked "
        "against the declared states when the simulation is built")
    compulsive: bool = Field(False, description="must meet the M8 compulsive-use criterion for a regulator now")
    insecure_12m: bool = Field(False, description="must have been classified insecure (A, C or D) at 12 months")
    generation: int | None


class _Intervention(_Strict):
    """Fields shared by every intervention."""

    name: str = Field(pattern=NAME_PATTERN, description="identifier; states are named iv_<name>_*")
    label: str = Field("", max_length=200, description="free text shown in tables")
    start_age_months: float
    duration_weeks: int
    sessions: int
    uptake: float
    completion: float
    fidelity: float
    strength: float
    eligibility: Eligibility = Eligibility.defaults()
    effects: ParamModel = Field(description="the kind's effect parameters (each kind narrows the type)")

    @model_validator(mode="after")
    def _sessions_fit(self) -> _Intervention:
        if self.sessions > self.duration_weeks:
            raise ValueError(f"sessions ({self.sessions}) must not exceed duration_weeks ({self.duration_weeks}); "
                             "at most one session a week")
        return self


# ----------------------------------------------------------------------------- effects

class SensitivityEffects(ParamModel):
    """Video-feedback sensitivity training of the caregiver (VIPP)."""

    sensitivity_d: float
    sensitivity_sd: float
    availability_gain: float
    deprivation_reduction: float
    harm_reduction: float


class ResponsivenessEffects(SensitivityEffects):
    """Responsiveness training for a neglecting caregiver (attachment repair, ABC-like home visits)."""

    sensitivity_d: float
    availability_gain: float
    deprivation_reduction: float
    harm_reduction: float


class ChildParentEffects(ParamModel):
    """Child-parent psychotherapy (CPP; DDP similar): the dyad together, with guided repair."""

    sensitivity_d: float
    sensitivity_sd: float
    harm_reduction: float
    repair_episodes: float
    representation_change: float
    expectation_change: float


class ParentingSupportEffects(ParamModel):
    """Psychoeducational parenting intervention (home visits on parenting, stress and support)."""

    dysregulation_reduction: float
    sensitivity_d: float
    sensitivity_sd: float
    harm_reduction: float


class PlacementEffects(ParamModel):
    """Foster or adoptive placement: a new caregiver drawn from a profile."""

    ends_adversity: bool = Field(True, description="scheduled threat and deprivation stop at placement "
                                 "(they belong to the former home)")


class TraumaEffects(ParamModel):
    """Trauma-focused therapy (TF-CBT, EMDR): trauma processing and, for TF-CBT, skills."""

    stress_gain_reduction: float
    threat_reduction: float
    regulation_skills: float


class PlayEffects(ParamModel):
    """Play therapy and sensory integration for a deprived child."""

    social_cognition_gain: float
    self_worth_gain: float


class MindfulnessEffects(ParamModel):
    """Mindfulness and somatic work."""

    regulation_gain: float


class SymptomEffects(ParamModel):
    """Relapse prevention, abstinence and social-skills training (symptom-focused addiction treatment)."""

    abstinence: float
    cue_reduction: float
    social_skills: float
    lapse_catch: float


class AttachmentTherapyEffects(ParamModel):
    """Attachment-focused depth psychotherapy: a therapist who answers consistently, and work on the working models.

    The sessions' answered episodes update states at the person's plasticity, as any answered bid does; the
    work on the working models themselves (a corrective relationship, S0-5) is not scaled by age plasticity.
    Disorganisation (``conflict``) and learned threat are left alone: a year of transference-focused
    psychotherapy did not change the resolution of loss or trauma (Levy et al. 2006).
    """

    soothed_episodes: float
    anxiety_change: float
    avoidance_change: float
    regulation_gain: float


# ----------------------------------------------------------------------------- kinds

class SensitivityTraining(_Intervention):
    """Video-feedback sensitivity training for the caregiver of an infant (acts on exogenous caregivers)."""

    kind: Literal["sensitivity_training"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: SensitivityEffects = SensitivityEffects.defaults()


class ResponsivenessTraining(_Intervention):
    """Responsiveness training for a neglecting caregiver (acts on exogenous caregivers)."""

    kind: Literal["responsiveness_training"]
    duration_weeks: int
    sessions: int
    effects: ResponsivenessEffects = ResponsivenessEffects.defaults()


class ChildParentPsychotherapy(_Intervention):
    """Child-parent psychotherapy: caregiver sensitivity, less harm, and guided repair for the child."""

    kind: Literal["child_parent_psychotherapy"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: ChildParentEffects = ChildParentEffects.defaults()


class ParentingSupport(_Intervention):
    """Psychoeducational parenting intervention (home visits)."""

    kind: Literal["parenting_support"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: ParentingSupportEffects = ParentingSupportEffects.defaults()


class Placement(_Intervention):
    """Foster or adoptive placement: the caregiver is replaced by one drawn from a profile."""

    kind: Literal["placement"]
    profile: str = Field("foster", description="caregiver profile of the new home")
    duration_weeks: int
    sessions: int
    uptake: float
    completion: float
    fidelity: float
    effects: PlacementEffects = PlacementEffects.defaults()

    @model_validator(mode="after")
    def _known_profile(self) -> Placement:
        from ..caregiving.profiles import PROFILES

        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile '{self.profile}'; allowed: {', '.join(PROFILES)}")
        return self


class TfCbt(_Intervention):
    """Trauma-focused cognitive behavioural therapy."""

    kind: Literal["tf_cbt"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: TraumaEffects = TraumaEffects.defaults()


class Emdr(_Intervention):
    """Eye movement desensitisation and reprocessing (processing only, no skills module)."""

    kind: Literal["emdr"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: TraumaEffects = TraumaEffects.defaults(regulation_skills=0.0)


class PlayTherapy(_Intervention):
    """Play therapy (with sensory integration) for a deprived child."""

    kind: Literal["play_therapy"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: PlayEffects = PlayEffects.defaults()


class Mindfulness(_Intervention):
    """Mindfulness and somatic work."""

    kind: Literal["mindfulness"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: MindfulnessEffects = MindfulnessEffects.defaults()


class SymptomFocused(_Intervention):
    """Symptom-focused addiction treatment: relapse prevention, abstinence, social skills."""

    kind: Literal["symptom_focused"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: SymptomEffects = SymptomEffects.defaults()


class AttachmentTherapy(_Intervention):
    """Attachment-focused depth psychotherapy."""

    kind: Literal["attachment_therapy"]
    start_age_months: float
    duration_weeks: int
    sessions: int
    effects: AttachmentTherapyEffects = AttachmentTherapyEffects.defaults()


InterventionSpec = Annotated[
    SensitivityTraining | ResponsivenessTraining | ChildParentPsychotherapy | ParentingSupport | Placement | TfCbt
    | Emdr | PlayTherapy | Mindfulness | SymptomFocused | AttachmentTherapy,
    Field(discriminator="kind"),
]

KINDS = ("sensitivity_training", "responsiveness_training", "child_parent_psychotherapy", "parenting_support",
         "placement", "tf_cbt", "emdr", "play_therapy", "mindfulness", "symptom_focused", "attachment_therapy")
