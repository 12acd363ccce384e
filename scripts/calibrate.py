"""Development helper: fit the calibrated parameters to MODEL §8 infancy targets on seeds 1000+.

Searches kernel and Strange Situation parameters (Nelder-Mead) so that the normative shares and the
sensitivity-security correlation hit their targets, maltreated and high-risk raise D, and each
classic profile is mostly its class. Prints the fitted values; they are copied by hand into the
parameter schema, with a note in docs/calibration.md. Not a test and not run by CI.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import differential_evolution, minimize

import attachsim

N = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
KEYS = [
    ("community", "sensitivity_sd", 0.05, 0.3),
    ("response", "fright_per_dysregulation", 0.01, 0.6),
    ("strange_situation", "approach_threshold", -0.3, 0.5), ("strange_situation", "avoid_threshold", 0.1, 0.6),
    ("strange_situation", "resist_threshold", 0.05, 0.5), ("strange_situation", "disorg_threshold", 0.2, 1.8),
    ("strange_situation", "momentary_noise", 0.0, 0.5),
]
base = attachsim.load_scenario("normative").parameters


def params(x):
    d = base.model_dump()
    for (g, k, _, _), v in zip(KEYS, x):
        if g != "community":
            d[g][k] = float(v)
    return d


def run(name, x, n):
    sc = attachsim.load_scenario(name).model_dump(mode="json")
    sc["parameters"] = params(x)
    for (g, k, _, _), v in zip(KEYS, x):
        if g == "community" and sc["caregiving"]["profile"] == "community":
            from attachsim.caregiving.profiles import PROFILES
            mean = PROFILES["community"].dist(k.split("_")[0])[0]
            sc["caregiving"]["overrides"][k.split("_")[0]] = {"mean": mean, "sd": float(v)}
    r = attachsim.run(sc, n=n, seed=1000, years=1)
    s = r.summary()
    return {k: v["share"] for k, v in s["shares"].items()}, s["sensitivity_security_r"]["r"]


def evaluate(x):
    out = {"normative": run("normative", x, N)}
    for name in ("sensitive", "rejecting", "inconsistent", "frightening", "high-risk", "maltreated"):
        out[name] = run(name, x, N // 4)
    return out


def loss(x):
    try:
        ev = evaluate(x)
    except attachsim.ScenarioError:
        return 1e6
    sh, r = ev["normative"]
    L = ((sh["A"] - .162) / .005) ** 2 + ((sh["B"] - .628) / .005) ** 2 + ((sh["C"] - .102) / .005) ** 2 \
        + ((sh["D"] - .108) / .005) ** 2 + ((0 if np.isnan(r) else r - .24) / .02) ** 2
    for name, cat in (("sensitive", "B"), ("rejecting", "A"), ("inconsistent", "C"), ("frightening", "D")):
        L += max(0.0, 0.62 - ev[name][0][cat]) ** 2 / 0.02 ** 2
    L += ((ev["maltreated"][0]["B"] - .35) / .05) ** 2 + ((ev["maltreated"][0]["D"] - .5) / .05) ** 2
    L += ((ev["high-risk"][0]["D"] - .4) / .05) ** 2
    return L


x0 = np.array([0.2 if g == "community" else getattr(getattr(base, g), k) for g, k, _, _ in KEYS])
if len(sys.argv) > 2 and sys.argv[2]:
    x0 = np.array(json.loads(sys.argv[2]))
t = time.time()
x0 = np.clip(x0, [k[2] for k in KEYS], [k[3] for k in KEYS])
res = minimize(loss, x0, method="Nelder-Mead", options={"maxfev": 300, "initial_simplex": None}) if "--polish" in sys.argv \
    else differential_evolution(loss, [(k[2], k[3]) for k in KEYS], x0=x0, popsize=5, seed=2,
                             maxiter=int(sys.argv[3]) if len(sys.argv) > 3 else 20, polish=False, tol=1e-4,
                             callback=lambda intermediate_result: print("gen", intermediate_result.fun, flush=True))
print("loss", res.fun, "time", round(time.time() - t))
print(json.dumps([round(float(v), 4) for v in res.x]))
for (g, k, _, _), v in zip(KEYS, res.x):
    print(f"{g}.{k} = {v:.4f}")
for name, (sh, r) in evaluate(res.x).items():
    print(name, {k: round(v * 100, 1) for k, v in sh.items()}, "r=%.3f" % r)
