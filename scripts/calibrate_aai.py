"""Development helper: fit the adult-interview thresholds on 25-year states (seeds >= 1000 only). Not run by CI.

Fitted: ``coherence_threshold``, ``dismissal_balance``, ``unresolved_threshold`` (``interview_noise`` held at 0.3)
to Bakermans-Kranenburg & van IJzendoorn 2009 (Ds 23, F 58, E 19%, U 18% in addition), read on the
`general-population` scenario: the non-clinical mothers' histories carry abuse and loss at population rates, as
that scenario's ACE figures do (calibrated to the ACE study); `normative` has no maltreatment at all. Continuity
from the 12-month Strange Situation (Waters et al. 2000: 72%, a low-risk middle-class sample) is read on
`normative` and is in the objective with the same weight. U is coded only for people with a loss or an abuse in
their history (``loss_or_trauma``), as in the interview's coding rules.

The states at 25 do not depend on these thresholds (one generation), so each run's states are kept in
``/tmp/attachsim_aai_<scenario>_<n>_<seed>.npz`` and reused.

Usage: python scripts/calibrate_aai.py [n] [seed ...]   (default 20000 people, seeds 1000 1001)
"""
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

import attachsim
from attachsim.assessments.lifespan import STATE_NAMES, LifespanAssessmentParams, adult_instruments
from attachsim.core.timeline import weeks

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
SEEDS = [int(s) for s in sys.argv[2:]] or [1000, 1001]
assert min(SEEDS) >= 1000, "calibration uses seeds >= 1000 only"
KEYS = ["coherence_threshold", "dismissal_balance", "unresolved_threshold"]
SHARES = "general-population"  # F / Ds / E / U
CONTINUITY = "normative"
base = LifespanAssessmentParams()
AGE = 25


def states_at_25(scenario: str, seed: int) -> dict[str, np.ndarray]:
    """The 25-year states, ids, eligibility for U and secure infants of one run (cached)."""
    path = Path(f"/tmp/attachsim_aai_{scenario}_{N}_{seed}.npz")
    if path.exists():
        with np.load(path) as f:
            return dict(f)
    p = attachsim.run(scenario, n=N, seed=seed, years=weeks(years=AGE) / 52.1775, timeseries=None).people
    out = {k: p[k].to_numpy(np.float64) for k in STATE_NAMES}
    out["id"] = p["id"].to_numpy(np.int32)
    out["secure_infant"] = (p["ssp_12m"] == "B").to_numpy()
    out["eligible"] = ((p["first_loss_years"] <= AGE) | (p["harmed_total"] > 0) | p["ace_emotional_abuse"]
                       | p["ace_physical_abuse"] | p["ace_sexual_abuse"]).to_numpy(bool)
    np.savez(path, **out)
    return out


runs = []
for seed in SEEDS:
    for scenario in (SHARES, CONTINUITY):
        s = states_at_25(scenario, seed)
        runs.append((scenario, seed, s))
        print(f"{scenario} seed {seed}: loss or trauma by {AGE}: {s['eligible'].mean():.3f}", flush=True)


def evaluate(x):
    """Shares F/Ds/E and U (general-population) and continuity (normative), pooled over the seeds."""
    prm = base.model_copy(update=dict(zip(KEYS, x, strict=True)))
    sh, u, cont = {k: 0.0 for k in ("F", "Ds", "E")}, 0.0, 0.0
    for scenario, seed, s in runs:
        out = adult_instruments(s, s["id"], seed, 0, AGE, prm, s["eligible"])
        if scenario == SHARES:
            for k in sh:
                sh[k] += float(np.mean(out["aai"] == k)) / len(SEEDS)
            u += float(np.mean(out["aai_unresolved"])) / len(SEEDS)
        else:
            cont += float(np.mean((out["aai"] == "F") == s["secure_infant"])) / len(SEEDS)
    return sh, u, cont


def loss(x):
    """Squared misses in points."""
    sh, u, cont = evaluate(x)
    return ((sh["F"] - .58) / .01) ** 2 + ((sh["Ds"] - .23) / .01) ** 2 + ((sh["E"] - .19) / .01) ** 2 \
        + ((u - .18) / .01) ** 2 + ((cont - .72) / .01) ** 2


x0 = [getattr(base, k) for k in KEYS]
print("start", dict(zip(KEYS, x0, strict=True)), evaluate(x0), flush=True)
r = minimize(loss, x0, method="Nelder-Mead", options={"maxfev": 300})
print(dict(zip(KEYS, np.round(r.x, 4), strict=True)), evaluate(r.x))
