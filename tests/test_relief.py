"""M8 compulsive relief-seeking: columns, the Dickenson et al. 2018 figures, the survey ranges of docs/relief.md, and
seed rows S0-4 (lower regulation, more and earlier compulsive use) and S0-7 (strategy shapes which relief), natural
remission and the other causes (issue 15)."""

import numpy as np
import pandas as pd
import pytest

import attachsim
from attachsim.adulthood.relief import REGULATORS
from conftest import seed_mean

SOLITARY = ("sex", "alcohol", "drugs")


@pytest.fixture(scope="module")
def adults(normative_adults):
    return normative_adults


def _by_seed(adults):
    return [group for _, group in adults.groupby("seed")]


def _share(people, mask, col):
    return float(people.loc[mask, col].astype(float).mean())


def test_columns(adults):
    for t in REGULATORS:
        for col in (f"compulsive_{t}_ever", f"compulsive_{t}_onset_age", f"relapses_{t}", f"compulsive_{t}_25",
                    f"compulsive_{t}_35", f"compulsive_{t}_12m_35", f"liability_{t}"):
            assert col in adults, col
        ever = adults[f"compulsive_{t}_ever"]
        onset = adults[f"compulsive_{t}_onset_age"]
        assert onset[ever].between(12, 36).all() and onset[~ever].isna().all()
        assert (adults[f"relapses_{t}"] >= 0).all()
        year = adults[f"compulsive_{t}_12m_35"].astype(bool)
        assert not (adults[f"compulsive_{t}_35"].astype(bool) & ~year).any()  # met this week: met in the year
        assert not (year & ~ever).any()
        assert year.mean() > adults[f"compulsive_{t}_35"].astype(float).mean()  # episodes begin and end in a year
        z = adults[f"liability_{t}"]
        assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.03  # standard normal draws at birth
    assert abs(adults["liability_alcohol"].corr(adults["liability_drugs"])) < 0.03  # a stream of its own each


def test_compulsive_sexual_behaviour_by_sex(adults):
    """Dickenson et al. 2018 (thresholds scanned on seed 1000); MODEL §8: a share within ±5 points, averaged over
    the shared normative adults' seeds (151-152)."""
    men = seed_mean(adults, lambda p: p.loc[p["sex"] == "M", "compulsive_sex_35"].astype(bool).mean())
    women = seed_mean(adults, lambda p: p.loc[p["sex"] == "F", "compulsive_sex_35"].astype(bool).mean())
    assert abs(men - 0.103) <= 0.05, men
    assert abs(women - 0.070) <= 0.05, women
    assert men > women


#: docs/relief.md: survey figure ± MODEL §8's 5 points (lifetime = ever by 36, current = the surveys' 12-month
#: prevalence: the criterion met in any week of the 12 months up to 35).
SURVEY = {  # regulator: ((lifetime low, high), (current low, high))
    "alcohol": ((0.241, 0.341), (0.089, 0.189)),  # Grant et al. 2015: 29.1% lifetime, 13.9% 12-month
    "drugs": ((0.049, 0.149), (0.0, 0.089)),  # Grant et al. 2016: 9.9%, 3.9%
    "food": ((0.0, 0.078), (0.0, 0.062)),  # Hudson et al. 2007: binge eating 2.8%, 1.2%
    "love": ((0.0, 1.0), (0.0, 0.08)),  # Sussman et al. 2011: about 3% over 12 months
    "sex": ((0.0, 1.0), (0.0, 1.0)),  # current: Dickenson et al. 2018 (test above)
}
#: Lifetime at most this multiple of current where no survey gives a lifetime figure (NESARC-III's lifetime /
#: 12-month ratios: 2.1 for alcohol, 2.5 for drugs).
LIFETIME_RATIO = 2.5
#: Known misses (docs/relief.md): remission is faster than in the surveys, lifetime about three times current.
RATIO_MISS = pytest.mark.xfail(strict=True, reason="lifetime above 2.5 x 12-month (docs/relief.md)")


@pytest.mark.parametrize("t", REGULATORS)
def test_prevalence_within_the_survey_ranges(adults, t):
    """Calibration targets of docs/relief.md (fitted on seed 1000), checked on the shared seeds 151-152."""
    (lo, hi), (clo, chi) = SURVEY[t]
    ever = seed_mean(adults, lambda p: p[f"compulsive_{t}_ever"].mean())
    now = seed_mean(adults, lambda p: p[f"compulsive_{t}_12m_35"].astype(float).mean())
    assert lo <= ever <= hi, (t, ever)
    assert clo <= now <= chi, (t, now)
    assert now > 0.005, (t, now)  # every regulator is in current use somewhere (love was almost absent before)


@pytest.mark.parametrize("t", [pytest.param(t, marks=RATIO_MISS) for t in ("sex", "love")])
def test_lifetime_at_most_two_and_a_half_times_current(adults, t):
    ever = seed_mean(adults, lambda p: p[f"compulsive_{t}_ever"].mean())
    now = seed_mean(adults, lambda p: p[f"compulsive_{t}_12m_35"].astype(float).mean())
    assert ever <= LIFETIME_RATIO * now, (t, ever, now)


def test_s0_4_lower_regulation_more_and_earlier_compulsive_use(adults):
    for people in _by_seed(adults):
        low = people["regulation_18"] < people["regulation_18"].quantile(0.25)
        high = people["regulation_18"] > people["regulation_18"].quantile(0.75)
        for t in ("alcohol", "drugs", "food", "sex"):
            ever = people[f"compulsive_{t}_ever"]
            assert ever[low].mean() > 1.3 * ever[high].mean(), t
            onset = people[f"compulsive_{t}_onset_age"]
            # no onset at all in the high quartile (food, some seeds): the low quartile's onsets are the earlier
            assert onset[high].isna().all() or onset[low].mean() < onset[high].mean(), t


def test_s0_7_hyperactivation_draws_to_love_deactivation_to_solitary_relief(adults):
    """Seed 0: the anxious destroy themselves in obsessive love; the rejected 'turn into themselves' and regulate
    with substances or sex as 'a solo act'. Quartiles of the adult strategies (at 36), compulsive use at 35."""
    for people in _by_seed(adults):
        hyp = pd.qcut(people["hyperactivation"], 4, labels=False)
        dea = pd.qcut(people["deactivation"], 4, labels=False)
        assert _share(people, hyp == 3, "compulsive_love_35") > 3 * _share(people, hyp == 0, "compulsive_love_35")
        assert _share(people, dea == 3, "compulsive_love_35") < _share(people, dea == 0, "compulsive_love_35")
        for t in SOLITARY:
            assert _share(people, dea == 3, f"compulsive_{t}_35") > 2 * _share(people, dea == 0,
                                                                              f"compulsive_{t}_35"), t


def test_s0_7_by_adult_style(adults):
    """The same with the ECR-R at 35: dismissing adults are more often in solitary relief than preoccupied ones."""
    for people in _by_seed(adults):
        style = people["adult_style_35"].astype(str)
        pre, dis = style == "preoccupied", style == "dismissing"
        for t in SOLITARY:
            assert _share(people, dis, f"compulsive_{t}_ever") > 1.3 * _share(people, pre, f"compulsive_{t}_ever"), t


#: Known miss (docs/relief.md): adult life stress, unbuffered in the more often single dismissing, draws them to every
#: relief, love included; the ECR-R's anxiety scale barely reads hyperactivation (the latent test above passes).
def test_s0_7_preoccupied_more_often_in_compulsive_love_than_dismissing(adults):
    for people in _by_seed(adults):
        style = people["adult_style_35"].astype(str)
        pre, dis = style == "preoccupied", style == "dismissing"
        assert _share(people, pre, "compulsive_love_ever") > _share(people, dis, "compulsive_love_ever")


def _profile(people):
    """(hyperactivation of love users - of solitary-sex users, deactivation of sex users - of love users)."""
    love, sex = people["compulsive_love_ever"].astype(bool), people["compulsive_sex_ever"].astype(bool)
    return (people.loc[love, "hyperactivation"].mean() - people.loc[sex, "hyperactivation"].mean(),
            people.loc[sex, "deactivation"].mean() - people.loc[love, "deactivation"].mean())


def test_s0_7_which_relief_follows_the_strategy(adults):
    """Those who reached for love are more hyperactivating, those who reached for solitary sex more deactivating,
    than each other (the adult strategies at 36)."""
    for people in _by_seed(adults):
        hyper_gap, deact_gap = _profile(people)
        assert hyper_gap > 0.03 and deact_gap > 0.015, (hyper_gap, deact_gap)


def test_s0_7_the_pulls_make_the_difference():
    """Without the strategy pulls (thresholds lowered so that both regulators stay in use) love and sex users have
    the same strategies: the profile comes from the pulls, not from the shared need (same seed, common random
    numbers)."""
    off = {"love_hyperactivation": 0.0, "love_deactivation": 0.0, "sex_deactivation": 0.0,
           "substance_deactivation": 0.0, "isolation_pull": 0.0, "threshold_love_male": 1.3,
           "threshold_love_female": 1.3, "threshold_sex_male": 1.1, "threshold_sex_female": 1.15}
    gaps = {arm: _profile(attachsim.run({"name": "normative", "years": 36.0, "parameters": {"relief": over}},
                                        n=4000, seed=21).people) for arm, over in (("on", {}), ("off", off))}
    for k in range(2):
        assert gaps["on"][k] > 0 and abs(gaps["off"][k]) < gaps["on"][k] / 3, gaps


def test_natural_remission(adults):
    """Lopez-Quintero et al. 2011: most people with a use disorder remit over the years, most without treatment.
    No one in `normative` is treated; of those who met the criterion five or more years before 35, a third to
    nine in ten no longer meet it at 35, for every regulator."""
    for people in _by_seed(adults):
        for t in REGULATORS:
            old = people[f"compulsive_{t}_ever"] & (people[f"compulsive_{t}_onset_age"] <= 30)
            remitted = 1.0 - _share(people, old, f"compulsive_{t}_35")
            assert 0.33 <= remitted <= 0.9, (t, remitted)


def test_other_causes_heritable_liability_and_peers(adults):
    """Issue 15 item 4: a heritable liability per regulator and a shared-environment risk for the substances;
    each raises its own regulator's compulsive use."""
    for people in _by_seed(adults):
        for t in REGULATORS:
            z = people[f"liability_{t}"]
            assert _share(people, z > 1, f"compulsive_{t}_ever") > 1.5 * _share(people, z < -1,
                                                                                f"compulsive_{t}_ever"), t
        z = people["peer_risk"]
        assert _share(people, z > 1, "compulsive_drugs_ever") > 1.2 * _share(people, z < -1,
                                                                           "compulsive_drugs_ever")


def test_relapse_after_treatment_follows_regulation():
    """Relapse is not a rate of its own: after symptom-focused treatment at 30 (abstinence started, lapses caught
    for a year), those with poorer regulation at 25 relapse more within a year of its end (S0-4, S0-9), because
    their craving is less damped. Pooled over two seeds; a one-sided z-test of the difference in shares."""
    from attachsim.experiments import compare

    trial = {
        "name": "relapse", "years": 32.1, "caregiving": {"profile": "community"},
        "assessments": {"checklist": {"ages_years": []}, "adult": {"ages_years": [25]}},
        "interventions": [{"name": "symptom", "kind": "symptom_focused", "start_age_months": 360,
                           "eligibility": {"compulsive": True}}],
        "arms": [{"name": "none", "control": True}, {"name": "symptom", "interventions": ["symptom"]}],
        "outcomes": [{"name": "relapse_1y", "column": "iv_symptom_relapse_1y", "kind": "share", "equals": [1]}],
    }
    p = compare(trial, n=3000, seeds=2, seed=131).people["symptom"]
    treated = p[p["iv_symptom_status"].notna()]
    low = treated["regulation_25"] < treated["regulation_25"].median()
    a, b = treated.loc[low, "iv_symptom_relapse_1y"], treated.loc[~low, "iv_symptom_relapse_1y"]
    diff = a.mean() - b.mean()
    se = np.sqrt(a.mean() * (1 - a.mean()) / a.size + b.mean() * (1 - b.mean()) / b.size)
    assert diff / se > 2, (a.mean(), b.mean(), a.size, b.size)
    assert 0.2 < treated["iv_symptom_relapse_1y"].mean() < 0.95  # neither certain nor absent


def test_no_access_no_use():
    people = attachsim.run({"years": 26, "regulators": {"access": {"alcohol": 0.0}}}, n=2000, seed=3).people
    assert not people["compulsive_alcohol_ever"].any()
    assert (people["habit_alcohol"] == 0).all()


def test_relief_kernel_matches_reference():
    a = attachsim.run("high-risk", n=300, seed=9, years=30, engine="numba").people
    b = attachsim.run("high-risk", n=300, seed=9, years=30, engine="numpy").people
    for t in REGULATORS:
        for col in (f"habit_{t}", f"tolerance_{t}", f"recent_use_{t}"):
            np.testing.assert_allclose(a[col], b[col], rtol=2e-5, atol=2e-6, err_msg=col)
        assert (a[f"compulsive_{t}_ever"] == b[f"compulsive_{t}_ever"]).all()
        assert (a[f"relapses_{t}"] == b[f"relapses_{t}"]).all()
        assert (a[f"compulsive_{t}_12m_25"] == b[f"compulsive_{t}_12m_25"]).all()
    assert sum(int(a[f"relapses_{t}"].sum()) for t in REGULATORS) > 0  # the lapse branch is exercised
