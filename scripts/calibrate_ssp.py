"""Development helper: fit Strange Situation behaviour thresholds on 12-month states (seeds 1000+).

Runs the normative scenario and the four classic profiles to 12 months once, then searches the
Strange Situation parameters so that the normative shares hit MODEL §8 and each classic profile
is mostly its class. Prints the result; the chosen values are copied into the parameter schema
by hand with a note in docs/calibration.md. Not a test and not run by CI.
"""
import sys
import numpy as np
from scipy.optimize import minimize
import attachsim
from attachsim.assessments.strange_situation import StrangeSituationParams, run_strange_situation

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
NAMES = ("others_a", "others_b", "hyperactivation", "deactivation", "conflict", "threat", "regulation",
         "reactivity", "stress_gain", "arousal")
snap = {}
for name in ["normative", "sensitive", "rejecting", "inconsistent", "frightening", "high-risk", "maltreated"]:
    r = attachsim.run(name, n=N if name == "normative" else N // 4, seed=1000, years=1)
    p = r.people
    snap[name] = ({k: p[k].to_numpy(np.float32) for k in NAMES}, p["id"].to_numpy(np.int32),
                  p["sensitivity_0_1"].to_numpy())
KEYS = ["approach_threshold", "avoid_threshold", "resist_threshold", "disorg_threshold", "momentary_noise",
        "behaviour_gain"]
base = StrangeSituationParams()

def shares(x, name):
    pr = base.model_copy(update=dict(zip(KEYS, x)))
    st, ids, sens = snap[name]
    out = run_strange_situation(st, ids, pr, 1000, 51, 12)
    c = out["category"]
    sh = {k: float(np.mean(c == k)) for k in "ABCD"}
    r = float(np.corrcoef(sens, c == "B")[0, 1])
    return sh, r

def loss(x):
    if x[4] < 0 or x[5] < 0.5:
        return 1e3
    sh, r = shares(x, "normative")
    L = ((sh["A"] - .175) / .02) ** 2 + ((sh["B"] - .635) / .015) ** 2 + ((sh["C"] - .105) / .01) ** 2 \
        + ((sh["D"] - .12) / .03) ** 2
    for name, cat in (("sensitive", "B"), ("rejecting", "A"), ("inconsistent", "C"), ("frightening", "D")):
        s, _ = shares(x, name)
        L += 4 * max(0.0, 0.6 - s[cat]) ** 2 / 0.05 ** 2
    return L

x0 = np.array([getattr(base, k) for k in KEYS])
if len(sys.argv) > 2:
    x0 = np.array([float(v) for v in sys.argv[2].split(",")])
res = minimize(loss, x0, method="Nelder-Mead", options={"maxiter": 400, "xatol": 1e-3, "fatol": 1e-3})
print("loss", res.fun)
print(dict(zip(KEYS, np.round(res.x, 3))))
for name in snap:
    sh, r = shares(res.x, name)
    print(name, {k: round(v * 100, 1) for k, v in sh.items()}, "r=%.3f" % r)
