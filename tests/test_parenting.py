"""M10 parenting and transmission: births, the intergenerational scenario, and seed row S0-2."""

import numpy as np
import pytest

import attachsim
from attachsim.core.stats import cohen_kappa, mediated_share, transmission

N = 20_000


@pytest.fixture(scope="module")
def families():
    return attachsim.run("intergenerational", n=N, seed=41).people


def test_generations_and_links(families):
    kids = families[families["generation"] == 1]
    assert len(kids) > 0.6 * (families["generation"] == 0).sum()
    assert (kids["parent_id"] >= 0).all() and (families.loc[families["generation"] == 0, "parent_id"] == -1).all()
    mothers = families.set_index("id").loc[kids["parent_id"]]
    assert (mothers["sex"] == "F").all() and (mothers["generation"] == 0).all()
    assert (kids["profile"] == "parent").all()
    assert set(kids["parent_aai_at_birth"].astype(str).unique()) <= {"F", "Ds", "E"}
    assert families.loc[families["generation"] == 0, "children"].sum() == len(kids)


def test_transmission_parent_interview_to_infant_strange_situation(families):
    """van IJzendoorn 1995: 75% secure/insecure agreement, kappa .49 (tolerances of issue 4)."""
    kids = families[families["generation"] == 1]
    parent_f = kids["parent_aai_at_birth"] == "F"
    child_b = kids["ssp_12m"] == "B"
    agreement = (parent_f == child_b).mean()
    kappa = cohen_kappa(parent_f.astype(str), child_b.astype(str))
    assert abs(agreement - 0.75) <= 0.07, agreement
    assert abs(kappa - 0.49) <= 0.10, kappa
    summary = transmission(families)
    assert summary["agreement"] == pytest.approx(agreement) and summary["kappa"] == pytest.approx(kappa)


def test_transmission_gap_sensitivity_carries_a_minority(families):
    """Pederson et al. 1998: observed sensitivity carries only part (17%) of the parent -> infant link."""
    kids = families[families["generation"] == 1]
    f = (kids["parent_aai_at_birth"] == "F").to_numpy(float)
    b = (kids["ssp_12m"] == "B").to_numpy(float)
    sens = kids["sensitivity_0_1"].to_numpy(float)
    med = mediated_share(b, f, sens)
    assert med["total"] > 0.3 and med["direct"] > 0.0
    assert 0.0 < med["share"] < 0.5, med
    assert transmission(families)["sensitivity_share"] == pytest.approx(med["share"])


def test_mediated_share_recovers_a_known_path():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50_000)
    m = 0.5 * x + rng.normal(size=x.size)
    y = 0.3 * x + 0.4 * m + rng.normal(size=x.size)
    # total = 0.3 + 0.4 * 0.5 = 0.5; direct 0.3; share 0.4
    assert mediated_share(y, x, m)["share"] == pytest.approx(0.4, abs=0.02)


def test_s0_2_parents_compulsive_use_lowers_childrens_security():
    """Common random numbers: the same families with and without access to regulators."""
    base = {"years": 60, "population": {"n": N, "generations": 2}}
    on = attachsim.run(base, seed=42).people
    off = attachsim.run({**base, "regulators": {"access": {t: 0.0 for t in
                                                           ("alcohol", "drugs", "food", "sex", "love")}}},
                       seed=42).people
    kids_on, kids_off = on[on["generation"] == 1], off[off["generation"] == 1]
    assert kids_on["ace_substance"].mean() > 0.02 and not kids_off["ace_substance"].any()
    b_on, b_off = (kids_on["ssp_12m"] == "B").mean(), (kids_off["ssp_12m"] == "B").mean()
    se = np.sqrt(b_on * (1 - b_on) / len(kids_on) + b_off * (1 - b_off) / len(kids_off))
    assert b_off - b_on > 2 * se, (b_on, b_off, se)  # one-sided, unpaired (conservative under common numbers)
    # the dysregulation is imparted: infants' own regulation is lower (S0-2)
    assert kids_on["regulation_12m"].mean() < kids_off["regulation_12m"].mean()
    exposed = kids_on["ace_substance"]
    assert (kids_on.loc[exposed, "ssp_12m"] == "B").mean() < (kids_on.loc[~exposed, "ssp_12m"] == "B").mean()


@pytest.mark.slow
def test_four_generations_do_not_drift_to_all_secure_or_all_insecure():
    people = attachsim.run("intergenerational", n=5_000, seed=43, generations=4, years=140).people
    sizes = people.groupby("generation").size()
    assert list(sizes.index) == [0, 1, 2, 3] and sizes.min() > 2_000
    secure = people.groupby("generation")["ssp_12m"].apply(lambda s: (s == "B").mean())
    free = people.groupby("generation")["aai_25"].apply(lambda s: (s == "F").mean())
    assert secure.between(0.45, 0.80).all(), secure
    assert free.between(0.40, 0.80).all(), free
    assert abs(secure[3] - secure[0]) < 0.12 and abs(free[3] - free[0]) < 0.15, (secure, free)
