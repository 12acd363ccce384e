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

from ..core.columns import Column, Reader
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import uniforms
from ..core.timeline import WEEKS_PER_YEAR, weeks

if TYPE_CHECKING:
    from ..core.engine import Simulation

#: The ten categories of the ACE study's count, in the order of the people table's ``ace_<name>`` columns.
ACE_CATEGORIES = ("emotional_abuse", "physical_abuse", "sexual_abuse", "emotional_neglect", "physical_neglect",
                  "violence", "substance", "mental_illness", "divorce", "incarceration")
#: Emotional neglect: at least a year of childhood weeks with little response expected; physical neglect: at
#: least half a year of severe deprivation (the ACE items ask whether it happened "often", not once).
EMOTIONAL_NEGLECT_WEEKS = 52.0
PHYSICAL_NEGLECT_WEEKS = 26.0

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
    partner_availability: float = param(
        0.85, 0.0, 1.0, unit="share", meaning="Share of stressful episodes at which a partner is there.",
        source="rationale: partners are the principal attachment figures of adulthood (Hazan & Shaver 1987)",
    )
    paradox_self_worth: float = param(
        0.5, 0.0, 1.0, unit="self-worth",
        meaning="Below this self-worth (with high deactivation) a partner's soothing raises arousal (S0-8).",
        source="Hayden (seed 0, S0-8); value: about the 5th percentile of self-worth at 18 in the normative "
        "population",
    )
    paradox_deactivation: float = param(
        0.5, 0.0, 1.0, unit="deactivation", meaning="Above this deactivation (with low self-worth) closeness "
        "threatens (S0-8).", source="Hayden (seed 0, S0-8); rationale for the value",
    )
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
        f32("low_response_weeks", 0.0, "weeks", "Childhood weeks with little response expected (emotional neglect)."),
        f32("deprived_weeks", 0.0, "weeks", "Weeks of severe deprivation before 18 (physical neglect)."),
    )

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
            out["emotional_neglect"] = pop["low_response_weeks"] >= EMOTIONAL_NEGLECT_WEEKS
            out["physical_neglect"] = pop["deprived_weeks"] >= PHYSICAL_NEGLECT_WEEKS
            return out

        def flag_of(name: str) -> Reader:
            return lambda s: flags(s)[name]

        cols = [Column(f"ace_{name}", "bool", "flag", f"ACE: {name.replace('_', ' ')} before 18", "share",
                       flag_of(name)) for name in ACE_CATEGORIES]
        cols.append(Column("ace_count", "int8", "0-10", "ACE count", "mean",
                           lambda s: np.sum([flags(s)[n] for n in ACE_CATEGORIES], axis=0).astype(np.int8)))
        return tuple(cols)

