"""Adult instruments as the field scores them, and causes of childhood problems outside attachment (issues 14, 15).

Outcomes on several seeds below 1000: nobody is coded unresolved (U) without a loss or an abuse in their
simulated history; the simulated ECR-R is reliable and its scale scores track the latent dimensions; the
non-attachment liability explains the share of the checklist composites it declares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import attachsim
from attachsim.assessments import ecrr
from attachsim.assessments.lifespan import ECRR_NORM_STATES, ECRR_NORMS
from attachsim.core.rng import normals
from attachsim.development.liability import DOMAINS, LiabilityParams

SEEDS = (11, 12, 13)


def _history(p: pd.DataFrame, age: float) -> pd.Series:
    """Loss (a parent or sibling died by ``age``) or trauma (harmed, or abuse in the ACE ledger)."""
    return ((p["first_loss_years"] <= age) | (p["harmed_total"] > 0) | p["ace_emotional_abuse"].astype(bool)
            | p["ace_physical_abuse"].astype(bool) | p["ace_sexual_abuse"].astype(bool))


@pytest.mark.parametrize(("scenario", "seed"), [("normative", s) for s in SEEDS[:2]] + [("frightening", SEEDS[2])])
def test_no_unresolved_code_without_loss_or_trauma(scenario, seed):
    """U needs a loss or an abuse in the person's history (Main, Goldwyn & Hesse 2003), and is coded for some."""
    p = attachsim.run(scenario, n=1200, seed=seed, years=25.1, timeseries=None).people
    p = p[p["aai_unresolved_25"].notna()]
    unresolved = p["aai_unresolved_25"].astype(bool)
    history = _history(p, 25.0)
    assert history.any()
    if scenario == "normative":  # in the frightening homes everyone was harmed
        assert (~history).mean() > 0.5
    assert unresolved.sum() > 0
    assert not (unresolved & ~history).any()
    # among people with such a history, U is coded for some and not for all: it reads the unresolved states too
    assert 0.0 < unresolved[history].mean() < 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_simulated_ecrr_is_reliable_and_tracks_the_latent_dimensions(seed):
    n = 5000
    ids = np.arange(n, dtype=np.int32)
    anx, avo = normals(seed, "latent.anxiety", 0, ids), normals(seed, "latent.avoidance", 0, ids)
    answers = ecrr.simulate_items(anx, avo, ids, seed=seed, step=0)
    keyed = answers.copy()
    keyed[:, [i - 1 for i in ecrr.REVERSED]] = 8 - keyed[:, [i - 1 for i in ecrr.REVERSED]]
    assert ecrr.cronbach_alpha(keyed[:, :18]) > 0.90
    assert ecrr.cronbach_alpha(keyed[:, 18:]) > 0.90
    anxiety, avoidance = ecrr.score_items(answers)  # the scorer of real files
    assert np.corrcoef(anxiety, anx)[0, 1] > 0.9
    assert np.corrcoef(avoidance, avo)[0, 1] > 0.9
    # each scale tracks its own dimension, not the other
    assert abs(np.corrcoef(anxiety, avo)[0, 1]) < 0.06
    assert abs(np.corrcoef(avoidance, anx)[0, 1]) < 0.06


@pytest.fixture(scope="module")
def adults_25() -> list[pd.DataFrame]:
    """`normative` to 25 years (the states a week after the 25-year instruments), two seeds of 3,000."""
    return [attachsim.run("normative", n=3000, seed=seed, years=25.02, timeseries=None).people for seed in SEEDS[:2]]


def test_ecrr_scales_report_the_strategies_they_are_named_for(adults_25):
    """ECR-R anxiety is the self-report of the hyperactivating strategy, avoidance of the deactivating one
    (Mikulincer & Shaver 2003; Fraley & Shaver 2000): each scale tracks its strategy more than the other scale's.
    Before the scales read standardized states, anxiety at 25 tracked hyperactivation at r = .06 and deactivation at
    .12 (seeds 11-12), so this failed. Anxiety also tracks deactivation a little: it reads low self-worth, which the
    model's adults carry with deactivation (r about -.95)."""
    for p in adults_25:
        r = {(a, b): np.corrcoef(p[f"ecrr_{a}_25"], p[b])[0, 1]
             for a in ("anxiety", "avoidance") for b in ("hyperactivation", "deactivation")}
        assert r["anxiety", "hyperactivation"] > 0.3, r
        assert r["avoidance", "deactivation"] > 0.3, r
        assert r["anxiety", "hyperactivation"] > r["anxiety", "deactivation"] + 0.05, r
        assert r["avoidance", "deactivation"] > r["avoidance", "hyperactivation"] + 0.05, r


def test_ecrr_norms_are_not_stale(adults_25):
    """The ECR-R's metric (``ECRR_NORMS``, measured on seeds 1000-1001 at 18, 25 and 35) still fits the model's adults:
    at 25, each state's mean lies within one norm SD of the norm mean and its SD within half to twice the norm SD
    (the 25-year figures when measured: means within .2 norm SD, SDs .6-.95 of the pooled ones). Rerun
    scripts/ecrr_norms.py when this fails."""
    states = ["hyperactivation", "self_worth", "threat", "deactivation"]
    p = pd.concat([q[states] for q in adults_25], ignore_index=True)
    others = pd.concat([q["others_a"] / (q["others_a"] + q["others_b"]) for q in adults_25], ignore_index=True)
    p = pd.concat([p, others.rename("model_of_others")], axis=1)
    for name in ECRR_NORM_STATES:
        mean, sd = ECRR_NORMS[name]
        assert abs(p[name].mean() - mean) < sd, (name, p[name].mean(), mean, sd)
        assert 0.5 * sd < p[name].std() < 2.0 * sd, (name, p[name].std(), sd)


@pytest.mark.parametrize("seed", SEEDS)
def test_liability_explains_its_declared_share_of_childhood_problems(seed):
    """The heritable part explains about its twin-study share of the mean 4- and 8-year composite (tolerance of
    a correlation's square: +-.06); the shared and chance parts explain more than nothing, in declared order."""
    p = attachsim.run("normative", n=3000, seed=seed, years=8.6, timeseries=None).people
    declared = LiabilityParams()
    for domain in DOMAINS:
        y = p[[f"{domain}_4y", f"{domain}_8y"]].mean(axis=1).to_numpy()
        share = {k: np.corrcoef(p[f"{domain}_{k}"], y)[0, 1] ** 2 for k in ("heritable", "shared", "chance")}
        assert abs(share["heritable"] - getattr(declared, f"{domain}_heritable")) < 0.06, (domain, share)
        assert share["heritable"] > share["shared"] > 0.02, (domain, share)
        assert share["chance"] > 0.02, (domain, share)


def test_people_with_the_same_liability_resemble_each_other():
    """Twin-like check: the same children with the liability weights at zero lose the resemblance it carries."""
    scenario = attachsim.load_scenario("normative")
    off = scenario.model_copy(update={"parameters": scenario.parameters.model_copy(update={
        "liability": LiabilityParams(internalizing_weight=0.0, externalizing_weight=0.0)})})
    on = attachsim.run("normative", n=2000, seed=14, years=8.6, timeseries=None).people
    without = attachsim.run(off, n=2000, seed=14, years=8.6, timeseries=None).people
    for domain in DOMAINS:
        y_on = on[[f"{domain}_4y", f"{domain}_8y"]].mean(axis=1)
        y_off = without[[f"{domain}_4y", f"{domain}_8y"]].mean(axis=1)
        assert np.corrcoef(on[f"{domain}_heritable"], y_on)[0, 1] > 0.5
        assert abs(np.corrcoef(without[f"{domain}_heritable"], y_off)[0, 1]) < 0.06
