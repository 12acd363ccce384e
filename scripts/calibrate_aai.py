"""Development helper: fit the adult-interview thresholds on 25-year states (seeds >= 1000 only). Not run by CI.

Fitted: ``coherence_threshold``, ``dismissal_balance``, ``unresolved_threshold`` (``interview_noise`` held at 0.3)
to Bakermans-Kranenburg & van IJzendoorn 2009 (Ds 23, F 58, E 19%, U 18% in addition); continuity from the
12-month Strange Situation (Waters et al. 2000: 72%) is in the objective with the same weight. U is coded only
for people with a loss or an abuse in their history (``loss_or_trauma``), as in the interview's coding rules.

Usage: python scripts/calibrate_aai.py [n] [seed ...]   (default 20000 people, seeds 1000 1001)
"""
import sys

import numpy as np
from scipy.optimize import minimize

import attachsim
from attachsim.assessments.lifespan import STATE_NAMES, LifespanAssessmentParams, adult_instruments
from attachsim.core.timeline import weeks

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
SEEDS = [int(s) for s in sys.argv[2:]] or [1000, 1001]
assert min(SEEDS) >= 1000, "calibration uses seeds >= 1000 only"
KEYS = ["coherence_threshold", "dismissal_balance", "unresolved_threshold"]
base = LifespanAssessmentParams()
AGE = 25
runs = []
for seed in SEEDS:
    p = attachsim.run("normative", n=N, seed=seed, years=weeks(years=AGE) / 52.1775, timeseries=None).people
    states = {k: p[k].to_numpy(np.float64) for k in STATE_NAMES}
    eligible = ((p["first_loss_years"] <= AGE) | (p["harmed_total"] > 0) | p["ace_emotional_abuse"]
                | p["ace_physical_abuse"] | p["ace_sexual_abuse"]).to_numpy(bool)
    runs.append((seed, states, p["id"].to_numpy(np.int32), (p["ssp_12m"] == "B").to_numpy(), eligible))
    bereaved = np.mean(p["first_loss_years"] <= AGE)
    print(f"seed {seed}: loss or trauma by {AGE}: {eligible.mean():.3f} (loss {bereaved:.3f})", flush=True)


def evaluate(x):
    """Shares F/Ds/E, U and continuity pooled over the seeds."""
    prm = base.model_copy(update=dict(zip(KEYS, x, strict=True)))
    sh, u, cont = {k: 0.0 for k in ("F", "Ds", "E")}, 0.0, 0.0
    for seed, states, ids, secure_infant, eligible in runs:
        out = adult_instruments(states, ids, seed, 0, AGE, prm, eligible)
        for k in sh:
            sh[k] += float(np.mean(out["aai"] == k)) / len(runs)
        u += float(np.mean(out["aai_unresolved"])) / len(runs)
        cont += float(np.mean((out["aai"] == "F") == secure_infant)) / len(runs)
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
