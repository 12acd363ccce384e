"""Report (not a fit): infant Strange Situation category at 12 months -> adult interview at 25.

Runs ``normative`` and ``frightening`` to 25 years on seeds below 1000 and prints, for each infant category, the
row shares of F / Ds / E and of U (coded in addition), the 2-way continuity (B vs F), and each scenario's
adult-interview shares and ECR-R styles. Usage: python scripts/infant_to_adult.py [n] [seed ...]
(default 20000 people, seeds 1 2 3).
"""
import sys

import numpy as np
import pandas as pd

import attachsim
from attachsim.core.timeline import weeks

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
SEEDS = [int(s) for s in sys.argv[2:]] or [1, 2, 3]
assert max(SEEDS) < 1000, "a report reads seeds below 1000"


def people(scenario: str) -> pd.DataFrame:
    """The people of ``scenario`` at 25 years, pooled over the seeds."""
    frames = [attachsim.run(scenario, n=N, seed=s, years=weeks(years=25) / 52.1775 + 0.05,
                            timeseries=None).people.assign(seed=s) for s in SEEDS]
    return pd.concat(frames, ignore_index=True).copy()


for scenario in ("normative", "frightening"):
    p = people(scenario)
    p = p[p["aai_25"].notna() & p["ssp_12m"].notna()]
    tab = pd.crosstab(p["ssp_12m"], p["aai_25"], normalize="index").reindex(columns=["F", "Ds", "E"]) * 100
    tab["U"] = p.groupby("ssp_12m")["aai_unresolved_25"].apply(lambda s: s.astype(bool).mean() * 100)
    tab["n"] = p["ssp_12m"].value_counts()
    print(f"\n## {scenario}: {len(p):,} people, seeds {SEEDS}")
    print("infant category -> adult interview at 25 (row %)")
    print(tab.round(1).to_string())
    allrow = {k: float(np.mean(p["aai_25"] == k) * 100) for k in ("F", "Ds", "E")}
    allrow["U"] = float(p["aai_unresolved_25"].astype(bool).mean() * 100)
    print("all:", {k: round(v, 1) for k, v in allrow.items()})
    print("continuity B<->F: %.1f%%" % (np.mean((p["ssp_12m"] == "B") == (p["aai_25"] == "F")) * 100))
    if "first_loss_years" in p:
        same = (p["ssp_12m"] == "B") == (p["aai_25"] == "F")
        bereaved = p["first_loss_years"] <= 25
        print("continuity B<->F, bereaved / not: %.1f%% / %.1f%%" % (same[bereaved].mean() * 100,
                                                                    same[~bereaved].mean() * 100))
    ecr = pd.crosstab(p["ssp_12m"], p["adult_style_25"], normalize="index") * 100
    print("infant category -> ECR-R style at 25 (row %)")
    print(ecr.round(1).to_string())
    print("ECR-R styles at 25 (%):", (p["adult_style_25"].value_counts(normalize=True) * 100).round(1).to_dict())
    print("loss or trauma by 25: %.1f%% (loss %.1f%%, harmed %.1f%%)" % (
        100 * np.mean((p["first_loss_years"] <= 25) | (p["harmed_total"] > 0) | p["ace_emotional_abuse"]
                      | p["ace_physical_abuse"] | p["ace_sexual_abuse"]) if "first_loss_years" in p else float("nan"),
        100 * np.mean(p["first_loss_years"] <= 25) if "first_loss_years" in p else float("nan"),
        100 * np.mean(p["harmed_total"] > 0)))
    cols = ["regulation", "self_worth", "hyperactivation", "deactivation", "conflict", "threat"]
    print("mean states at 25:", p[cols].mean().round(3).to_dict())
