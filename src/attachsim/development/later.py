"""Childhood, adolescence and adulthood (MODEL §6 M6-M7): the same learning at falling plasticity.

After infancy the weekly step keeps running the mechanisms M1-M6, now with the
attachment figure of each age: the caregiver until 18 (whose sensitivity drifts slowly
as family circumstances change, and who is disrupted for a while by divorce or
separation), then close others in adulthood (friends and partners; M9 replaces them
with simulated partners). Because plasticity never reaches zero, security can be lost
after adversity and earned after good experience (Roisman et al. 2002; Waters et al.
2000). The exposure ledger records the adverse childhood experiences of the ACE study.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, Reader
from ..core.laws import clip, kernel_law
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import uniforms
from ..core.timeline import INFANCY_END_W, WEEKS_PER_YEAR, YEAR_W, weeks
from .infancy import model_of_others

if TYPE_CHECKING:
    from ..core.engine import Simulation

#: The ten categories of the ACE study's count, in the order of the people table's ``ace_<name>`` columns.
ACE_CATEGORIES = ("emotional_abuse", "physical_abuse", "sexual_abuse", "emotional_neglect", "physical_neglect",
                  "violence", "substance", "mental_illness", "divorce", "incarceration")

ACE_CAL = ("calibrated by attachsim calibrate to the ACE study prevalences (general-population scenario, seed 1000; "
           "docs/calibration.md); ")


class LaterParams(ParamModel):
    """Distress and caregiving after infancy."""

    rate_child: float = param(
        6.0, 0.0, 60.0, unit="episodes/week", meaning="Distress episodes per week at age 2 (average reactivity).",
        source="rationale: toddlers' distress bouts are fewer than infants' but frequent (Kopp 1989)",
    )
    rate_adult: float = param(
        4.0, 0.0, 60.0, unit="episodes/week",
        meaning="Stressful episodes per week in adulthood in which one turns to close others.",
        source="rationale: daily hassles several times a week (Almeida 2005)",
    )
    rate_tau_years: float = param(
        6.0, 0.1, 50.0, unit="years", meaning="Time constant of the fall from the childhood to the adult rate.",
        source="rationale",
    )
    drift_sd: float = param(
        0.10, 0.0, 0.5, unit="sensitivity SD",
        meaning="Stationary SD of the slow drift of caregiver sensitivity over childhood.",
        source="rationale: caregiving quality is moderately stable across childhood (NICHD ECCRN 1999; "
        "Dallaire & Weinraub 2005); discontinuity in attachment follows changes in caregiving (Waters et al. 2000)",
    )
    drift_years: float = param(
        4.0, 0.1, 50.0, unit="years", meaning="Memory (time constant) of the caregiving drift.", source="rationale",
    )


class LifeEventParams(ParamModel):
    """Family events in childhood and the ACE ledger."""

    divorce_per_year: float = param(
        0.016, 0.0, 0.5, unit="per year",
        meaning="Yearly probability that parents separate (about 25% by 18).",
        source="Felitti et al. 1998; Dong et al. 2004 (parental separation or divorce in 23% of the ACE cohort)",
    )
    divorce_dysregulation: float = param(
        0.30, 0.0, 1.0, unit="added dysregulation",
        meaning="Caregiver dysregulation added during a family disruption.",
        source="rationale: Amato 2000 (divorce raises parental distress for one to two years)",
    )
    divorce_availability: float = param(
        0.20, 0.0, 1.0, unit="share of availability lost", meaning="Availability lost during a family disruption.",
        source="rationale: Amato 2000",
    )
    disruption_weeks: float = param(
        52.0, 0.0, 520.0, unit="weeks", meaning="Length of a family disruption.", source="Amato 2000",
    )
    incarceration_per_year: float = param(
        0.0027, 0.0, 0.1, unit="per year", meaning="Yearly probability that a household member is incarcerated.",
        source="Dong et al. 2004 (incarcerated household member in 4.7% of the ACE cohort)",
    )
    household_substance_per_year: float = param(
        0.0125, 0.0, 0.2, unit="per year",
        meaning="Yearly probability that substance use by a household member begins, for people whose parent "
        "is not simulated (the first generation), in homes without abuse. Recorded in the ACE ledger only: it "
        "does not change the simulated care. Children of simulated parents record a parent's compulsive use "
        "instead (M10).",
        source="Dong et al. 2004 (household substance abuse in 27% of the ACE cohort); the base rate, for "
        "homes without abuse, is set so that about 27% of the general-population scenario record it",
    )
    household_substance_abuse_rr: float = param(
        2.0, 1.0, 10.0, unit="hazard ratio",
        meaning="Household substance use begins this many times as often in homes where the child is abused "
        "(threat exposure).",
        source="Dong et al. 2004 (ACE categories co-occur: household substance abuse raises the odds of each "
        "abuse category about 2-3-fold); rationale for the value",
    )
    loss_by_18: float = param(
        0.07, 0.0, 1.0, unit="share of people",
        meaning="Share who lose a parent or sibling to death before 18 (constant yearly hazard from birth). "
        "Recorded in the ledger only (it does not change the simulated care); the adult interview's U code "
        "needs a loss or an abuse in the person's history.",
        source="Judi's House/JAG Institute 2020, Childhood Bereavement Estimation Model (US: 1 in 14 children "
        "lose a parent or sibling before 18)",
    )
    loss_by_25: float = param(
        0.18, 0.0, 1.0, unit="share of people",
        meaning="Share who have lost a parent or sibling by 25 (the yearly hazard after 18 is set from it and "
        "loss_by_18, and kept after 25).",
        source="Judi's House/JAG Institute 2020 (the number bereaved of a parent or sibling 'nearly triples' "
        "from 18 to 25: 5.2 to 13.2 million, 2.5 times 7%)",
    )
    emotional_abuse_share: float = param(
        0.0069, 0.0, 1.0, unit="probability per harm event",
        meaning="Chance that a harm event is recorded as emotional abuse.",
        source=ACE_CAL + "abuse types co-occur (Dong et al. 2004)",
    )
    physical_abuse_share: float = param(
        0.049, 0.0, 1.0, unit="probability per harm event",
        meaning="Chance that a harm event is recorded as physical abuse.",
        source=ACE_CAL + "abuse types co-occur (Dong et al. 2004)",
    )
    sexual_abuse_share: float = param(
        0.025, 0.0, 1.0, unit="probability per harm event",
        meaning="Chance that a harm event is recorded as sexual abuse.",
        source=ACE_CAL + "abuse types co-occur (Dong et al. 2004)",
    )
    violence_per_harm_week: float = param(
        0.008, 0.0, 1.0, unit="probability per week with harm",
        meaning="Chance that a week with harm also exposes the child to violence against the mother.",
        source="calibrated by hand (general-population, seed 1) to Dong et al. 2004: mother treated violently "
        "in 12.7% of the ACE cohort",
    )
    neglect_response_threshold: float = param(
        0.129, 0.0, 1.0, unit="expected share of bids answered",
        meaning="Childhood weeks below this expected response count toward emotional neglect.",
        source=ACE_CAL.rstrip("; "),
    )
    mental_illness_threshold: float = param(
        0.5, 0.0, 1.0, unit="caregiver dysregulation",
        meaning="Caregiver dysregulation that counts as household mental illness.", source="rationale",
    )
    severe_deprivation: float = param(
        0.5, 0.0, 1.0, unit="deprivation intensity",
        meaning="Deprivation intensity from which a childhood week counts toward physical neglect.",
        source="rationale: physical neglect is severe deprivation (McLaughlin & Sheridan 2016)",
    )
    emotional_neglect_weeks: float = param(
        52.0, 1.0, 520.0, unit="weeks",
        meaning="Childhood weeks with little response expected (below neglect_response_threshold) that count as "
        "emotional neglect in the ACE count.",
        source="rationale: neglect is chronic (a year of it); the response threshold was calibrated with this value",
    )
    physical_neglect_weeks: float = param(
        26.0, 1.0, 520.0, unit="weeks",
        meaning="Weeks of severe deprivation before 18 that count as physical neglect in the ACE count.",
        source="rationale: neglect is chronic (half a year of severe deprivation)",
    )


class RelationshipParams(ParamModel):
    """Close others in adulthood (placeholder for M9 partners)."""

    close_availability: float = param(
        0.75, 0.0, 1.0, unit="share", meaning="Share of stressful episodes at which a close other is there.",
        source="rationale",
    )
    close_sensitivity_mean: float = param(
        0.55, 0.0, 1.0, unit="0-1", meaning="Mean responsiveness of chosen close others.", source="rationale",
    )
    close_security_weight: float = param(
        0.30, 0.0, 2.0, unit="per unit security",
        meaning="How much one's own security raises the responsiveness of the close others one chooses "
        "(re-enactment, S0-7).",
        source="Hayden (seed 0, S0-7); Holmes & Johnson 2009 (partner choice by attachment)",
    )
    close_sensitivity_sd: float = param(
        0.15, 0.0, 0.5, unit="0-1", meaning="SD of close others' responsiveness.", source="rationale",
    )
    close_rejection: float = param(
        0.08, 0.0, 1.0, unit="probability per bid", meaning="Chance that a close other rebuffs a bid.",
        source="rationale",
    )
    figure_inconsistency_share: float = param(
        0.5, 0.0, 1.0, unit="share of the caregiver's inconsistency",
        meaning="Week-to-week variation of an adult's attachment figures (partner, close others) as a share of "
        "the childhood caregiver's inconsistency: adults choose and keep steadier figures than they were born to.",
        source="rationale",
    )
    partner_availability: float = param(
        0.85, 0.0, 1.0, unit="share", meaning="Share of stressful episodes at which a partner is there.",
        source="rationale: partners are the principal attachment figures of adulthood (Hazan & Shaver 1987)",
    )
    intrusion_arousal: float = param(
        1.0, 0.0, 5.0, unit="unresolved episodes per intruded episode", meaning="Arousal a partner's soothing adds "
        "when felt as intrusion (the share M9 computes from a defended person's closeness beyond preference), on "
        "top of the soothing it does not give (S0-8).", source="Hayden (seed 0, S0-8); assumption: one episode")
    turnover_per_year: float = param(
        0.15, 0.0, 1.0, unit="per year", meaning="Yearly probability that the circle of close others changes.",
        source="rationale",
    )


class LaterExperience(Mechanism):
    """M7: learning continues after infancy from caregivers, then close others."""

    key = "m7_later_experience"
    label = "M7 later experience"
    summary = "after 2 years: caregiver sensitivity drifts and is disrupted by family events; from 18 close " \
        "others chosen partly by one's own security; same learning at plasticity(age)"
    kernel = "development"
    stages = ("childhood", "adolescence", "adulthood")
    Params = LaterParams
    states = owned(
        key,
        f32("cg_shift", 0.0, "sensitivity", "Current drift of the caregiver's sensitivity (from 2 years)."),
        f32("close_sensitivity", 0.0, "0-1", "Responsiveness of the person's close others (adulthood)."),
        f32("arousal_mean", 0.0, "arousal", "Slow (one-year) running average of arousal: chronic stress."),
    )


class LifeEvents(Mechanism):
    """Family events in childhood and the exposure ledger behind the ACE count."""

    key = "life_events"
    label = "family events and exposure ledger"
    summary = "divorce disrupts caregiving; harm, neglect, household illness, violence, separation and " \
        "incarceration recorded before 18"
    kernel = "development"
    stages = ("childhood", "adolescence")
    Params = LifeEventParams
    states = owned(
        key,
        i32("family_event_until_w", 0, "week of age", "End of the current family disruption."),
        i8("ace_emotional_abuse", 0, "flag", "Emotional abuse before 18."),
        i8("ace_physical_abuse", 0, "flag", "Physical abuse before 18."),
        i8("ace_sexual_abuse", 0, "flag", "Sexual abuse before 18."),
        i8("ace_violence", 0, "flag", "Violence against the mother witnessed before 18."),
        i8("ace_mental_illness", 0, "flag", "Household mental illness (caregiver dysregulation) before 18."),
        i8("ace_divorce", 0, "flag", "Parental separation or divorce before 18."),
        i8("ace_incarceration", 0, "flag", "Incarcerated household member before 18."),
        i8("ace_substance", 0, "flag", "Household substance use before 18: a simulated parent in compulsive use "
           "(written weekly by M10), or an exogenous household's onset drawn after the last week."),
        i32("first_loss_w", 0, "week of age", "Week of age at the first death of a parent or sibling (drawn at "
            "birth; 120 years when none before then)."),
        f32("low_response_weeks", 0.0, "weeks", "Childhood weeks with little response expected (emotional neglect)."),
        f32("deprived_weeks", 0.0, "weeks", "Weeks of severe deprivation before 18 (physical neglect)."),
    )

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's first bereavement (a parent or sibling): piecewise-constant hazard, 18 / 25 years."""
        p: LifeEventParams = self.params  # type: ignore[assignment]
        u = uniforms(sim.seed, "life_events.loss", 0, ids)
        sim.pop["first_loss_w"][ids] = np.minimum(first_loss_years(u, p.loss_by_18, p.loss_by_25), 120.0) \
            * WEEKS_PER_YEAR

    def finish(self, sim: Simulation) -> None:
        """Household substance use before 18 for people whose parent is not simulated (first generation).

        A simulated parent's compulsive use is recorded weekly by M10 (``ace_substance``); for everyone else the
        onset is drawn once from ``life_events.household_substance_per_year`` (counter-based, per person) and counts
        when it falls before 18 and before the end of the run.
        """
        pop = sim.pop
        events = sim.scenario.parameters.life_events
        rate = events.household_substance_per_year
        if rate <= 0 or pop.n == 0:
            return
        abused = (pop["threat_intensity"] > 0) & (pop["threat_end_w"] > pop["threat_onset_w"]) & (
            pop["threat_onset_w"] < weeks(years=18))  # threat scheduled in childhood
        hazard = -math.log1p(-rate) * np.where(abused, events.household_substance_abuse_rr, 1.0)
        u = uniforms(sim.seed, "ace.household_substance", 0, pop["id"].astype(np.int64))
        onset_years = -np.log1p(-u) / hazard  # exponential onset, years from birth
        age_years = (sim.n_steps - pop["birth_step"].astype(np.int64)) / WEEKS_PER_YEAR
        pop["ace_substance"][(pop["parent"] < 0) & (onset_years < np.minimum(age_years, 18.0))] = 1

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """The ACE ledger: one flag per category and the count (0-10)."""
        def flags(s: Simulation) -> dict[str, Any]:
            pop = s.pop
            out = {name: pop[f"ace_{name}"] == 1 for name in ACE_CATEGORIES
                   if name not in ("emotional_neglect", "physical_neglect")}
            out["emotional_neglect"], out["physical_neglect"] = neglect_flags(
                pop["low_response_weeks"], pop["deprived_weeks"], self.params)  # type: ignore[arg-type]
            return out

        def flag_of(name: str) -> Reader:
            return lambda s: flags(s)[name]

        cols = [Column(f"ace_{name}", "bool", "flag", f"ACE: {name.replace('_', ' ')} before 18", "share",
                       flag_of(name)) for name in ACE_CATEGORIES]
        cols.append(Column("ace_count", "int8", "0-10", "ACE count", "mean",
                           lambda s: np.sum([flags(s)[n] for n in ACE_CATEGORIES], axis=0).astype(np.int8)))
        cols.append(Column("first_loss_years", "float32", "years", "age at the first death of a parent or sibling "
                           "(120 = none by then)", "mean",
                           lambda s: (s.pop["first_loss_w"] / WEEKS_PER_YEAR).astype(np.float32)))
        return tuple(cols)


# ----------------------------------------------------------------------------- laws (see attachsim.core.laws)

@kernel_law
def later_distress_rate(age: Any, rate_child: Any, rate_adult: Any, tau_w: Any) -> Any:
    """Expected distress episodes per week after infancy, falling from the childhood to the adult rate."""
    return rate_adult + (rate_child - rate_adult) * np.exp(-(age - INFANCY_END_W) / tau_w)


@kernel_law
def drift_memory(drift_years: Any) -> Any:
    """Weekly autocorrelation of the caregiving drift (an AR(1) with time constant ``drift_years``)."""
    return 1.0 - 1.0 / (drift_years * WEEKS_PER_YEAR)


@kernel_law
def drift_step_sd(drift_sd: Any, rho: Any) -> Any:
    """SD of the weekly innovation that keeps the drift's stationary SD at ``drift_sd``."""
    return drift_sd * np.sqrt(1.0 - rho * rho)


@kernel_law
def drift_next(shift: Any, rho: Any, step_sd: Any, z: Any) -> Any:
    """The drift of the caregiver's sensitivity this week."""
    return shift * rho + step_sd * z


@kernel_law
def chooser_security(others_a: Any, others_b: Any, deactivation: Any) -> Any:
    """The security with which an adult chooses close others (S0-7): expected availability, less deactivation."""
    return model_of_others(others_a, others_b) * (1.0 - deactivation)


@kernel_law
def close_other_sensitivity(security: Any, mean: Any, security_weight: Any, sd: Any, z: Any) -> Any:
    """Responsiveness of newly chosen close others; ``security - 0.5`` centres the weight on a middling chooser."""
    return clip(mean + security_weight * (security - 0.5) + sd * z, 0.0, 1.0)


@kernel_law
def adult_figure_sensitivity(responsiveness: Any, deprivation: Any, inconsistency: Any, share: Any, z: Any) -> Any:
    """The sensitivity of an adult's attachment figure (a partner or close others) this week."""
    return clip(responsiveness * (1.0 - deprivation) + inconsistency * share * z, 0.0, 1.0)


@kernel_law
def intrusion_unresolved(n_in: Any, intrusion: Any, avail: Any, n_unbid: Any, per_episode: Any) -> Any:
    """Unresolved episodes added by a partner's closeness felt as intrusion (S0-8).

    The intruded soothed bids (``n_in``), and the share ``intrusion`` of the distress episodes one did not bid for
    at which the partner is there (``avail``) and comes close anyway (their presence is closeness, M9
    ``offer_presence``); each counts ``per_episode`` (``relationships.intrusion_arousal``).
    """
    return per_episode * (n_in + intrusion * avail * n_unbid)


@kernel_law
def any_of(share: Any, n: Any) -> Any:
    """Chance that at least one of ``n`` events is of a kind with probability ``share``."""
    return 1.0 - (1.0 - share) ** n


@kernel_law
def running_year_mean(mean: Any, x: Any) -> Any:
    """A one-year (``YEAR_W`` weeks) exponential running mean, such as chronic stress (mean arousal)."""
    return mean + (x - mean) / float(YEAR_W)


def first_loss_years(u: Any, by_18: float, by_25: float) -> Any:
    """Age in years at the first loss, from a uniform draw: hazard h1 before 18 and h2 after (inverse CDF)."""
    h1 = -math.log1p(-min(by_18, 1.0 - 1e-12)) / 18.0
    after = (1.0 - by_25) / max(1.0 - by_18, 1e-12)
    h2 = -math.log(min(max(after, 1e-12), 1.0)) / 7.0
    cum = -np.log1p(-u)  # cumulative hazard at the loss
    return np.where(cum < 18.0 * h1, cum / max(h1, 1e-12), 18.0 + (cum - 18.0 * h1) / max(h2, 1e-12))


def neglect_flags(low_response_weeks: Any, deprived_weeks: Any, p: LifeEventParams) -> tuple[Any, Any]:
    """The ACE neglect categories from the ledger's week counts: (emotional neglect, physical neglect)."""
    return low_response_weeks >= p.emotional_neglect_weeks, deprived_weeks >= p.physical_neglect_weeks
