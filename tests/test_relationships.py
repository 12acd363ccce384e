"""M9 intimate relationships: columns, partner links, and seed rows S0-3 / S0-8 (S0-8 as an outcome: being loved)."""

import numpy as np
import pandas as pd
import pytest

import attachsim


@pytest.fixture(scope="module")
def adults(normative_adults):
    return normative_adults


def test_columns_and_links(adults):
    for age in (25, 35):
        for col in (f"partnered_{age}", f"relationship_quality_{age}", f"relationship_conflict_{age}"):
            assert col in adults
        partnered = adults[f"partnered_{age}"].astype(bool)
        assert adults.loc[partnered, f"relationship_quality_{age}"].between(0, 1).all()
        assert adults.loc[~partnered, f"relationship_quality_{age}"].isna().all()
    for col in ("partnerships", "breakups", "years_single"):
        assert col in adults and (adults[col] >= 0).all()
    assert (adults["breakups"] <= adults["partnerships"]).all()
    for _, run in adults.groupby("seed"):  # ids are per run
        linked = run[run["partner_id"] >= 0]
        back = run.set_index("id").loc[linked["partner_id"], "partner_id"].to_numpy()
        assert np.array_equal(back, linked["id"].to_numpy())  # partner links are mutual
        assert (run.set_index("id").loc[linked["partner_id"], "sex"].to_numpy() != linked["sex"].to_numpy()).all()
    assert 0.4 < adults["partnered_35"].astype(float).mean() < 0.9


def test_insecure_especially_fearful_have_more_breakups_and_lower_quality(adults):
    style = adults["adult_style_25"].astype(str)
    secure, fearful, insecure = style == "secure", style == "fearful", style != "secure"
    assert adults.loc[fearful, "breakups"].mean() > adults.loc[secure, "breakups"].mean()
    assert adults.loc[insecure, "breakups"].mean() > adults.loc[secure, "breakups"].mean()
    q = "relationship_quality_35"
    assert adults.loc[fearful, q].mean() < adults.loc[secure, q].mean() - 0.02
    assert adults.loc[insecure, q].mean() < adults.loc[secure, q].mean()


def _loved_and_less_loved(profile: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same people (common random numbers) whose partners are there at 85% or at 25% of their distress
    episodes from adulthood on: the two arms differ only in how much a partner answers (being loved)."""
    def run(availability: float) -> pd.DataFrame:
        return attachsim.run({"caregiving": {"profile": profile}, "years": 24.1,
                              "assessments": {"checklist": {"ages_years": []}, "adult": {"ages_years": [18, 24]}},
                              "parameters": {"relationships": {"partner_availability": availability}}},
                             n=1_000, seed=seed).people
    return run(0.85), run(0.25)


@pytest.fixture(scope="module")
def loved():
    """Seeds 131-132. Defended at 18 (S0-8: low self-worth, high deactivation, read from the intimacy fears of
    inadequacy and loss of autonomy): almost every adult raised by a rejecting caregiver; the comparison group is
    the undefended adults of community care."""
    out: dict[str, list[tuple[pd.DataFrame, pd.DataFrame]]] = {"defended": [], "undefended": []}
    for seed in (131, 132):
        for profile, group in (("rejecting", "defended"), ("community", "undefended")):
            hi, lo = _loved_and_less_loved(profile, seed)
            assert hi["fear_inadequacy_18"].equals(lo["fear_inadequacy_18"])  # identical until adulthood
            defended = (hi["fear_inadequacy_18"] > 0.5) & (hi["fear_loss_of_autonomy_18"] > 0.5)
            keep = defended if group == "defended" else ~defended
            assert keep.sum() > 800, (profile, keep.sum())
            out[group].append((hi[keep], lo[keep]))
    return out


def _effect_of_love(pairs: list[tuple[pd.DataFrame, pd.DataFrame]], column: str) -> tuple[float, float]:
    """Mean paired difference (loved - less loved) over people and seeds, and its z."""
    d = pd.concat([hi[column].astype(float) - lo[column].astype(float) for hi, lo in pairs]).dropna().to_numpy()
    return float(d.mean()), float(d.mean() / (d.std(ddof=1) / np.sqrt(d.size)))


@pytest.mark.parametrize("column", ["deactivation", "ecrr_avoidance_24", "relationship_conflict_24"])
def test_s0_8_being_loved_makes_a_defended_adult_reject_closeness(loved, column):
    """Hayden (S0-8): for a rigid defence, being loved threatens, so the person rejects closeness. Six years of a
    partner who is there leave the defended more deactivated, more avoidant on the ECR-R and in more conflict than
    the same people with a partner seldom there, while undefended adults gain from the same partner (less of each).
    With the paradoxical response switched off (``paradox_self_worth`` 0) the defended gain too and this fails
    (checked by hand on these seeds: deactivation -0.002, ECR-R avoidance -0.07, conflict -0.003, each z < -3)."""
    gain_defended, z_defended = _effect_of_love(loved["defended"], column)
    gain_other, z_other = _effect_of_love(loved["undefended"], column)
    assert gain_defended > 0 and z_defended > 3, (gain_defended, z_defended)
    assert gain_other < 0 and z_other < -3, (gain_other, z_other)


@pytest.mark.xfail(strict=True, reason="MODEL M9 says closeness raises the defended's arousal; the model only "
                   "withholds the soothing (a soothed episode counts as a rebuff), so chronic stress still falls a "
                   "little with a loved partner (seeds 131-132: -0.006). Issue 15 makes S0-8 emergent.")
def test_s0_8_being_loved_raises_a_defended_adults_chronic_stress(loved):
    gain, z = _effect_of_love(loved["defended"], "chronic_stress_24")
    assert gain > 0 and z > 3, (gain, z)
