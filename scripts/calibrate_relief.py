"""M8 prevalences by regulator and sex, beside the survey ranges of docs/relief.md (a hand-calibration helper).

``python3 scripts/calibrate_relief.py N SEED [name=value ...]`` runs `normative` to 36 years with the relief
parameters overridden (e.g. ``threshold_love_male=1.2``) and prints, per regulator and sex, the share ever
compulsive by 36, meeting the criterion in any week of the 12 months up to 35 (the surveys' 12-month prevalence)
and in compulsive use in the week of 35 (the point read-out, CSB's). Calibration uses seeds >= 1000 only (issue 14).
"""

from __future__ import annotations

import sys

import attachsim
from attachsim.adulthood.relief import REGULATORS


def main() -> None:
    """Run and print."""
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    if seed < 1000:
        raise SystemExit("calibration runs on seeds >= 1000 only")
    over = {k: float(v) for k, v in (a.split("=") for a in sys.argv[3:])}
    scenario = {"name": "normative", "caregiving": {"profile": "community"}, "years": 36.0,
                "parameters": {"relief": over}}
    people = attachsim.run(scenario, n=n, seed=seed).people
    for t in REGULATORS:
        row = [t]
        for sex in ("M", "F", None):
            p = people if sex is None else people[people["sex"] == sex]
            row.append(f"{sex or 'all'} ever {p[f'compulsive_{t}_ever'].mean():.3f} "
                       f"12m {p[f'compulsive_{t}_12m_35'].astype(float).mean():.3f} "
                       f"now35 {p[f'compulsive_{t}_35'].astype(float).mean():.3f}")
        ever = people[f"compulsive_{t}_ever"].astype(bool)
        onset = people.loc[ever, f"compulsive_{t}_onset_age"]
        now = people.loc[ever, f"compulsive_{t}_12m_35"].astype(float)
        for gap in (5, 14):  # Lopez-Quintero et al. 2011: half remitted 5-6 (drugs) and 14 (alcohol) years after onset
            old = onset <= 35 - gap
            row.append(f"in the 12 months to 35, onset >= {gap} y before: {now[old].mean():.2f} (n {int(old.sum())})")
        year = people[f"compulsive_{t}_12m_35"].astype(float).mean()
        row.append(f"ever / 12m {people[f'compulsive_{t}_ever'].mean() / max(1e-9, year):.2f}")
        print(" | ".join(row))


if __name__ == "__main__":
    main()
