"""The scenario format: one pydantic schema, strict (unknown keys are errors)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..adulthood.parenting import ParentingParams
from ..adulthood.relationships import PartnerParams
from ..adulthood.relief import ReliefParams
from ..assessments.lifespan import LifespanAssessmentParams
from ..assessments.strange_situation import StrangeSituationParams
from ..caregiving.profiles import CAREGIVING_PARAMETERS, PARAMETER_MAX, PROFILES
from ..core.params import NoBoolNumbers
from ..development.infancy import (
    DevelopmentParams,
    DistressParams,
    PathwayParams,
    RegulationParams,
    ResponseParams,
    StrategyParams,
    WorkingModelParams,
)
from ..development.later import LaterParams, LifeEventParams, RelationshipParams
from ..development.liability import LiabilityParams
from ..interventions.specs import InterventionSpec
from .experiment import Arm, Outcome, check_experiment

MAX_YEARS = 200.0
MAX_PEOPLE = 50_000_000
#: Oldest age the model covers (MODEL: "ages from 0 to at least 60 years"; adult instruments to 60).
MAX_AGE_YEARS = 60.0
#: Latest age of childbearing in the parenting mechanism (women give birth between 18 and 45).
LATEST_BIRTH_AGE_YEARS = 45.0


def max_years(generations: int) -> float:
    """Longest run the model covers: the last generation (born at most 45 years after its parents) reaches 60."""
    return min(MAX_YEARS, MAX_AGE_YEARS + LATEST_BIRTH_AGE_YEARS * (generations - 1))


class Strict(NoBoolNumbers, BaseModel):
    """Base: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Distribution(Strict):
    """Mean and SD of a caregiving parameter (normal, clipped to the parameter's range)."""

    mean: float = Field(ge=0.0, le=1.0)
    sd: float = Field(0.0, ge=0.0, le=0.5)


class CaregiverOverrides(Strict):
    """Replace a profile's distribution of any of the six caregiving parameters."""

    availability: Distribution | None = None
    sensitivity: Distribution | None = None
    inconsistency: Distribution | None = None
    rejection: Distribution | None = None
    harm: Distribution | None = None
    dysregulation: Distribution | None = None

    @model_validator(mode="after")
    def _within_max(self) -> CaregiverOverrides:
        for name in CAREGIVING_PARAMETERS:
            dist = getattr(self, name)
            if dist is not None and dist.mean > PARAMETER_MAX[name]:
                raise ValueError(
                    f"{name}.mean must be between 0 and {PARAMETER_MAX[name]}; got {dist.mean}"
                )
        return self


class SesRisk(Strict):
    """Cumulative socioeconomic risk (Cyr et al. 2010): raises caregiver dysregulation, no harm.

    Each risk (poverty, single parenthood, low education, adolescent parenthood, minority
    stress, substance use in the home, ...) adds ``dysregulation_per_risk`` to the
    caregiver's dysregulation and removes ``sensitivity_per_risk`` from sensitivity.
    """

    risks: int = Field(0, ge=0, le=10, description="number of co-occurring socioeconomic risks")
    share: float = Field(1.0, ge=0.0, le=1.0, description="share of the population with these risks")
    dysregulation_per_risk: float = Field(
        0.07, ge=0.0, le=0.5,
        description="source: calibrated to Cyr et al. 2010 (high-risk, not maltreated: fewer secure and more D, "
                    "d = .48 each, read at 2 risks; five risks: more D, d = 1.20); risks accumulate in parental "
                    "stress (Sameroff 1987)",
    )
    sensitivity_per_risk: float = Field(
        0.04, ge=0.0, le=0.2,
        description="source: calibrated with dysregulation_per_risk to Cyr et al. 2010; SES relates only "
                    "modestly to sensitivity (NICHD ECCRN 1997)",
    )


class AdversitySchedule(Strict):
    """One dimension of adversity (threat or deprivation) over a window of age."""

    onset_months: float = Field(0.0, ge=0.0, le=720.0)
    duration_months: float = Field(24.0, ge=0.0, le=720.0)
    intensity: float = Field(0.5, ge=0.0, le=1.0, description="mean intensity among the exposed")
    intensity_spread: float = Field(
        0.6, ge=0.0, le=2.0,
        description="SD of log intensity among the exposed (lognormal, mean kept); source: rationale, maltreatment "
        "varies widely in severity and chronicity (Manly et al. 2001)",
    )
    share: float = Field(1.0, ge=0.0, le=1.0, description="share of the population exposed")


class Adversity(Strict):
    """Threat (active harm) and deprivation (absent input), McLaughlin & Sheridan 2016."""

    threat: AdversitySchedule | None = None
    deprivation: AdversitySchedule | None = None


class Caregiving(Strict):
    """Who cares for the first generation: one profile or a mixture, plus overrides."""

    profile: str | None = "community"
    mixture: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] | None = None
    overrides: CaregiverOverrides = CaregiverOverrides()
    ses_risk: SesRisk = SesRisk()

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str | None) -> str | None:
        if value is not None and value not in PROFILES:
            raise ValueError(f"unknown profile '{value}'; allowed: {', '.join(PROFILES)}")
        return value

    @field_validator("mixture")
    @classmethod
    def _known_mixture(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return value
        for name in value:
            if name not in PROFILES:
                raise ValueError(f"unknown profile '{name}' in mixture; allowed: {', '.join(PROFILES)}")
        total = sum(value.values())
        if not value or abs(total - 1.0) > 1e-6:
            raise ValueError(f"mixture weights must sum to 1; got {total:g}")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Caregiving:
        if self.mixture is not None:
            self.profile = None
        return self

    def weights(self) -> dict[str, float]:
        """Profile weights (a single profile has weight 1)."""
        if self.mixture is not None:
            return dict(self.mixture)
        return {self.profile or "community": 1.0}


class PopulationSpec(Strict):
    """Size and composition of the first generation."""

    n: int = Field(20_000, ge=1, le=MAX_PEOPLE)
    female_share: float = Field(
        0.488, ge=0.0, le=1.0, description="source: sex ratio at birth about 105 boys per 100 girls (WHO)"
    )
    generations: int = Field(1, ge=1, le=5, description="generations simulated (1: no births)")
    fertility: float = Field(
        1.8, ge=0.0, le=5.0,
        description="children per woman of a parenting generation; source: OECD 2022 (about 1.6-1.9)",
    )


class StrangeSituationSpec(Strict):
    """When the Strange Situation is run."""

    ages_months: list[Annotated[int, Field(ge=12, le=26)]] = [12]

    @field_validator("ages_months")
    @classmethod
    def _allowed_ages(cls, value: list[int]) -> list[int]:
        for age in value:
            if age not in (12, 18, 26):
                raise ValueError(f"the Strange Situation is run at 12 or 18 months (or at 26 months, the "
                                 f"follow-up age of Cicchetti, Rogosch & Toth 2006); got {age}")
        if 12 not in value:
            raise ValueError("the Strange Situation at 12 months is required (it gives ssp_12m)")
        return sorted(set(value))


class PreschoolSpec(Strict):
    """The separation-reunion procedure in early childhood (Main & Cassidy 1988), 4-way A/B/C/D."""

    ages_years: list[Annotated[int, Field(ge=3, le=7)]] = [5]
    ages_months: list[Annotated[int, Field(ge=30, le=84)]] = Field(
        default_factory=list, description="further ages in months (e.g. 42, the BEIP follow-up; Smyke et al. 2010)")


class ChecklistSpec(Strict):
    """The child behaviour-signs checklist (ages 3-12)."""

    ages_years: list[Annotated[int, Field(ge=3, le=12)]] = [4, 8]


class AdultSpec(Strict):
    """The adult instruments (ECR-R form, adult-interview form, intimacy fears, adult indices)."""

    ages_years: list[Annotated[int, Field(ge=18, le=60)]] = [18, 25, 35]


class Assessments(Strict):
    """Assessments and their ages (ages beyond the simulated years are skipped)."""

    strange_situation: StrangeSituationSpec = StrangeSituationSpec()
    preschool_reunion: PreschoolSpec = PreschoolSpec()
    checklist: ChecklistSpec = ChecklistSpec()
    adult: AdultSpec = AdultSpec()


class RegulatorAccess(Strict):
    """Access to each regulator (0 none, 1 full): scales the chance of weekly use."""

    alcohol: float = Field(1.0, ge=0.0, le=1.0)
    drugs: float = Field(0.6, ge=0.0, le=1.0, description="source: rationale, illicit drugs are harder to obtain")
    food: float = Field(1.0, ge=0.0, le=1.0)
    sex: float = Field(1.0, ge=0.0, le=1.0)
    love: float = Field(1.0, ge=0.0, le=1.0)


class Regulators(Strict):
    """Compulsive relief-seeking (M8): which regulators are within reach."""

    access: RegulatorAccess = RegulatorAccess()


class Parameters(Strict):
    """Model parameters, by mechanism (defaults cite their sources)."""

    development: DevelopmentParams = DevelopmentParams.defaults()
    distress: DistressParams = DistressParams.defaults()
    response: ResponseParams = ResponseParams.defaults()
    regulation: RegulationParams = RegulationParams.defaults()
    working_models: WorkingModelParams = WorkingModelParams.defaults()
    strategies: StrategyParams = StrategyParams.defaults()
    pathways: PathwayParams = PathwayParams.defaults()
    later: LaterParams = LaterParams.defaults()
    life_events: LifeEventParams = LifeEventParams.defaults()
    liability: LiabilityParams = LiabilityParams.defaults()
    relationships: RelationshipParams = RelationshipParams.defaults()
    relief: ReliefParams = ReliefParams.defaults()
    partners: PartnerParams = PartnerParams.defaults()
    parenting: ParentingParams = ParentingParams.defaults()
    strange_situation: StrangeSituationParams = StrangeSituationParams.defaults()
    lifespan_assessments: LifespanAssessmentParams = LifespanAssessmentParams.defaults()


class Scenario(Strict):
    """A complete, validated scenario."""

    name: str = Field("custom", min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = Field("", max_length=2000)
    years: float = Field(40.0, gt=0.0, le=MAX_YEARS, description="years simulated from birth")
    population: PopulationSpec = PopulationSpec()
    caregiving: Caregiving = Caregiving()
    adversity: Adversity = Adversity()
    regulators: Regulators = Regulators()
    assessments: Assessments = Assessments()
    parameters: Parameters = Parameters()
    interventions: list[InterventionSpec] = Field(default_factory=list, description="M11 interventions (by kind)")
    arms: list[Arm] = Field(default_factory=list, description="experiment arms sharing one population (CRN)")
    arm: str | None = Field(None, description="the arm a single run simulates (default: the control arm)")
    outcomes: list[Outcome] = Field(default_factory=list, description="outcomes compared across arms")

    @model_validator(mode="after")
    def _experiment(self) -> Scenario:
        check_experiment([iv.name for iv in self.interventions], self.arms, self.arm, self.outcomes)
        return self

    @model_validator(mode="after")
    def _within_lifespan(self) -> Scenario:
        gens = self.population.generations
        limit = max_years(gens)
        if self.years > limit:
            raise ValueError(
                f"years must be at most {limit:g} with {gens} generation{'s' if gens > 1 else ''} (the model covers "
                f"ages 0 to {MAX_AGE_YEARS:g}; each further generation adds {LATEST_BIRTH_AGE_YEARS:g} years, the "
                f"latest age of childbearing); got {self.years:g}"
            )
        return self

    @model_validator(mode="after")
    def _long_enough(self) -> Scenario:
        need = max(self.assessments.strange_situation.ages_months) / 12.0
        if self.years < need:
            raise ValueError(
                f"years must be at least {need:g} to reach the Strange Situation at "
                f"{max(self.assessments.strange_situation.ages_months)} months; got {self.years:g}"
            )
        return self
