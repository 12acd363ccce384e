"""Issue 3 targets: adult interview, continuity, S0-1, trauma vs neglect, screening (20,000 people).

The adult-interview parameters were fitted on seeds 1000-1001 (docs/calibration.md); `attachsim validate` checks
seeds 1-3, so the calibration figures here are asserted on seeds below 1000 used by no fitting or validation run:
continuity on the shared normative adults of conftest (seeds 151-152), the interview distribution on
`general-population` (seeds 153-154), averaged over seeds, with MODEL §8 tolerances.
"""

import numpy as np
import pandas as pd
import pytest

import attachsim
from attachsim.assessments.lifespan import FEARS, SIGNS
from attachsim.assessments.screening import screen
from attachsim.core.stats import cohen_kappa
from attachsim.development.later import ACE_CATEGORIES
from attachsim.validation.targets import AAI_POPULATION
from conftest import seed_mean

N = 20_000


@pytest.fixture(scope="module")
def normative(normative_adults):
    return normative_adults


@pytest.fixture(scope="module")
def general_population():
    """The population the adult-interview distribution is read on (validation/targets.py `AAI_POPULATION`): abuse and
    loss at population rates, like the non-clinical mothers' histories. Two seeds of 10,000 to 26 years, below 1000
    and used by no fitting, validation default or other test."""
    runs = (attachsim.run(AAI_POPULATION, n=N // 2, seed=s, years=26, timeseries=None) for s in (153, 154))
    return pd.concat([r.people.copy().assign(seed=r.seed) for r in runs], ignore_index=True)


@pytest.fixture(scope="module")
def cohorts():
    """Harm (threat) or neglect (deprivation) from birth to 12, or neither; two seeds of 5,000 each."""
    return {name: pd.concat([attachsim.run(name, n=N // 4, seed=seed, years=26).people for seed in (141, 142)],
                            ignore_index=True)
            for name in ("normative", "threat-childhood", "deprivation-childhood")}


def _z(a: pd.Series, b: pd.Series) -> float:
    """z of mean(a) - mean(b) for two independent groups (missing values dropped)."""
    a, b = a.dropna().astype(float), b.dropna().astype(float)
    return float((a.mean() - b.mean()) / np.sqrt(a.var() / len(a) + b.var() / len(b)))


def _substance(p: pd.DataFrame) -> pd.Series:
    return p["compulsive_alcohol_ever"] | p["compulsive_drugs_ever"]


def test_columns(normative):
    for age in (18, 25, 35):
        for stem in ("ecrr_anxiety", "ecrr_avoidance", "adult_style", "aai", "aai_unresolved", "regulation",
                     "chronic_stress", "trust", "isolation", *(f"fear_{f}" for f in FEARS)):
            assert f"{stem}_{age}" in normative, f"{stem}_{age}"
        assert set(normative[f"adult_style_{age}"].astype(str).unique()) <= {"secure", "preoccupied", "dismissing",
                                                                              "fearful"}
        assert set(normative[f"aai_{age}"].astype(str).unique()) <= {"F", "Ds", "E"}
        assert normative[f"ecrr_anxiety_{age}"].between(1, 7).all()
    for sign in SIGNS:
        assert normative[f"{sign}_8y"].between(0, 2).all()
    for name in ("ace_count", "internalizing_8y", "externalizing_8y", *(f"ace_{c}" for c in ACE_CATEGORIES)):
        assert name in normative
    assert normative["ace_count"].between(0, 10).all()


def test_adult_interview_distribution(general_population):
    """Bakermans-Kranenburg & van IJzendoorn 2009; MODEL §8: a share within ±5 points, averaged over seeds."""
    for cls, figure in (("Ds", 0.23), ("F", 0.58), ("E", 0.19)):
        share = seed_mean(general_population, lambda p, c=cls: (p["aai_25"] == c).mean())
        assert abs(share - figure) <= 0.05, (cls, share)


def test_adult_interview_unresolved_share(general_population):
    """Bakermans-Kranenburg & van IJzendoorn 2009: U coded in addition in 18% (±5 points), only after a loss or
    abuse (docs/adult_instruments.md)."""
    unresolved = seed_mean(general_population, lambda p: p["aai_unresolved_25"].mean())
    assert abs(unresolved - 0.18) <= 0.05, unresolved


def test_continuity_infancy_to_adulthood_and_in_early_childhood(normative):
    """Waters et al. 2000 (72% same, agreement ±7 points); Opie et al. 2021 (kappa .23, ±.06)."""
    same = seed_mean(normative, lambda p: ((p["ssp_12m"] == "B") == (p["aai_25"] == "F")).mean())
    assert abs(same - 0.72) <= 0.07, same
    kappa = seed_mean(normative, lambda p: cohen_kappa(p["ssp_12m"].astype(str), p["reunion_5y"].astype(str)))
    assert abs(kappa - 0.23) <= 0.06, kappa


def test_s0_1_early_regulation_predicts_adult_regulation_and_security(normative):
    r = np.corrcoef(normative["regulation_12m"], normative["regulation_25"])[0, 1]
    assert r > 0.3
    secure = normative["aai_25"] == "F"
    assert normative.loc[secure, "regulation_12m"].mean() > normative.loc[~secure, "regulation_12m"].mean() + 0.05


@pytest.mark.slow  # two 10,000-person 26-year cohorts (~45 s on two cores): statistical, so in the slow suite
def test_s0_1_is_carried_by_soothing_under_distress():
    """Cohorts that differ only in caregiver sensitivity (same seed: common random numbers)."""
    def cohort(mean):
        return attachsim.run({"name": f"sens-{mean}", "years": 26, "caregiving": {
            "profile": "community", "overrides": {"sensitivity": {"mean": mean, "sd": 0.16}}}}, n=N // 2, seed=4).people

    low, high = cohort(0.45), cohort(0.80)
    soothed = [(p["soothed_total"] / p["episodes_total"]).mean() for p in (low, high)]
    assert soothed[1] > soothed[0] + 0.1
    assert high["regulation_12m"].mean() > low["regulation_12m"].mean() + 0.05
    assert high["regulation_25"].mean() > low["regulation_25"].mean()
    assert (high["aai_25"] == "F").mean() > (low["aai_25"] == "F").mean() + 0.05
    assert (high["adult_style_25"] == "secure").mean() > (low["adult_style_25"] == "secure").mean()
    # within a cohort the effect of sensitivity on adult regulation runs through early regulation
    both = high
    x = np.column_stack([np.ones(len(both)), both["sensitivity_0_1"]])
    alone = np.linalg.lstsq(x, both["regulation_25"], rcond=None)[0][1]
    x2 = np.column_stack([x, both["regulation_12m"]])
    adjusted = np.linalg.lstsq(x2, both["regulation_25"], rcond=None)[0][1]
    assert alone > 0 and abs(adjusted) < 0.5 * alone


def test_trauma_and_neglect_lead_to_different_adult_lives(cohorts):
    """S1-1/S1-2/S1-6, on outcomes thirteen years after the adversity ended, produced by the model's own weekly
    dynamics rather than read from the states each adversity raises: trauma leaves a heightened stress response
    (one-year mean arousal at 25, above both neglect and no adversity) and more compulsive substance use;
    neglect leaves poorer intimate relationships (quality at 25, impaired social skills) than trauma; both leave
    more insecure adults. With the threat pathway's sensitisation off (``pathways.stress_gain_rate`` 0) the
    chronic-stress and substance-use claims fail (checked by hand)."""
    t, d, n = cohorts["threat-childhood"], cohorts["deprivation-childhood"], cohorts["normative"]
    assert _z(t["chronic_stress_25"], d["chronic_stress_25"]) > 3
    assert _z(t["chronic_stress_25"], n["chronic_stress_25"]) > 3
    assert _z(_substance(t), _substance(d)) > 3
    assert _z(d["relationship_quality_25"], t["relationship_quality_25"]) < -3
    for cohort in (t, d):
        assert _z(cohort["relationship_quality_25"], n["relationship_quality_25"]) < -3
        assert _z(cohort["aai_25"] != "F", n["aai_25"] != "F") > 3
        assert _z(cohort["adult_style_25"] != "secure", n["adult_style_25"] != "secure") > 3


def test_screening_on_a_fresh_population():
    train = attachsim.run("screening-population", n=N // 2, seed=10).people
    test = attachsim.run("screening-population", n=N // 2, seed=11).people
    result = screen(train, test)
    rows = {r["pathway"]: r for r in result["rows"]}
    assert set(rows) == {"none", "threat", "deprivation", "both"}
    for r in rows.values():
        assert 0.0 <= r["sensitivity"] <= 1.0 and 0.0 <= r["specificity"] <= 1.0
    assert rows["threat"]["sensitivity"] > 0.5 and rows["threat"]["specificity"] > 0.8
    # deprivation is screened well above chance (Youden's J = sensitivity + specificity - 1). Before issue 15 the
    # bar was sensitivity > .3; since the checklist signs also carry causes outside attachment (heritable liability,
    # shared environment, chance: development/liability.py) the screen is weaker (sensitivity about .25).
    dep = rows["deprivation"]
    assert dep["specificity"] > 0.8 and dep["sensitivity"] + dep["specificity"] - 1.0 > 0.1, dep
    assert result["accuracy"] > 0.5


@pytest.mark.slow  # three 10,000-person 36-year runs (~85 s on two cores): statistical, so in the slow suite
def test_security_can_be_lost_after_adversity_and_earned_after_good_experience():
    """M7: the same people (same seed), with and without later experience."""
    base = {"years": 36, "caregiving": {"profile": "community"}}
    control = attachsim.run(base, n=N // 2, seed=12).people
    adversity = attachsim.run({**base, "adversity": {"threat": {"onset_months": 144, "duration_months": 60,
                                                               "intensity": 0.5, "share": 1.0}}},
                              n=N // 2, seed=12).people
    secure_infants = control["ssp_12m"] == "B"
    assert (adversity["ssp_12m"] == control["ssp_12m"]).all()  # identical until the adversity starts
    lost = (adversity.loc[secure_infants, "aai_25"] != "F").mean()
    kept = (control.loc[secure_infants, "aai_25"] != "F").mean()
    assert lost > kept + 0.05, (lost, kept)
    good = attachsim.run({**base, "parameters": {"relationships": {"close_sensitivity_mean": 0.9,
                                                                   "close_rejection": 0.0}}},
                         n=N // 2, seed=12).people
    insecure_infants = control["ssp_12m"] != "B"
    earned = (good.loc[insecure_infants, "aai_35"] == "F").mean()
    without = (control.loc[insecure_infants, "aai_35"] == "F").mean()
    assert earned > without + 0.03, (earned, without)
