"""Development helper: measure the ECR-R's metric on `normative` adults (seeds >= 1000 only). Not run by CI.

The simulated ECR-R reads standardized states (``assessments.lifespan.ecrr_composites``): each state as
(value - mean) / SD of the `normative` adults at 18, 25 and 35, pooled. Like the theta scale of an IRT calibration
sample (Fraley, Waller & Brennan 2000: standard normal in their N = 1,085), the metric is fixed once, so scenarios
and intervention arms stay comparable on it; in-run norms would erase every difference between runs. This script
prints the means and SDs (``ECRR_NORMS``), the SD of each composite (for ``anxiety_scale``/``avoidance_scale``) and,
for reference, the mean latent of the formula before (the level ``anxiety_bias``/``avoidance_bias`` keep).
tests/test_adult_instruments.py checks on seeds below 1000 that the norms have not gone stale.

Usage: python scripts/ecrr_norms.py [n] [seed ...]   (default 5000 people, seeds 1000 1001)
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import attachsim
from attachsim.assessments.lifespan import ECRR_NORM_STATES, ecrr_composites

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
SEEDS = [int(s) for s in sys.argv[2:]] or [1000, 1001]
assert min(SEEDS) >= 1000, "calibration uses seeds >= 1000 only"
AGES = (18, 25, 35)


STATES = ["hyperactivation", "deactivation", "self_worth", "others_a", "others_b", "conflict", "threat", "withdrawal"]


def adults() -> pd.DataFrame:
    """States one week after each adult assessment age, pooled over ages and seeds (each run cached in /tmp)."""
    frames = []
    for seed in SEEDS:
        for age in AGES:
            path = Path(f"/tmp/attachsim_ecrr_norms_{N}_{seed}_{age}.parquet")
            if not path.exists():
                people = attachsim.run("normative", n=N, seed=seed, years=age + 0.02, timeseries=None).people
                people[STATES].to_parquet(path)
            p = pd.read_parquet(path)
            p = p.assign(model_of_others=p["others_a"] / (p["others_a"] + p["others_b"]), age=age, seed=seed)
            frames.append(p)
    return pd.concat(frames, ignore_index=True)


p = adults()
print("ECRR_NORMS = {")
for name in ECRR_NORM_STATES:
    print(f'    "{name}": ({p[name].mean():.4f}, {p[name].std():.4f}),')
print("}")
cols = {k: p[k].to_numpy(np.float64) for k in ("hyperactivation", "deactivation", "self_worth", "model_of_others",
                                               "conflict", "threat", "withdrawal")}
anx, avo = ecrr_composites(cols["hyperactivation"], cols["deactivation"], cols["self_worth"], cols["model_of_others"],
                           cols["conflict"], cols["threat"], cols["withdrawal"])
print(f"composite SD: anxiety {np.std(anx):.4f}, avoidance {np.std(avo):.4f} (means {np.mean(anx):.4f}, "
      f"{np.mean(avo):.4f})")
for age in AGES:
    a = (p["age"] == age).to_numpy()
    print(f"  at {age}: anxiety SD {np.std(anx[a]):.3f}, avoidance SD {np.std(avo[a]):.3f}")
old_anx = -1.5 + 4.0 * (0.5 * cols["hyperactivation"] + 0.4 * (1 - cols["self_worth"]) + 0.2 * cols["conflict"]
                        + 0.3 * cols["threat"])
old_avo = -3.9 + 5.0 * (0.5 * (cols["deactivation"] + cols["withdrawal"]) + 0.6 * (1 - cols["model_of_others"])
                        + 0.2 * cols["conflict"] + 0.3 * cols["threat"])
print(f"mean latent of the formula before: anxiety {old_anx.mean():.4f}, avoidance {old_avo.mean():.4f}")
# anxiety_scale / avoidance_scale: the states explain STATE_SHARE of the latent's between-person variance at one age
# (the root mean square of the within-age composite SDs), the rest is trait_noise (Sibley, Fischer & Liu 2005: the
# ECR-R explained 30-40% of the between-person variance in diary ratings of attachment emotions with a partner, in a
# student sample; the upper end, the diaries being noisy themselves)
STATE_SHARE = 0.4
from attachsim.assessments.lifespan import LifespanAssessmentParams  # noqa: E402

noise = LifespanAssessmentParams().trait_noise
for name, comp, old in (("anxiety", anx, old_anx), ("avoidance", avo, old_avo)):
    within = np.sqrt(np.mean([np.var(comp[(p["age"] == age).to_numpy()]) for age in AGES]))
    scale = noise * np.sqrt(STATE_SHARE / (1 - STATE_SHARE)) / within
    bias = old.mean() - scale * np.mean(comp)
    print(f"{name}_scale {scale:.4f}, {name}_bias {bias:.4f} (keeps the mean latent of the formula before)")
