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
from ..core.mechanism import Mechanism
from ..core.params import ParamModel
from ..core.rng import uniforms
from ..core.timeline import INFANCY_END_W, WEEKS_PER_YEAR, YEAR_W, weeks
from .infancy import model_of_others

if TYPE_CHECKING:
    from ..core.engine import Simulation

#: The ten categories of the ACE study's count, in the order of the people table's ``ace_<name>`` columns.
ACE_CATEGORIES = ("emotional_abuse", "physical_abuse", "sexual_abuse", "emotional_neglect", "physical_neglect",
                  "violence", "substance", "mental_illness", "divorce", "incarceration")


class LaterParams(ParamModel):
    """Distress and caregiving after infancy."""

    rate_child: float
    rate_adult: float
    rate_tau_years: float
    drift_sd: float
    drift_years: float


class LifeEventParams(ParamModel):
    """Family events in childhood and the ACE ledger."""

    divorce_per_year: float
    divorce_dysregulation: float
    divorce_availability: float
    disruption_weeks: float
    incarceration_per_year: float
    household_substance_per_year: float
    household_substance_abuse_rr: float
    loss_by_18: float
    loss_by_25: float
    emotional_abuse_share: float
    physical_abuse_share: float
    sexual_abuse_share: float
    violence_per_harm_week: float
    neglect_response_threshold: float
    mental_illness_threshold: float
    severe_deprivation: float
    emotional_neglect_weeks: float
    physical_neglect_weeks: float


class RelationshipParams(ParamModel):
    """Close others in adulthood (placeholder for M9 partners)."""

    close_availability: float
    close_sensitivity_mean: float
    close_security_weight: float
    close_sensitivity_sd: float
    close_rejection: float
    figure_inconsistency_share: float
    partner_availability: float
    intrusion_arousal: float
    turnover_per_year: float


class LaterExperience(Mechanism):
    """M7: learning continues after infancy from caregivers, then close others."""


class LifeEvents(Mechanism):
    """Family events in childhood and the exposure ledger behind the ACE count."""

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
