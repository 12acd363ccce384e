"""Statistical checks of the infancy targets (issue 2; MODEL §8) on 20,000 infants per scenario.

The calibrated defaults were tuned on seed 1000 (docs/calibration.md), but the Strange Situation thresholds were
then nudged on seeds 1-4, Cyr et al.'s d's fitted on seed 1 and `attachsim validate` checks seeds 1-3, so these
tests use seeds 501-506, below 1000 and used by no fitting or validation run, and retune nothing.
The validation set (attachsim.validation.VALIDATION) holds the
figures no parameter was fitted to. Tolerances are the issue's ranges.
"""

import numpy as np
import pytest

import attachsim
from attachsim.assessments.strange_situation import sensitivity_security_r

N = 20_000
SEEDS = (501, 502)
YEARS = 2  # the infancy targets need the first two years only


def _shares(name: str, seed: int) -> dict[str, float]:
    res = attachsim.run(name, n=N, seed=seed, years=YEARS)
    return {k: v["share"] for k, v in res.summary()["shares"].items()}


@pytest.fixture(scope="module")
def normative():
    return [attachsim.run("normative", n=N, seed=s, years=YEARS) for s in SEEDS]


def test_normative_shares(normative):
    """Shares averaged over two seeds of 20,000 (MODEL §8: measured on >= 20,000 and averaged over seeds)."""
    s = {k: np.mean([res.summary()["shares"][k]["share"] for res in normative]) for k in "ABCD"}
    assert 0.15 <= s["A"] <= 0.22, s
    assert 0.62 <= s["B"] <= 0.66, s
    assert 0.09 <= s["C"] <= 0.12, s
    assert 0.10 <= s["D"] <= 0.20, s


def test_sensitivity_security_correlation(normative):
    r = np.mean([sensitivity_security_r(res.people)["r"] for res in normative])
    assert abs(r - 0.24) <= 0.06, r


@pytest.fixture(scope="module")
def maltreated():
    return _shares("maltreated", 503)


def test_maltreatment_doubles_disorganisation_and_lowers_security(normative, maltreated):
    base_d = np.mean([res.summary()["shares"]["D"]["share"] for res in normative])
    base_b = np.mean([res.summary()["shares"]["B"]["share"] for res in normative])
    m = maltreated
    assert m["D"] >= 2 * base_d, (m, base_d)
    assert m["B"] <= base_b - 0.2, (m, base_b)


def test_maltreated_disorganisation_as_model_8_states_it(normative, maltreated):
    base_d = np.mean([res.summary()["shares"]["D"]["share"] for res in normative])
    assert 0.30 <= maltreated["D"] <= 0.45, maltreated
    assert 2.0 <= maltreated["D"] / base_d <= 3.0, (maltreated, base_d)


def test_high_risk_without_harm_raises_disorganisation(normative):
    base_d = np.mean([res.summary()["shares"]["D"]["share"] for res in normative])
    res = attachsim.run("high-risk", n=N, seed=504, years=YEARS)
    assert res.people["harmed_total"].sum() == 0  # no harm at all
    d = res.summary()["shares"]["D"]
    assert d["ci_low"] > base_d + 0.05, (d, base_d)


@pytest.mark.parametrize("profile,category", [("sensitive", "B"), ("rejecting", "A"), ("inconsistent", "C"),
                                              ("frightening", "D")])
def test_classic_profiles(profile, category):
    s = _shares(profile, 505)
    assert s[category] > 0.5 and s[category] == max(s.values()), s


def test_neglect_and_institution_lower_security(normative):
    base_b = np.mean([res.summary()["shares"]["B"]["share"] for res in normative])
    for name in ("neglected", "institution", "neglectful"):
        s = _shares(name, 506)
        assert s["B"] < base_b - 0.1, (name, s)
