"""M10 parenting and transmission: births, the intergenerational scenario, and seed row S0-2."""

import numpy as np
import pytest

import attachsim
from attachsim.core.stats import cohen_kappa, mediated_share, secure_table, transmission

N = 20_000


@pytest.fixture(scope="module")
def families():
    # 47 years: every child of the first generation (born to mothers of 18-45) reaches the 12-month procedure
    # seed 161: below 1000 and used by no fitting; M10's gains were scanned while checking seeds 7 and 41, and
    # `attachsim validate` checks seeds 1-3 (docs/calibration.md)
    return attachsim.run("intergenerational", n=N, seed=161, years=47).people


@pytest.mark.slow
def test_generations_and_links(families):
    kids = families[families["generation"] == 1]
    assert len(kids) > 0.6 * (families["generation"] == 0).sum()
    assert (kids["parent_id"] >= 0).all() and (families.loc[families["generation"] == 0, "parent_id"] == -1).all()
    mothers = families.set_index("id").loc[kids["parent_id"]]
    assert (mothers["sex"] == "F").all() and (mothers["generation"] == 0).all()
    assert (kids["profile"] == "parent").all()
    assert set(kids["parent_aai_at_birth"].astype(str).unique()) <= {"F", "Ds", "E"}
    assert families.loc[families["generation"] == 0, "children"].sum() == len(kids)


@pytest.mark.slow
def test_heritable_liabilities_pass_from_mother_to_child_at_half(families):
    """Additive genetic liabilities (M8's per regulator, the childhood problems' own) correlate about .5 between
    mother and child (Falconer & Mackay 1996), and the child's variance stays 1."""
    kids = families[families["generation"] == 1]
    mothers = families.set_index("id").loc[kids["parent_id"]]
    for col in ("liability_alcohol", "liability_love", "internalizing_heritable", "externalizing_heritable"):
        r = np.corrcoef(kids[col].to_numpy(float), mothers[col].to_numpy(float))[0, 1]
        assert 0.38 < r < 0.62, (col, r)
        assert 0.85 < kids[col].std() < 1.15, (col, kids[col].std())


@pytest.mark.slow
def test_transmission_parent_interview_to_infant_strange_situation(families):
    """van IJzendoorn 1995: 75% secure/insecure agreement (MODEL §8: ±7 points)."""
    kids = families[families["generation"] == 1]
    parent_f = kids["parent_aai_at_birth"] == "F"
    child_b = kids["ssp_12m"] == "B"
    agreement = (parent_f == child_b).mean()
    kappa = cohen_kappa(parent_f.astype(str), child_b.astype(str))
    assert abs(agreement - 0.75) <= 0.07, agreement
    assert kappa > 0.3, kappa
    summary = transmission(families)
    assert summary["agreement"] == pytest.approx(agreement) and summary["kappa"] == pytest.approx(kappa)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="kappa about .36 (validate, seeds 1-2 at 10,000: .355; agreement 70.3%, "
                   "d .879), under MODEL §8's .49 ± .06: 79% of first-generation mothers are F, and van IJzendoorn's "
                   "75% with kappa .49 allow at most 77%; infants of F mothers are about 68% B where these margins "
                   "need about 78%; harm from unregulated hostility did not close it (docs/transmission.md); a miss, "
                   "reported, not tuned away")
def test_transmission_kappa_as_model_8_states_it(families):
    """van IJzendoorn 1995: kappa .49 (MODEL §8: ±.06)."""
    kids = families[families["generation"] == 1]
    kappa = cohen_kappa((kids["parent_aai_at_birth"] == "F").astype(str), (kids["ssp_12m"] == "B").astype(str))
    assert abs(kappa - 0.49) <= 0.06, kappa


@pytest.mark.slow
def test_transmission_gap_sensitivity_carries_a_minority(families):
    """Pederson et al. 1998: sensitivity as observers rate it carries only part (17%) of the parent -> infant link:
    the parent's interview still predicts the infant's security among parents rated equally sensitive."""
    kids = families[families["generation"] == 1]
    f = (kids["parent_aai_at_birth"] == "F").to_numpy(float)
    b = (kids["ssp_12m"] == "B").to_numpy(float)
    sens = kids["sensitivity_rated_0_1"].to_numpy(float)
    med = mediated_share(b, f, sens)
    assert med["total"] > 0.3 and med["direct"] > 0.0
    assert 0.0 < med["share"] < 0.5, med
    assert transmission(families)["sensitivity_share"] == pytest.approx(med["share"])
    # observers see the parent mostly out of the infant's distress; the link runs through her responses to
    # distress (Leerkes 2011), so the soothing share of the first year carries more of it than the rating does
    assert mediated_share(b, f, kids["sensitivity_0_1"].to_numpy(float))["share"] > med["share"]


CYCLE_SEEDS = (11, 12, 13)
ABUSE = ["ace_emotional_abuse", "ace_physical_abuse", "ace_sexual_abuse"]


@pytest.fixture(scope="module")
def cycle():
    """Two generations of a general population: the first generation's caregivers harm 40% of childhoods (the ACE
    scenario's threat schedule); a simulated parent's child is harmed only by what the parent's state produces."""
    sc = {"years": 40, "population": {"n": 2_500, "generations": 2}, "caregiving": {"profile": "community"},
          "adversity": {"threat": {"onset_months": 0, "duration_months": 216, "intensity": 0.05, "share": 0.4}}}
    out = []
    for seed in CYCLE_SEEDS:
        people = attachsim.run(sc, seed=seed).people.set_index("id")
        kids = people[people["generation"] == 1].copy()
        mothers = people.loc[kids["parent_id"]]
        kids["mother_arousal"] = mothers["arousal_mean"].to_numpy()
        kids["mother_regulation"] = mothers["regulation"].to_numpy()
        kids["mother_maltreated"] = mothers[ABUSE].astype(bool).any(axis=1).to_numpy()
        kids["soothed_share"] = kids["soothed_total"] / kids["episodes_total"].clip(lower=1)
        kids["harmed"] = kids["harmed_total"] > 0
        out.append(kids)
    return out


@pytest.mark.slow
def test_a_dysregulated_parents_child_gets_less_soothing_and_more_harm(cycle):
    """M10 (S0-2): children of the mothers with the most chronic, least regulated arousal have a smaller share of
    their distress episodes soothed and are more often harmed than children of the most regulated mothers."""
    for kids in cycle:
        strain = kids["mother_arousal"] * (1 - kids["mother_regulation"])
        low, high = strain.quantile([1 / 3, 2 / 3])
        calm, strained = kids[strain <= low], kids[strain >= high]
        assert strained["soothed_share"].mean() < calm["soothed_share"].mean() - 0.02
        assert strained["harmed"].mean() > calm["harmed"].mean() + 0.02


@pytest.mark.slow
def test_maltreatment_is_passed_on(cycle):
    """The cycle of maltreatment (Madigan et al. 2019; Assink et al. 2018): children of mothers who were maltreated
    (any abuse flag before 18) are harmed more often than children of other mothers; nothing in M10 reads the
    mother's maltreatment record, only the states it left."""
    p1, p0 = [], []
    for kids in cycle:
        m = kids["mother_maltreated"].to_numpy(bool)
        assert 100 < m.sum() < len(kids) - 100
        h = kids["harmed"].to_numpy(bool)
        p1.append(h[m].mean())
        p0.append(h[~m].mean())
        assert p1[-1] > p0[-1]
    odds = (np.mean(p1) / (1 - np.mean(p1))) / (np.mean(p0) / (1 - np.mean(p0)))
    assert odds > 1.5, (p1, p0, odds)


def test_mediated_share_recovers_a_known_path():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50_000)
    m = 0.5 * x + rng.normal(size=x.size)
    y = 0.3 * x + 0.4 * m + rng.normal(size=x.size)
    # total = 0.3 + 0.4 * 0.5 = 0.5; direct 0.3; share 0.4
    assert mediated_share(y, x, m)["share"] == pytest.approx(0.4, abs=0.02)


@pytest.mark.parametrize("parent_f", [0.58, 0.78])
def test_secure_table_gives_the_kappa_of_a_table_with_that_margin(parent_f: float) -> None:
    """The link kept, the margin set: the kappa and agreement of an actual table of parents and children with the
    parents' share F and the rows P(B | F) = .68, P(B | not F) = .18 (counted, not computed from the formula)."""
    n = 100_000
    n_f = round(parent_f * n)
    f = np.r_[np.ones(n_f, dtype=int), np.zeros(n - n_f, dtype=int)]
    b = np.r_[np.arange(n_f) < round(0.68 * n_f), np.arange(n - n_f) < round(0.18 * (n - n_f))].astype(int)
    table = secure_table(parent_f, 0.68, 0.18)
    assert table["kappa"] == pytest.approx(cohen_kappa(f.astype(str), b.astype(str)), abs=1e-4)
    assert table["agreement"] == pytest.approx(float(np.mean(f == b)), abs=1e-4)
    assert (table["kappa"] > 0.45) == (parent_f < 0.7)  # the same rows: kappa near .49 only at 58% F


@pytest.mark.slow
def test_s0_2_a_parents_compulsive_use_costs_exactly_her_childrens_security():
    """Common random numbers, person by person: the same families, the compulsive parent's care with and
    without its cost (``parenting.compulsive_cost``). Run to 36 years, before the first children enter the
    partner market, so both arms have the same births and the same ids: every child whose mother was never in
    compulsive use during the child's childhood (to 18 or the end of the run) has exactly the same Strange
    Situation, and the children of compulsive mothers are less often secure."""
    base = {"years": 36, "population": {"n": 3_000, "generations": 2}}
    on = attachsim.run(base, seed=42).people
    off = attachsim.run({**base, "parameters": {"parenting": {"compulsive_cost": 0.0}}}, seed=42).people
    kids_on = on[(on["generation"] == 1) & on["ssp_12m"].notna()].set_index("id")
    kids_off = off[(off["generation"] == 1) & off["ssp_12m"].notna()].set_index("id")
    assert kids_on.index.equals(kids_off.index) and (kids_on["parent_id"] == kids_off["parent_id"]).all()
    assert len(kids_on) > 1_500
    b_on = (kids_on["ssp_12m"] == "B").to_numpy(float)
    b_off = (kids_off["ssp_12m"] == "B").to_numpy(float)
    exposed = kids_on["ace_substance"].to_numpy(bool)
    assert 0.05 < exposed.mean() < 0.5
    # a mother never in compulsive use during the childhood: the child's care and Strange Situation are identical
    assert (b_on[~exposed] == b_off[~exposed]).all()
    diff = b_off[exposed] - b_on[exposed]
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.mean() > 4 * se, (diff.mean(), se)
    assert kids_on["regulation_12m"][exposed].mean() < kids_off["regulation_12m"][exposed].mean()


@pytest.mark.slow
def test_s0_2_parents_compulsive_use_lowers_childrens_security():
    """The population claim (S0-2): the same first generation (common random numbers) with and without access to
    every regulator; children born to them are less often secure when their parents can use compulsively. Access
    changes the parents' lives (partners, births), so the children are compared as groups, over two seeds."""
    base = {"years": 47, "population": {"n": N, "generations": 2}}
    no_access = {"regulators": {"access": {t: 0.0 for t in ("alcohol", "drugs", "food", "sex", "love")}}}
    b_on, b_off, reg_on, reg_off = [], [], [], []
    for seed in (42, 43):
        on = attachsim.run(base, seed=seed).people
        off = attachsim.run({**base, **no_access}, seed=seed).people
        kids_on = on[(on["generation"] == 1) & on["ssp_12m"].notna()]
        kids_off = off[(off["generation"] == 1) & off["ssp_12m"].notna()]
        assert kids_on["ace_substance"].mean() > 0.02 and not kids_off["ace_substance"].any()
        b_on.append(kids_on["ssp_12m"] == "B")
        b_off.append(kids_off["ssp_12m"] == "B")
        reg_on.append(kids_on["regulation_12m"])
        reg_off.append(kids_off["regulation_12m"])
        exposed = kids_on["ace_substance"]
        assert (kids_on.loc[exposed, "ssp_12m"] == "B").mean() < (kids_on.loc[~exposed, "ssp_12m"] == "B").mean()
    p_on, p_off = np.concatenate(b_on).mean(), np.concatenate(b_off).mean()
    se = np.sqrt(p_on * (1 - p_on) / sum(map(len, b_on)) + p_off * (1 - p_off) / sum(map(len, b_off)))
    assert p_off - p_on > 2 * se, (p_on, p_off, se)  # one-sided, unpaired (seeds 42, 43: -1.1 points, z = 3.0)
    assert np.concatenate(reg_on).mean() < np.concatenate(reg_off).mean()


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="after this wave's revision the adult interview drifts towards autonomy over "
                   "generations (seed 43, 5,000: F 68.2, 77.2, 84.2, 89.2% in generations 0-3; the infants' secure "
                   "share stays within bounds): simulated parents' children meet no exogenous adversity and M10's "
                   "harm is rare in autonomous homes; a model finding, reported in docs/transmission.md, not tuned")
def test_four_generations_do_not_drift_to_all_secure_or_all_insecure():
    people = attachsim.run("intergenerational", n=5_000, seed=43, generations=4, years=140).people
    sizes = people.groupby("generation").size()
    assert list(sizes.index) == [0, 1, 2, 3] and sizes.min() > 2_000
    secure = people.groupby("generation")["ssp_12m"].apply(lambda s: (s == "B").mean())
    free = people.groupby("generation")["aai_25"].apply(lambda s: (s == "F").mean())
    assert secure.between(0.45, 0.80).all(), secure
    assert free.between(0.40, 0.80).all(), free
    assert abs(secure[3] - secure[0]) < 0.12 and abs(free[3] - free[0]) < 0.15, (secure, free)
