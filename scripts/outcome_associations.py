"""Report: how strongly each childhood and adult outcome is tied to attachment in the model (issue 15 item 4).

A report, not a fit: nothing here feeds a parameter. For each outcome the table gives its association with
security in the Strange Situation at 12 months (Cohen's d, insecure minus secure, pooled SD; for a yes/no outcome
the difference in prevalence as well) and its Pearson correlation with the ECR-R anxiety and avoidance scales at
25, each as the mean over seeds with the range over seeds.

Usage::

    python3 scripts/outcome_associations.py [--n 20000] [--seeds 1 2 3] [--years 36] [--out FILE.md]

Seeds must be below 1000 (validation and reporting seeds; calibration uses 1000 and above).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import attachsim
from attachsim.assessments.strange_situation import SSPCategory

REGULATORS = ("alcohol", "drugs", "food", "sex", "love")
#: (column, label, yes/no outcome)
OUTCOMES: tuple[tuple[str, str, bool], ...] = (
    ("internalizing_4y", "internalizing problems at 4", False),
    ("internalizing_8y", "internalizing problems at 8", False),
    ("externalizing_4y", "externalizing problems at 4", False),
    ("externalizing_8y", "externalizing problems at 8", False),
    *((f"compulsive_{t}_ever", f"compulsive {t} use, ever (to the end of the run)", True) for t in REGULATORS),
    *((f"compulsive_{t}_35", f"compulsive {t} use at 35", True) for t in REGULATORS),
    ("relationship_quality_35", "relationship quality at 35 (partnered)", False),
    ("relationship_conflict_35", "relationship conflict at 35 (partnered)", False),
    ("chronic_stress_35", "chronic stress at 35", False),
    ("isolation_35", "social isolation at 35", False),
)


def _d(x: np.ndarray, y: np.ndarray) -> float:
    """Cohen's d of x over y with the pooled SD (nan when either group is too small or has no spread)."""
    if len(x) < 2 or len(y) < 2:
        return float("nan")
    sd = np.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1)) / (len(x) + len(y) - 2))
    return float((x.mean() - y.mean()) / sd) if sd > 0 else float("nan")


def _r(x: np.ndarray, y: np.ndarray) -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or x[ok].std() == 0 or y[ok].std() == 0:
        return float("nan")
    return float(np.corrcoef(x[ok], y[ok])[0, 1])


def associations(people: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Each outcome's d (insecure vs secure at 12 months), prevalence gap and r with anxiety / avoidance at 25."""
    ssp = people["ssp_12m"].astype(str).to_numpy()
    secure = ssp == SSPCategory.B.name
    insecure = np.isin(ssp, [c.name for c in SSPCategory]) & ~secure
    anx = people["ecrr_anxiety_25"].to_numpy(dtype=float)
    avo = people["ecrr_avoidance_25"].to_numpy(dtype=float)
    out: dict[str, dict[str, float]] = {}
    for col, _, binary in OUTCOMES:
        if col not in people:
            continue
        v = people[col].to_numpy(dtype=float)
        if binary:
            v = (v > 0).astype(float)
        ok = np.isfinite(v)
        row = {"d_insecure": _d(v[ok & insecure], v[ok & secure]),
               "r_anxiety": _r(v, anx), "r_avoidance": _r(v, avo)}
        if binary:
            row["prev_secure"] = float(v[ok & secure].mean()) if (ok & secure).any() else float("nan")
            row["prev_insecure"] = float(v[ok & insecure].mean()) if (ok & insecure).any() else float("nan")
        out[col] = row
    return out


def _fmt(vals: list[float], pct: bool = False) -> str:
    a = np.array(vals, dtype=float)
    if not np.isfinite(a).any():
        return "n/a"
    f = (lambda x: f"{100 * x:.1f}%") if pct else (lambda x: f"{x:+.2f}")
    m = np.nanmean(a)
    return f(m) if len(a) == 1 else f"{f(m)} ({f(np.nanmin(a))} to {f(np.nanmax(a))})"


def main(argv: list[str] | None = None) -> int:
    """Run the scenario on each seed and print (and optionally write) the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--years", type=float, default=36.0)
    ap.add_argument("--scenario", default="normative")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)
    if any(s >= 1000 or s < 0 for s in a.seeds):
        print("--seeds: reporting seeds must be 0-999 (1000 and above are calibration seeds)", file=sys.stderr)
        return 2
    per_seed = []
    t0 = time.perf_counter()
    for s in a.seeds:
        res = attachsim.run(a.scenario, n=a.n, seed=s, years=a.years, timeseries=None)
        per_seed.append(associations(res.people))
        print(f"seed {s}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    lines = [f"Outcome associations, `{a.scenario}`, {a.n:,} people x {a.years:g} years, seeds "
             f"{', '.join(map(str, a.seeds))} (mean, range over seeds).", "",
             "| outcome | d, insecure vs secure at 12 months | prevalence secure / insecure "
             "| r with ECR-R anxiety at 25 | r with ECR-R avoidance at 25 |", "|---|---|---|---|---|"]
    for col, label, binary in OUTCOMES:
        rows = [p[col] for p in per_seed if col in p]
        if not rows:
            continue
        prev = (f"{_fmt([r['prev_secure'] for r in rows], True)} / {_fmt([r['prev_insecure'] for r in rows], True)}"
                if binary else "")
        lines.append(f"| {label} | {_fmt([r['d_insecure'] for r in rows])} | {prev} | "
                     f"{_fmt([r['r_anxiety'] for r in rows])} | {_fmt([r['r_avoidance'] for r in rows])} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out is not None:
        tmp = a.out.with_suffix(a.out.suffix + ".tmp")
        tmp.write_text(text)
        tmp.replace(a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
