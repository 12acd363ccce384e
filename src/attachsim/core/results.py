"""Results of a run: one row per person, plus summaries with intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .rng import normals, uniforms
from .timeline import WEEKS_PER_YEAR, weeks

if TYPE_CHECKING:
    from .engine import Simulation

CATEGORIES = ("A", "B", "C", "D")
#: Metadata of the main result columns: label, unit and how to aggregate across seeds.
COLUMN_META: dict[str, dict[str, str]] = {
    "ssp_12m": {"label": "Strange Situation category at 12 months", "unit": "A/B/C/D", "aggregate": "share"},
    "sensitivity_0_1": {"label": "caregiver's mean observed sensitivity, first year", "unit": "0-1",
                        "aggregate": "mean"},
    "regulation_12m": {"label": "regulation at 12 months", "unit": "0-1", "aggregate": "mean"},
}


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval for a proportion k / n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Results:
    """What a run produced: ``people`` (one row per person) and run metadata.

    ``timeseries`` and ``traces`` are filled by recorders (``attachsim.recording``) when the run had them.
    """

    people: pd.DataFrame
    scenario: dict[str, Any]
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)
    #: population series by age and group (tidy: time_years, age_years, by, group, variable, value, n)
    timeseries: pd.DataFrame | None = None
    #: chosen people's states over the run (id, step, age_weeks, states...)
    traces: pd.DataFrame | None = None

    def life(self, person: int) -> Any:
        """One person's life: ``.table`` (their traced states) and ``.story`` (plain words)."""
        from ..recording.life import life

        return life(self, person)

    def summary(self, column: str = "ssp_12m") -> dict[str, Any]:
        """Category shares with 95% Wilson intervals, and the sensitivity-security correlation."""
        if column not in self.people:
            raise KeyError(f"No column '{column}' in the results; available: {', '.join(self.people.columns)}.")
        values = self.people[column].dropna()
        values = values[values != ""]
        n = int(values.shape[0])
        shares = {}
        for c in CATEGORIES:
            k = int((values == c).sum())
            lo, hi = wilson(k, n)
            shares[c] = {"share": k / n if n else math.nan, "ci_low": lo, "ci_high": hi, "count": k}
        out: dict[str, Any] = {"scenario": self.scenario.get("name"), "seed": self.seed, "n": n,
                               "column": column, "shares": shares}
        if column == "ssp_12m" and n > 2:
            out["sensitivity_security_r"] = sensitivity_security_r(self.people)
        return out


def sensitivity_security_r(people: pd.DataFrame) -> dict[str, float]:
    """Point-biserial r between ``sensitivity_0_1`` and security (B vs not B), with a Fisher-z 95% interval."""
    data = people[["sensitivity_0_1", "ssp_12m"]].dropna()
    x = data["sensitivity_0_1"].to_numpy(dtype=np.float64)
    y = (data["ssp_12m"] == "B").to_numpy(dtype=np.float64)
    n = x.size
    if n < 4 or x.std() == 0 or y.std() == 0:
        return {"r": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": float(n)}
    r = float(np.corrcoef(x, y)[0, 1])
    zr = math.atanh(max(min(r, 0.999999), -0.999999))
    half = 1.959964 / math.sqrt(n - 3)
    return {"r": r, "ci_low": math.tanh(zr - half), "ci_high": math.tanh(zr + half), "n": float(n)}


def collect(sim: Simulation) -> Results:
    """Turn the final population into a :class:`Results` (one row per person)."""
    from ..assessments.strange_situation import SCALES, StrangeSituation
    from ..caregiving.profiles import PROFILES

    pop = sim.pop
    cats = np.array((*CATEGORIES, None), dtype=object)
    profiles = np.array(list(PROFILES), dtype=object)
    cols: dict[str, Any] = {
        "id": pop["id"].copy(),
        "sex": np.where(pop["sex"] == 1, "F", "M"),
        "profile": np.where(pop["profile"] == -2, "parent", profiles[np.maximum(pop["profile"], 0)]),
        "generation": pop["generation"].astype(np.int32),
    }
    ssp = next(m for m in sim.mechanisms if isinstance(m, StrangeSituation))
    for age in ssp.ages_months:
        code = pop[f"ssp_{age}m"]
        cols[f"ssp_{age}m"] = pd.Categorical(cats[np.where(code < 0, 4, code)], categories=list(CATEGORIES))
        forced = pop[f"ssp_{age}m_forced"]
        cols[f"ssp_{age}m_forced"] = pd.Categorical(cats[np.where(forced < 0, 4, forced)],
                                                    categories=list(CATEGORIES[:3]))
        for name in SCALES:
            col = f"{ssp.prefix(age)}{name}"
            cols[col] = pop[col].astype(np.int8)
    den = pop["sens_obs_den"]
    with np.errstate(invalid="ignore", divide="ignore"):
        true_sens = np.where(den > 0, pop["sens_obs_num"] / den, np.nan)
    # observed as researchers observe it: a rating from brief home observations, with occasion error
    obs_sd = sim.scenario.parameters.strange_situation.sensitivity_observation_sd
    error = obs_sd * normals(sim.seed, "observe.sensitivity", 0, pop["id"].astype(np.int64)) if obs_sd > 0 else 0.0
    cols["sensitivity_0_1"] = np.clip(true_sens + error, 0.0, 1.0).astype(np.float32)
    cols["regulation_12m"] = pop["regulation_12m"].copy()
    cols["threat_exposed"] = (pop["threat_intensity"] > 0) & (pop["threat_end_w"] > pop["threat_onset_w"])
    cols["deprivation_exposed"] = (pop["deprivation_intensity"] > 0) & (
        pop["deprivation_end_w"] > pop["deprivation_onset_w"])
    _collect_lifespan(sim, cols, cats)
    skip = {"sens_obs_num", "sens_obs_den", "regulation_12m"}
    for name in sim.layout.f32:
        if name not in skip and name not in cols:
            cols[name] = pop[name].copy()
    cols["ses_risks"] = pop["ses_risks"].astype(np.int32)
    for name in sim.layout.i32:
        if name.startswith("iv_") and name not in cols:  # M11 records; negative codes (not eligible, not yet
            cols[name] = _nullable(pop[name], "Int16")  # followed up) become missing

    people = pd.DataFrame(cols, copy=False)  # the columns are fresh arrays: no second copy
    meta = {"engine": sim.engine, "steps": sim.n_steps, "years": sim.scenario.years,
            "bytes_per_person_state": sim.layout.bytes_per_person}
    return Results(people=people, scenario=sim.scenario.model_dump(mode="json"), seed=sim.seed, meta=meta)


def _collect_lifespan(sim: Simulation, cols: dict[str, Any], cats: Any) -> None:
    """Columns of the assessments after infancy and of the ACE ledger."""
    from ..assessments import ecrr
    from ..assessments.lifespan import AAI_CLASSES, ACE_CATEGORIES, ADULT_COLUMNS, SIGNS, LifespanAssessments

    pop = sim.pop
    life = next(m for m in sim.mechanisms if isinstance(m, LifespanAssessments))
    reunions = [f"reunion_{age}y" for age in life.preschool_years]
    reunions += [f"reunion_{months}m" for months in getattr(life, "preschool_months", ())]
    for col in reunions:
        code = pop[col]
        cols[col] = pd.Categorical(cats[np.where(code < 0, 4, code)], categories=list(CATEGORIES))
    for age in life.checklist_years:
        for sign in SIGNS:
            col = f"{sign}_{age}y"
            cols[col] = _nullable(pop[col], "Int8")
        cols[f"internalizing_{age}y"] = pop[f"internalizing_{age}y"].copy()
        for extra in ("externalizing", "stress_gain", "social_cognition"):
            cols[f"{extra}_{age}y"] = pop[f"{extra}_{age}y"].copy()
    styles = np.array([*ecrr.STYLES, None], dtype=object)
    aai = np.array([*AAI_CLASSES, None], dtype=object)
    for age in life.adult_years:
        for name, dtype, _ in ADULT_COLUMNS:
            col = f"{name}_{age}"
            value = pop[col]
            if name == "adult_style":
                cols[col] = pd.Categorical(styles[np.where(value < 0, 4, value)], categories=list(ecrr.STYLES))
            elif name == "aai":
                cols[col] = pd.Categorical(aai[np.where(value < 0, 3, value)], categories=list(AAI_CLASSES))
            elif name == "aai_unresolved" or name.startswith("compulsive_") or name == "partnered":
                cols[col] = _nullable(value, "boolean")
            elif dtype != "f32":
                cols[col] = _nullable(value, "Int16")
            else:
                cols[col] = value.copy()
    flags = {
        "emotional_abuse": pop["ace_emotional_abuse"] == 1,
        "physical_abuse": pop["ace_physical_abuse"] == 1,
        "sexual_abuse": pop["ace_sexual_abuse"] == 1,
        "emotional_neglect": pop["low_response_weeks"] >= 52,
        "physical_neglect": pop["deprived_weeks"] >= 26,
        "violence": pop["ace_violence"] == 1,
        "substance": (pop["ace_substance"] == 1) | _household_substance(sim),
        "mental_illness": pop["ace_mental_illness"] == 1,
        "divorce": pop["ace_divorce"] == 1,
        "incarceration": pop["ace_incarceration"] == 1,
    }
    for name in ACE_CATEGORIES:
        cols[f"ace_{name}"] = flags[name]
    cols["ace_count"] = np.sum([flags[n] for n in ACE_CATEGORIES], axis=0).astype(np.int8)
    from ..adulthood.relief import REGULATORS

    cols["parent_id"] = pop["parent"].copy()
    cols["children"] = pop["children"].astype(np.int16)
    aai_codes = pop["parent_aai_at_birth"]
    cols["parent_aai_at_birth"] = pd.Categorical(aai[np.where(aai_codes < 0, 3, aai_codes)],
                                                 categories=list(AAI_CLASSES))
    cols["parent_unresolved_at_birth"] = _nullable(pop["parent_unresolved_at_birth"], "boolean")
    cols["partnerships"] = pop["partnerships"].astype(np.int16)
    cols["breakups"] = pop["breakups"].astype(np.int16)
    cols["years_single"] = (pop["single_weeks"] / 52.1775).astype(np.float32)
    cols["partner_id"] = pop["partner"].copy()
    for t in REGULATORS:
        cols[f"compulsive_{t}_ever"] = pop[f"compulsive_{t}_ever"] == 1
        cols[f"relapses_{t}"] = pop[f"relapses_{t}"].astype(np.int16)


def _household_substance(sim: Simulation) -> Any:
    """Household substance use before 18 for people whose parent is not simulated (first generation).

    A simulated parent's compulsive use is recorded weekly by M10 (``ace_substance``); for everyone else the
    onset is drawn once from ``life_events.household_substance_per_year`` (counter-based, per person) and counts
    when it falls before 18 and before the end of the run.
    """
    pop = sim.pop
    events = sim.scenario.parameters.life_events
    rate = events.household_substance_per_year
    if rate <= 0:
        return np.zeros(pop.n, dtype=bool)
    abused = (pop["threat_intensity"] > 0) & (pop["threat_end_w"] > pop["threat_onset_w"]) & (
        pop["threat_onset_w"] < weeks(years=18))  # threat scheduled in childhood
    hazard = -math.log1p(-rate) * np.where(abused, events.household_substance_abuse_rr, 1.0)
    u = uniforms(sim.seed, "ace.household_substance", 0, pop["id"].astype(np.int64))
    onset_years = -np.log1p(-u) / hazard  # exponential onset, years from birth
    age_years = (sim.n_steps - pop["birth_step"].astype(np.int64)) / WEEKS_PER_YEAR
    return (pop["parent"] < 0) & (onset_years < np.minimum(age_years, 18.0))


def _nullable(codes: Any, dtype: str) -> Any:
    """A pandas nullable array from int codes, with negative codes (not assessed) as missing."""
    values = pd.Series(codes == 1 if dtype == "boolean" else codes).astype(dtype)  # type: ignore[call-overload]
    return values.mask(pd.Series(codes < 0)).array
