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

from ..core.params import DataFields, NoBoolNumbers, ParamModel, param

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
    generation: int | None = Field(0, ge=0, le=10, description="generation enrolled (None: any)")


class _Intervention(_Strict):
    """Fields shared by every intervention."""

    name: str = Field(pattern=NAME_PATTERN, description="identifier; states are named iv_<name>_*")
    label: str = Field("", max_length=200, description="free text shown in tables")
    start_age_months: float = Field(12.0, ge=0.0, le=720.0, description="age at which eligible people enrol")
    duration_weeks: int = Field(26, ge=1, le=520, description="weeks from the first to the last week of treatment")
    sessions: int = Field(12, ge=1, le=520, description="sessions offered, spread evenly over the duration")
    uptake: float = param(0.9, 0.0, 1.0, unit="share", meaning="Share of eligible people (or families) who start.",
                          source="assumption: most families offered a free programme in a trial start it")
    completion: float = param(0.8, 0.0, 1.0, unit="share", meaning="Share of starters who do not drop out "
                              "(constant weekly drop-out hazard).",
                              source="assumption: about one in five drop out of psychotherapy (Swift & Greenberg "
                              "2012 meta-analysis: 19.7%)")
    fidelity: float = param(0.9, 0.0, 1.0, unit="share", meaning="Share of the intended effect per session that "
                            "delivery achieves.", source="assumption: manualised delivery with supervision")
    strength: float = param(1.0, 0.0, 5.0, unit="multiplier", meaning="Scales every effect of the intervention "
                            "(1 = the default effect per full course).", source="assumption: 1 (the defaults)")
    eligibility: Eligibility = Eligibility()
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

    sensitivity_d: float = param(
        0.44, 0.0, 3.0, unit="Cohen's d", meaning="Rise of caregiver sensitivity per full course.",
        source="Bakermans-Kranenburg, van IJzendoorn & Juffer 2003 meta-analysis: interventions with video "
        "feedback d = 0.44 on parental sensitivity")
    sensitivity_sd: float = param(
        0.16, 0.01, 0.5, unit="0-1 scale", meaning="SD of caregiver sensitivity that converts d to the 0-1 scale.",
        source="community profile: SD 1.3 points on Ainsworth's 9-point scale (Ainsworth et al. 1978; "
        "NICHD ECCRN 1997)")
    availability_gain: float = param(
        0.0, 0.0, 1.0, unit="0-1", meaning="Rise of the caregiver's availability per full course.",
        source="assumption: 0 for sensitivity training (it targets the quality, not the amount, of care)")
    deprivation_reduction: float = param(
        0.0, 0.0, 1.0, unit="share", meaning="Share of scheduled deprivation intensity removed per full course.",
        source="assumption: 0 for sensitivity training")
    harm_reduction: float = param(
        0.0, 0.0, 1.0, unit="share", meaning="Share of frightening or harmful responses (cg_harm) removed per full "
        "course.", source="assumption: 0 for video-feedback sensitivity training, whose manual works on sensitive "
        "responding to the child's signals only (Juffer et al. 2008)")


class ResponsivenessEffects(SensitivityEffects):
    """Responsiveness training for a neglecting caregiver (attachment repair, ABC-like home visits)."""

    sensitivity_d: float = param(
        0.33, 0.0, 3.0, unit="Cohen's d", meaning="Rise of caregiver sensitivity per full course.",
        source="Bakermans-Kranenburg et al. 2003: all sensitivity interventions d = 0.33")
    availability_gain: float = param(
        0.15, 0.0, 1.0, unit="0-1", meaning="Rise of the caregiver's availability per full course.",
        source="assumption: responsiveness training asks the caregiver to notice and follow the child's signals "
        "(Dozier et al. 2006, ABC), so more episodes are met; no published d on availability")
    deprivation_reduction: float = param(
        0.5, 0.0, 1.0, unit="share", meaning="Share of scheduled deprivation intensity removed per full course.",
        source="assumption: half of the neglect stops while the family is supported")
    harm_reduction: float = param(
        0.25, 0.0, 1.0, unit="share", meaning="Share of frightening or harmful responses (cg_harm) removed per full "
        "course.", source="assumption: the third target of the ABC manual is frightening and intrusive behaviour "
        "(Dozier et al. 2006); a quarter, half the share assumed for CPP, which works on the parent's own trauma")


class ChildParentEffects(ParamModel):
    """Child-parent psychotherapy (CPP; DDP similar): the dyad together, with guided repair."""

    sensitivity_d: float = param(
        0.33, 0.0, 3.0, unit="Cohen's d", meaning="Rise of caregiver sensitivity per full course.",
        source="Bakermans-Kranenburg et al. 2003: all sensitivity interventions d = 0.33 (no CPP-specific d)")
    sensitivity_sd: float = param(0.16, 0.01, 0.5, unit="0-1 scale", meaning="SD that converts d to the 0-1 scale.",
                                  source="community profile (Ainsworth et al. 1978; NICHD ECCRN 1997)")
    harm_reduction: float = param(
        0.5, 0.0, 1.0, unit="share", meaning="Share of harm (caregiver harm and scheduled threat) removed per "
        "full course.", source="assumption: CPP works on the parent's own trauma and safety (Lieberman & Van Horn "
        "2008); no published effect on maltreatment rates")
    repair_episodes: float = param(
        3.0, 0.0, 20.0, unit="soothed episodes per session",
        meaning="Guided repair episodes in each session: distress answered and soothed with the therapist's help.",
        source="assumption: a weekly 60-minute joint session contains a few distress-repair sequences")
    representation_change: float = param(
        0.3, 0.0, 1.0, unit="share", meaning="Share of the caregiver's rejection of bids (cg_rejection) removed per "
        "full course: the parent's representations of the child (negative attributions, 'ghosts in the nursery') "
        "are linked to the parent's own history and reworked.",
        source="assumption: the CPP manual's first target is the parent's representations of the child and of the "
        "self as parent (Lieberman & Van Horn 2008); no published effect on a rejection scale")
    expectation_change: float = param(
        0.3, 0.0, 1.0, unit="share", meaning="Share of the child's learned expectation of harm (threat) removed per "
        "full course, in joint sessions where the parent is helped to respond safely.",
        source="assumption: a moderate share; in preschooler-parent psychotherapy maltreated children's maladaptive "
        "maternal representations declined and their mother-child relationship expectations became more positive "
        "(Toth et al. 2002)")


class ParentingSupportEffects(ParamModel):
    """Psychoeducational parenting intervention (home visits on parenting, stress and support)."""

    dysregulation_reduction: float = param(
        0.3, 0.0, 1.0, unit="share", meaning="Share of caregiver dysregulation (stress, depression) removed per "
        "full course.", source="assumption: home visiting lowers parenting stress modestly (no d on this scale)")
    sensitivity_d: float = param(
        0.2, 0.0, 3.0, unit="Cohen's d", meaning="Rise of caregiver sensitivity per full course.",
        source="assumption: below the d = 0.33 of sensitivity-focused programmes (Bakermans-Kranenburg et al. 2003), "
        "since sensitivity is not its focus")
    sensitivity_sd: float = param(0.16, 0.01, 0.5, unit="0-1 scale", meaning="SD that converts d to the 0-1 scale.",
                                  source="community profile (Ainsworth et al. 1978; NICHD ECCRN 1997)")
    harm_reduction: float = param(
        0.25, 0.0, 1.0, unit="share", meaning="Share of harm removed per full course.",
        source="assumption: half the effect assumed for CPP")


class PlacementEffects(ParamModel):
    """Foster or adoptive placement: a new caregiver drawn from a profile."""

    ends_adversity: bool = Field(True, description="scheduled threat and deprivation stop at placement "
                                 "(they belong to the former home)")


class TraumaEffects(ParamModel):
    """Trauma-focused therapy (TF-CBT, EMDR): trauma processing and, for TF-CBT, skills."""

    stress_gain_reduction: float = param(
        0.35, 0.0, 1.0, unit="share of excess", meaning="Share of stress sensitisation above 1 removed per full "
        "course.", source="assumption: a medium effect on hyperarousal, in the range of PTSD-symptom effects of "
        "TF-CBT (Cohen et al. 2004) and EMDR for children (Rodenburg et al. 2009: d = 0.56)")
    threat_reduction: float = param(
        0.35, 0.0, 1.0, unit="share", meaning="Share of the learned expectation of harm removed per full course "
        "(exposure and processing).", source="assumption: as stress_gain_reduction")
    regulation_skills: float = param(
        0.10, 0.0, 1.0, unit="share of the gap to 1", meaning="Rise of regulation towards 1 per full course "
        "(emotion-regulation skills).", source="assumption: TF-CBT teaches affect regulation (Cohen, Mannarino & "
        "Deblinger 2006); EMDR does not (0)")


class PlayEffects(ParamModel):
    """Play therapy and sensory integration for a deprived child."""

    social_cognition_gain: float = param(
        0.3, 0.0, 1.0, unit="share of the gap to 1", meaning="Rise of social cognition towards 1 per full course.",
        source="assumption: a large effect on the child's emotional and social development (Bratton et al. 2005 "
        "meta-analysis of play therapy: d = 0.80 over outcomes)")
    self_worth_gain: float = param(
        0.15, 0.0, 1.0, unit="share of the gap to 1", meaning="Rise of self-worth towards 1 per full course.",
        source="assumption: half the social-cognition effect")


class MindfulnessEffects(ParamModel):
    """Mindfulness and somatic work."""

    regulation_gain: float = param(
        0.10, 0.0, 1.0, unit="share of the gap to 1", meaning="Rise of regulation towards 1 per full course.",
        source="assumption: modest (MODEL M11); mindfulness-based programmes have small-to-medium effects on "
        "emotion regulation (Khoury et al. 2013)")


class SymptomEffects(ParamModel):
    """Relapse prevention, abstinence and social-skills training (symptom-focused addiction treatment)."""

    abstinence: float = param(
        0.6, 0.0, 1.0, unit="share", meaning="Chance that a full course brings a user into abstinence.",
        source="assumption: roughly half to two-thirds of treated users reach initial abstinence (Miller, Walters "
        "& Bennett 2001)")
    cue_reduction: float = param(
        0.25, 0.0, 1.0, unit="share", meaning="Share of the learned cue-triggered habit (habit_<regulator>) of the "
        "treated regulators removed per full course (identifying high-risk situations, coping with urges, cue "
        "exposure).", source="assumption: a modest share; relapse prevention teaches coping with cues and urges "
        "(Marlatt & Gordon 1985) and lowers craving, which carries part of its effect on use (Witkiewitz & Bowen "
        "2010), while cue exposure alone has shown little effect (Conklin & Tiffany 2002)")
    social_skills: float = param(
        0.1, 0.0, 1.0, unit="share of the gap to 1", meaning="Rise of social cognition towards 1 per full course "
        "(social-skills training: reading others, starting and keeping contact); it does not touch the working "
        "models.", source="assumption: a small share; social-skills training is one module of the programme "
        "(Monti et al. 2002)")
    lapse_catch: float = param(
        0.5, 0.0, 1.0, unit="share", meaning="While in treatment, chance that a lapse is caught and turned back "
        "into abstinence before it becomes a relapse (lower use and cue reactivity while active).",
        source="assumption: Marlatt & Gordon 1985 (lapse-relapse distinction); relapse prevention has a small "
        "overall effect on use (Irvin et al. 1999: r = .14)")


class AttachmentTherapyEffects(ParamModel):
    """Attachment-focused depth psychotherapy: a therapist who answers consistently, and work on the working models.

    The sessions' answered episodes update states at the person's plasticity, as any answered bid does; the
    work on the working models themselves (a corrective relationship, S0-5) is not scaled by age plasticity.
    Disorganisation (``conflict``) and learned threat are left alone: a year of transference-focused
    psychotherapy did not change the resolution of loss or trauma (Levy et al. 2006).
    """

    soothed_episodes: float = param(
        3.0, 0.0, 20.0, unit="episodes per session", meaning="Distress episodes that the therapist answers, "
        "soothes and validates in each session (they update working models and regulation at the person's "
        "plasticity, as any answered bid does).",
        source="assumption: a weekly session holds a few moments of distress met with attuned response")
    anxiety_change: float = param(
        0.3, 0.0, 1.0, unit="share", meaning="Per full course, share of hyperactivation removed and of the gap of "
        "self-worth to 1 closed (the model of self worked on in the relationship with the therapist); not scaled "
        "by the person's age plasticity.",
        source="assumption: a moderate share; across therapies attachment anxiety falls and security rises (Taylor "
        "et al. 2015 systematic review), and a year of transference-focused psychotherapy raised narrative "
        "coherence and reflective function (Levy et al. 2006)")
    avoidance_change: float = param(0.15, 0.0, 1.0, unit="share", meaning="Per full course, share of deactivation "
                                    "removed and of the evidence that others do not answer (others_b) reworked (the "
                                    "model of others); not scaled by age plasticity.",
                                    source="assumption: half of anxiety_change, because changes in attachment "
                                    "avoidance during therapy are unclear (Taylor et al. 2015)")
    regulation_gain: float = param(0.15, 0.0, 1.0, unit="share of the gap to 1", meaning="Rise of regulation towards "
                                   "1 per full course (affects named, tolerated and reflected on in session); not "
                                   "scaled by age plasticity.", source="assumption: above the 8-week mindfulness "
                                   "course's 0.10 for a year of weekly sessions; reflective "
                                   "function rose in a year of transference-focused psychotherapy (Levy et al. 2006)")


# ----------------------------------------------------------------------------- kinds

class SensitivityTraining(_Intervention):
    """Video-feedback sensitivity training for the caregiver of an infant (acts on exogenous caregivers)."""

    kind: Literal["sensitivity_training"]
    start_age_months: float = Field(4.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(16, ge=1, le=520)
    sessions: int = Field(6, ge=1, le=520, description="source: Juffer et al. 2008 (VIPP: 4 visits + 2 boosters)")
    effects: SensitivityEffects = SensitivityEffects()


class ResponsivenessTraining(_Intervention):
    """Responsiveness training for a neglecting caregiver (acts on exogenous caregivers)."""

    kind: Literal["responsiveness_training"]
    duration_weeks: int = Field(26, ge=1, le=520)
    sessions: int = Field(10, ge=1, le=520, description="source: Dozier et al. 2006 (ABC: 10 home sessions)")
    effects: ResponsivenessEffects = ResponsivenessEffects()


class ChildParentPsychotherapy(_Intervention):
    """Child-parent psychotherapy: caregiver sensitivity, less harm, and guided repair for the child."""

    kind: Literal["child_parent_psychotherapy"]
    start_age_months: float = Field(13.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(52, ge=1, le=520)
    sessions: int = Field(45, ge=1, le=520, description="assumption: weekly sessions for about a year "
                          "(Cicchetti, Rogosch & Toth 2006)")
    effects: ChildParentEffects = ChildParentEffects()


class ParentingSupport(_Intervention):
    """Psychoeducational parenting intervention (home visits)."""

    kind: Literal["parenting_support"]
    start_age_months: float = Field(13.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(52, ge=1, le=520)
    sessions: int = Field(45, ge=1, le=520, description="assumption: as child_parent_psychotherapy")
    effects: ParentingSupportEffects = ParentingSupportEffects()


class Placement(_Intervention):
    """Foster or adoptive placement: the caregiver is replaced by one drawn from a profile."""

    kind: Literal["placement"]
    profile: str = Field("foster", description="caregiver profile of the new home")
    duration_weeks: int = Field(1, ge=1, le=520)
    sessions: int = Field(1, ge=1, le=520)
    uptake: float = param(1.0, 0.0, 1.0, unit="share", meaning="Share of eligible children placed.",
                          source="assumption: randomised placement, every child in the arm is placed (as in BEIP)")
    completion: float = param(1.0, 0.0, 1.0, unit="share", meaning="Placements that hold (no disruption).",
                              source="assumption: no disruption")
    fidelity: float = param(1.0, 0.0, 1.0, unit="share", meaning="Unused for placement.", source="not applicable")
    effects: PlacementEffects = PlacementEffects()

    @model_validator(mode="after")
    def _known_profile(self) -> Placement:
        from ..caregiving.profiles import PROFILES

        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile '{self.profile}'; allowed: {', '.join(PROFILES)}")
        return self


class TfCbt(_Intervention):
    """Trauma-focused cognitive behavioural therapy."""

    kind: Literal["tf_cbt"]
    start_age_months: float = Field(96.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(16, ge=1, le=520)
    sessions: int = Field(12, ge=1, le=520, description="source: Cohen et al. 2004 (12 weekly sessions)")
    effects: TraumaEffects = TraumaEffects()


class Emdr(_Intervention):
    """Eye movement desensitisation and reprocessing (processing only, no skills module)."""

    kind: Literal["emdr"]
    start_age_months: float = Field(96.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(8, ge=1, le=520)
    sessions: int = Field(6, ge=1, le=520, description="assumption: child protocols of 4-8 sessions "
                          "(Rodenburg et al. 2009)")
    effects: TraumaEffects = TraumaEffects(regulation_skills=0.0)


class PlayTherapy(_Intervention):
    """Play therapy (with sensory integration) for a deprived child."""

    kind: Literal["play_therapy"]
    start_age_months: float = Field(48.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(26, ge=1, le=520)
    sessions: int = Field(20, ge=1, le=520, description="assumption: about 20 sessions (Bratton et al. 2005: "
                          "effects rise with sessions up to 35)")
    effects: PlayEffects = PlayEffects()


class Mindfulness(_Intervention):
    """Mindfulness and somatic work."""

    kind: Literal["mindfulness"]
    start_age_months: float = Field(360.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(8, ge=1, le=520)
    sessions: int = Field(8, ge=1, le=520, description="source: Kabat-Zinn 1990 (8-week MBSR)")
    effects: MindfulnessEffects = MindfulnessEffects()


class SymptomFocused(_Intervention):
    """Symptom-focused addiction treatment: relapse prevention, abstinence, social skills."""

    kind: Literal["symptom_focused"]
    start_age_months: float = Field(360.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(52, ge=1, le=520)
    sessions: int = Field(26, ge=1, le=520, description="assumption: an intensive phase then aftercare, 26 "
                          "sessions over a year")
    effects: SymptomEffects = SymptomEffects()


class AttachmentTherapy(_Intervention):
    """Attachment-focused depth psychotherapy."""

    kind: Literal["attachment_therapy"]
    start_age_months: float = Field(360.0, ge=0.0, le=720.0)
    duration_weeks: int = Field(52, ge=1, le=520)
    sessions: int = Field(40, ge=1, le=520, description="assumption: weekly sessions for a year less holidays")
    effects: AttachmentTherapyEffects = AttachmentTherapyEffects()


InterventionSpec = Annotated[
    SensitivityTraining | ResponsivenessTraining | ChildParentPsychotherapy | ParentingSupport | Placement | TfCbt
    | Emdr | PlayTherapy | Mindfulness | SymptomFocused | AttachmentTherapy,
    Field(discriminator="kind"),
]

KINDS = ("sensitivity_training", "responsiveness_training", "child_parent_psychotherapy", "parenting_support",
         "placement", "tf_cbt", "emdr", "play_therapy", "mindfulness", "symptom_focused", "attachment_therapy")
