"""Dev helper: decompose parent-interview -> infant Strange Situation transmission by caregiving channel.

Usage: python scripts/transmission.py [n] [seed] [key=value ...]   (keys are parameters.parenting.* names)
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pandas as pd

import attachsim
from attachsim.adulthood import parenting as par_mod
from attachsim.core.stats import cohen_kappa

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)

PSTATES = ("regulation", "self_worth", "deactivation", "hyperactivation", "threat", "conflict", "stress_gain",
           "arousal", "arousal_mean", "others_a", "others_b")
CHILDHOOD = int(os.environ.get("CHILDHOOD", "0"))
CHANNELS = ("cg_sensitivity", "cg_rejection", "cg_inconsistency", "cg_dysregulation", "cg_availability")


def main() -> None:
    """Run a reduced intergenerational population and print the decomposition."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    over = dict(a.split("=") for a in sys.argv[3:])
    acc: dict[str, np.ndarray] = {}
    orig = par_mod.Parenting._caregiving

    def wrapped(self, sim, step):  # type: ignore[no-untyped-def]
        orig(self, sim, step)
        pop = sim.pop
        if not acc:
            for c in (*CHANNELS, "w"):
                acc[c] = np.zeros(pop.capacity)
        kids = np.nonzero((pop["parent"][: pop.n] >= 0) & (step - pop["birth_step"][: pop.n] < 52))[0]
        for c in CHANNELS:
            acc[c][kids] += pop[c][kids]
        acc["w"][kids] += 1
        if CHILDHOOD:
            ch = np.nonzero((pop["parent"][: pop.n] >= 0) & (step - pop["birth_step"][: pop.n] < 18 * 52))[0]
            if ch.size:
                mom = pop["parent"][ch]
                st = {k: pop[k][mom].astype(np.float64) for k in par_mod.INDEX_STATES}
                ix = par_mod.attachment_indices(st, self.params, sim.scenario.parameters.lifespan_assessments)
                sums = acc.setdefault("child_ref", np.zeros((18, 6)))
                yr = ((step - pop["birth_step"][ch]) // 52).astype(np.int64)
                vals = [np.ones(ch.size), ix["insecurity"] * ix["dismissing"], ix["insecurity"] * (1 - ix["dismissing"]),
                        pop["arousal_mean"][mom].astype(np.float64), np.maximum(ix["unresolved"] - 0.3, 0),
                        ix["security"]]
                for j, v in enumerate(vals):
                    sums[:, j] += np.bincount(yr, weights=v, minlength=18)[:18]
        new = kids[step - pop["birth_step"][kids] == 0]
        if new.size:
            mom = pop["parent"][new]
            for k in PSTATES:
                acc.setdefault("p_" + k, np.full(pop.capacity, np.nan))[new] = pop[k][mom]

    par_mod.Parenting._caregiving = wrapped
    sc = {"name": "tx", "years": 66 if CHILDHOOD else 48, "population": {"n": n, "generations": 2},
          "caregiving": {"profile": "community"},
          "parameters": {"parenting": {k: float(v) for k, v in over.items()}}}
    t = time.time()
    ppl = attachsim.run(sc, seed=seed).people
    if CHILDHOOD:
        r = acc["child_ref"]
        tot = r.sum(axis=0)
        print("childhood references: dismissing %.4f preoccupied %.4f stress %.4f unresolved %.4f security %.4f"
              % tuple(tot[1:] / tot[0]))
        for a in range(18):
            print("  child age", a, np.round(r[a, 1:] / r[a, 0], 4))
    kids = ppl[(ppl["generation"] == 1) & ppl["ssp_12m"].notna()].copy()
    ids = kids["id"].to_numpy()
    for c in CHANNELS:
        kids[c] = acc[c][ids] / np.maximum(acc["w"][ids], 1)
    for k in PSTATES:
        kids["p_" + k] = acc["p_" + k][ids]
    kids["p_m"] = kids["p_others_a"] / (kids["p_others_a"] + kids["p_others_b"])
    kids["p_sec"] = (0.35 * kids["p_regulation"] + 0.35 * kids["p_m"] + 0.3 * kids["p_self_worth"]
                     - 0.3 * kids["p_conflict"] - 0.2 * (kids["p_hyperactivation"] + kids["p_deactivation"]))
    kids["p_bal"] = kids["p_deactivation"] - kids["p_hyperactivation"]
    kids["p_unres"] = 0.6 * kids["p_threat"] + 0.8 * kids["p_conflict"] + 0.2 * (kids["p_stress_gain"] - 1)
    from attachsim.adulthood.parenting import ParentingParams, attachment_indices
    from attachsim.assessments.lifespan import LifespanAssessmentParams

    ix = attachment_indices({k: kids["p_" + k].to_numpy(float) for k in par_mod.INDEX_STATES},
                            ParentingParams(), LifespanAssessmentParams())
    print("references: dismissing", round(float(np.mean(ix["insecurity"] * ix["dismissing"])), 4),
          "preoccupied", round(float(np.mean(ix["insecurity"] * (1 - ix["dismissing"]))), 4),
          "stress", round(float(kids["p_arousal_mean"].mean()), 4),
          "unresolved", round(float(np.mean(np.maximum(ix["unresolved"] - 0.3, 0))), 4),
          "security mean/sd", round(float(ix["security"].mean()), 4), round(float(ix["security"].std()), 4))
    pcols = ["p_sec", "p_bal", "p_unres"] + ["p_" + k for k in PSTATES if not k.startswith("others")] + ["p_m"]
    print(kids[pcols].describe().round(3).T[["mean", "std", "25%", "50%", "75%"]])
    print(kids.groupby("parent_aai_at_birth")[pcols].mean().round(3))
    print(kids.groupby("parent_unresolved_at_birth")[pcols].mean().round(3))
    f = (kids["parent_aai_at_birth"] == "F").to_numpy(float)
    b = (kids["ssp_12m"] == "B").to_numpy(float)
    agree = (f == b).mean()
    kappa = cohen_kappa(f.astype(int).astype(str), b.astype(int).astype(str))
    print(f"n kids {len(kids)}  agreement {agree:.3f}  kappa {kappa:.3f}  ({time.time() - t:.0f}s)")
    print("parent classes", kids["parent_aai_at_birth"].value_counts(normalize=True).round(3).to_dict(),
          "U", round(float((kids["parent_unresolved_at_birth"] == True).mean()), 3))  # noqa: E712
    print("child", kids["ssp_12m"].value_counts(normalize=True).round(3).to_dict())
    print(pd_cross(kids))
    print(kids.groupby("parent_aai_at_birth")[["sensitivity_0_1", *CHANNELS]].mean().round(3))
    print(kids.groupby("ssp_12m")[["sensitivity_0_1", *CHANNELS]].mean().round(3))
    s_obs = kids["sensitivity_0_1"].to_numpy(float)
    rows = {}
    for name, x in [("observed sensitivity", s_obs)] + [(c, kids[c].to_numpy(float)) for c in CHANNELS]:
        rows[name] = (np.corrcoef(f, x)[0, 1], np.corrcoef(x, b)[0, 1])
    for k, (rf, rb) in rows.items():
        print(f"  {k:22s} r(parent F, x) {rf:+.3f}   r(x, child B) {rb:+.3f}")

    def coef(y: np.ndarray, *xs: np.ndarray) -> np.ndarray:
        X = np.column_stack([np.ones_like(y), *xs])
        return np.linalg.lstsq(X, y, rcond=None)[0]

    c = coef(b, f)[1]
    for name, x in [("observed sensitivity", s_obs), ("latent cg_sensitivity", kids["cg_sensitivity"].to_numpy())]:
        cp = coef(b, f, x)[1]
        print(f"share via {name}: total {c:.3f} direct {cp:.3f} share {(c - cp) / c:.2f}")
    allx = [kids[ch].to_numpy(float) for ch in CHANNELS]
    print(f"share via all caregiving channels: {(c - coef(b, f, *allx)[1]) / c:.2f}")


def pd_cross(kids):  # type: ignore[no-untyped-def]
    """Parent interview class x child Strange Situation, row shares."""
    return pd.crosstab(kids["parent_aai_at_birth"], kids["ssp_12m"], normalize="index").round(2)


if __name__ == "__main__":
    main()
