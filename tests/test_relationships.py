"""M9 intimate relationships: columns, partner links, and seed rows S0-3 / S0-8."""

import numpy as np
import pytest

import attachsim

N = 20_000


@pytest.fixture(scope="module")
def adults():
    return attachsim.run("normative", n=N, seed=31, years=36).people


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
    linked = adults[adults["partner_id"] >= 0]
    back = adults.set_index("id").loc[linked["partner_id"], "partner_id"].to_numpy()
    assert np.array_equal(back, linked["id"].to_numpy())  # partner links are mutual
    assert (adults.set_index("id").loc[linked["partner_id"], "sex"].to_numpy() != linked["sex"].to_numpy()).all()
    assert 0.4 < adults["partnered_35"].astype(float).mean() < 0.9


def test_insecure_especially_fearful_have_more_breakups_and_lower_quality(adults):
    style = adults["adult_style_25"].astype(str)
    secure, fearful, insecure = style == "secure", style == "fearful", style != "secure"
    assert adults.loc[fearful, "breakups"].mean() > adults.loc[secure, "breakups"].mean()
    assert adults.loc[insecure, "breakups"].mean() > adults.loc[secure, "breakups"].mean()
    q = "relationship_quality_35"
    assert adults.loc[fearful, q].mean() < adults.loc[secure, q].mean() - 0.02
    assert adults.loc[insecure, q].mean() < adults.loc[secure, q].mean()


def test_s0_8_closeness_threatens_a_rigid_defence():
    """Same people with and without the paradoxical response: without it, defended adults gain security."""
    on = attachsim.run("rejecting", n=N // 2, seed=32, years=36).people
    off = attachsim.run({"caregiving": {"profile": "rejecting"}, "years": 36,
                         "parameters": {"relationships": {"paradox_self_worth": 0.0}}}, n=N // 2, seed=32).people
    # defended at 18: low self-worth (fear of inadequacy) and high deactivation (fear of losing autonomy)
    defended = (on["fear_inadequacy_18"] > 0.5) & (on["fear_loss_of_autonomy_18"] > 0.5) & (on["partnerships"] > 0)
    assert defended.sum() > 50
    assert off.loc[defended, "deactivation"].mean() < on.loc[defended, "deactivation"].mean()
