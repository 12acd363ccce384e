"""M10 parenting and transmission: births, the intergenerational scenario, and seed row S0-2."""

import pytest

import attachsim
from attachsim.core.stats import cohen_kappa

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


def test_s0_2_parents_compulsive_use_lowers_childrens_security():
    """Common random numbers: the same families with and without access to regulators."""
    base = {"years": 60, "population": {"n": N // 2, "generations": 2}}
    on = attachsim.run(base, seed=42).people
    off = attachsim.run({**base, "regulators": {"access": {t: 0.0 for t in
                                                           ("alcohol", "drugs", "food", "sex", "love")}}},
                       seed=42).people
    kids_on, kids_off = on[on["generation"] == 1], off[off["generation"] == 1]
    assert kids_on["ace_substance"].mean() > 0.02 and not kids_off["ace_substance"].any()
    assert (kids_on["ssp_12m"] == "B").mean() < (kids_off["ssp_12m"] == "B").mean() - 0.02
    assert kids_on["regulation_18"].mean() < kids_off["regulation_18"].mean()
    exposed = kids_on["ace_substance"]
    assert (kids_on.loc[exposed, "ssp_12m"] == "B").mean() < (kids_on.loc[~exposed, "ssp_12m"] == "B").mean()
