"""Development helper: fit the adult-interview parameters on 25-year states (seed 1000). Not run by CI."""
import numpy as np
from scipy.optimize import minimize

import attachsim
from attachsim.assessments.lifespan import STATE_NAMES, LifespanAssessmentParams, adult_instruments
from attachsim.core.timeline import weeks

res = attachsim.run("normative", n=20000, seed=1000, years=weeks(years=25) / 52.1775)
p = res.people
states = {k: p[k].to_numpy(np.float64) for k in STATE_NAMES if k in p}
states["regulation"] = p["regulation"].to_numpy(np.float64)
ids = p["id"].to_numpy(np.int32)
secure_infant = (p["ssp_12m"] == "B").to_numpy()
KEYS = ["coherence_threshold", "dismissal_balance", "unresolved_threshold"]
base = LifespanAssessmentParams()


def evaluate(x):
    prm = base.model_copy(update=dict(zip(KEYS, x)))
    out = adult_instruments(states, ids, 1000, 0, 25, prm)
    aai = out["aai"]
    sh = {k: float(np.mean(aai == k)) for k in ("F", "Ds", "E")}
    return sh, float(np.mean(out["aai_unresolved"])), float(np.mean((aai == "F") == secure_infant))


def loss(x):
    sh, u, cont = evaluate(x)
    return ((sh["F"] - .58) / .01) ** 2 + ((sh["Ds"] - .23) / .01) ** 2 + ((sh["E"] - .19) / .01) ** 2 \
        + ((u - .18) / .01) ** 2 + ((cont - .72) / .01) ** 2


x0 = [getattr(base, k) for k in KEYS]
r = minimize(loss, x0, method="Nelder-Mead", options={"maxfev": 300})
print(dict(zip(KEYS, np.round(r.x, 4))), evaluate(r.x))
