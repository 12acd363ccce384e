"""Development helper: fit the checklist weights of the non-attachment liabilities (seed >= 1000). Not run by CI.

Target: the heritable component explains its declared share (``liability.<domain>_heritable``) of the variance
of the mean checklist composite at 4 and 8 years in the normative population. Only the twin-study share is read;
no attachment association is computed here.
"""
import sys

import numpy as np

import attachsim
from attachsim.development.liability import DOMAINS, LiabilityParams

N, SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 6000, int(sys.argv[2]) if len(sys.argv) > 2 else 1000
assert SEED >= 1000, "calibration uses seeds >= 1000 only"
base = LiabilityParams()


def shares(weights: dict[str, float]) -> dict[str, dict[str, float]]:
    """Squared correlation of each component with the mean 4- and 8-year composite, per domain."""
    sc = attachsim.load_scenario("normative")
    sc = sc.model_copy(update={"parameters": sc.parameters.model_copy(update={
        "liability": sc.parameters.liability.model_copy(update={f"{d}_weight": w for d, w in weights.items()})})})
    res = attachsim.run(sc, n=N, seed=SEED, years=8.6, timeseries=None)
    p = res.people
    out = {}
    for d in DOMAINS:
        y = p[[f"{d}_4y", f"{d}_8y"]].mean(axis=1).to_numpy()
        out[d] = {k: float(np.corrcoef(p[f"{d}_{k}"], y)[0, 1] ** 2) for k in ("heritable", "shared", "chance")}
    return out


w = {d: getattr(base, f"{d}_weight") for d in DOMAINS}
target = {d: getattr(base, f"{d}_heritable") for d in DOMAINS}
hist: dict[str, list[tuple[float, float]]] = {d: [] for d in DOMAINS}
for it in range(6):
    sh = shares(w)
    print(it, {d: round(w[d], 4) for d in DOMAINS}, sh, flush=True)
    for d in DOMAINS:
        hist[d].append((w[d], sh[d]["heritable"]))
        if len(hist[d]) == 1:
            w[d] = w[d] * (target[d] / max(sh[d]["heritable"], 1e-3)) ** 0.5
        else:
            (w0, r0), (w1, r1) = hist[d][-2], hist[d][-1]
            w[d] = w1 + (target[d] - r1) * (w1 - w0) / (r1 - r0) if r1 != r0 else w1
        w[d] = float(np.clip(w[d], 0.01, 2.0))
