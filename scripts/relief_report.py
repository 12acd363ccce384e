"""The tables of docs/relief.md: M8 prevalences beside the surveys, compulsive use by adult style, CSB at 35.

``python3 scripts/relief_report.py N SEED [name=value ...]`` runs `normative` to 36 years (the shared people table
of the calibration helper; relief parameters overridden as named) and prints markdown tables. "12m" is the surveys'
12-month prevalence (the criterion met in any week of the 12 months up to 35), "at 35" the week of 35 (CSB's
read-out). Report seeds are below 1000 (nothing is fitted to them).
"""

from __future__ import annotations

import sys

import pandas as pd

import attachsim
from attachsim.adulthood.relief import REGULATORS

STYLES = ("secure", "preoccupied", "dismissing", "fearful")


def tables(people: pd.DataFrame) -> str:
    """The markdown tables of docs/relief.md from a normative people table."""
    out = ["| regulator | ever by 36: all / men / women | 12 months to 35: all / men / women | "
           "at 35: all / men / women |", "|---|---|---|---|"]
    for t in REGULATORS:
        cells = []
        for col in (f"compulsive_{t}_ever", f"compulsive_{t}_12m_35", f"compulsive_{t}_35"):
            v = [people[col].astype(float).mean(), *(people.loc[people["sex"] == s, col].astype(float).mean()
                                                     for s in ("M", "F"))]
            cells.append(" / ".join(f"{100 * x:.1f}%" for x in v))
        out.append(f"| {t} | {cells[0]} | {cells[1]} | {cells[2]} |")
    m, f = people["sex"] == "M", people["sex"] == "F"
    out += ["", f"CSB at 35 (point): men {100 * people.loc[m, 'compulsive_sex_35'].astype(float).mean():.1f}%, "
            f"women {100 * people.loc[f, 'compulsive_sex_35'].astype(float).mean():.1f}%"]
    out += ["", "| regulator | ever / 12m | ever / at 35 | onset age: median (IQR), mean | onset at 21 or later |",
            "|---|---|---|---|---|"]
    for t in REGULATORS:
        ever = people[f"compulsive_{t}_ever"].astype(bool)
        on = people.loc[ever, f"compulsive_{t}_onset_age"]
        year = ever.mean() / max(people[f"compulsive_{t}_12m_35"].astype(float).mean(), 1e-9)
        ratio = ever.mean() / max(people[f"compulsive_{t}_35"].astype(float).mean(), 1e-9)
        out.append(f"| {t} | {year:.2f} | {ratio:.2f} | {on.median():.1f} ({on.quantile(0.25):.1f}-"
                   f"{on.quantile(0.75):.1f}), {on.mean():.1f} | {100 * (on >= 21).mean():.0f}% |")
    out += ["", "| regulator (ever by 36) | " + " | ".join(STYLES) + " |", "|---|" + "---|" * len(STYLES)]
    style = people["adult_style_35"].astype(str)
    counts = " | ".join(f"n {int((style == s).sum())}" for s in STYLES)
    out.append(f"| (people) | {counts} |")
    for when in ("ever", "12m_35"):
        for t in REGULATORS:
            col = f"compulsive_{t}_{when}"
            vals = " | ".join(f"{100 * people.loc[style == s, col].astype(float).mean():.1f}%" for s in STYLES)
            out.append(f"| {t} ({'ever' if when == 'ever' else '12 months to 35'}) | {vals} |")
    out += ["", "| remission | alcohol | drugs | food | sex | love |", "|---|---|---|---|---|---|"]
    for gap in (5, 14):
        row = []
        for t in REGULATORS:
            ever = people[f"compulsive_{t}_ever"].astype(bool)
            old = ever & (people[f"compulsive_{t}_onset_age"] <= 35 - gap)
            row.append(f"{100 * (1 - people.loc[old, f'compulsive_{t}_12m_35'].astype(float).mean()):.0f}% "
                       f"(n {int(old.sum())})")
        out.append(f"| not compulsive in the 12 months to 35, onset >= {gap} y before | " + " | ".join(row) + " |")
    out += ["", "| regulator (ever by 36) | OR insecure vs secure at 12 months | r with ECR-R anxiety at 35 | "
            "r with ECR-R avoidance at 35 | OR liability z > 1 vs < -1 |", "|---|---|---|---|---|"]
    insecure = people["ssp_12m"].astype(str) != "B"
    for t in REGULATORS:
        ever = people[f"compulsive_{t}_ever"].astype(float)
        z = people[f"liability_{t}"] if f"liability_{t}" in people else None
        lia = f"{_odds_ratio(ever, z > 1, z < -1):.2f}" if z is not None else "-"
        out.append(f"| {t} | {_odds_ratio(ever, insecure, ~insecure):.2f} | "
                   f"{ever.corr(people['ecrr_anxiety_35']):.3f} | {ever.corr(people['ecrr_avoidance_35']):.3f} | "
                   f"{lia} |")
    return "\n".join(out)


def _odds_ratio(y: pd.Series, a: pd.Series, b: pd.Series) -> float:
    pa, pb = y[a].mean(), y[b].mean()
    return float(pa / (1 - pa) / (pb / (1 - pb)))


def main() -> None:
    """Run and print."""
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    over = {k: float(v) for k, v in (a.split("=") for a in sys.argv[3:])}
    scenario = {"name": "normative", "years": 36.0, "parameters": {"relief": over}} if over else "normative"
    people = attachsim.run(scenario, n=n, seed=seed, years=36.0).people
    print(f"normative, {n:,} people, seed {seed}, to 36 years\n")
    print(tables(people))


if __name__ == "__main__":
    main()
