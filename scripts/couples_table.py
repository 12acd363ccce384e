"""Couples: conflict and satisfaction by each partner's anxiety and avoidance (docs/couples.md).

Runs the normative population to 40 years (ECR-R at 40) on the given seeds (below 1000: a report, nothing is
fitted to it) and prints markdown tables: partnered people at 40 by their own and by their partner's ECR-R
anxiety and avoidance (above/below the population median), by tertiles of the latent strategies, the
associations (r) of satisfaction and conflict with 12-month security and with adult anxiety and avoidance
(own and partner's), and the share of variance carried by the non-attachment causes.

    python3 scripts/couples_table.py --n 10000 --seeds 301 302
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import attachsim

AGE = 40
OUT = ("relationship_quality", "relationship_conflict", "pursuit", "withdrawal", "intrusion")


def _md(frame: pd.DataFrame) -> str:
    """A markdown table of a small frame (index as the first column)."""
    head = [str(frame.index.name or "")] + [str(c) for c in frame.columns]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows += ["| " + " | ".join([str(i)] + [f"{v:.3f}" for v in r]) + " |"
             for i, r in zip(frame.index, frame.to_numpy(), strict=True)]
    return "\n".join(rows)


def people(n: int, seed: int) -> pd.DataFrame:
    """The partnered people at AGE of one run, with their partner's ECR-R scales and non-attachment causes."""
    pe = attachsim.run({"years": AGE + 0.1, "assessments": {"adult": {"ages_years": [25, AGE]}}}, n=n,
                       seed=seed).people.copy()
    idx = pe.set_index("id")
    anx, avo = pe[f"ecrr_anxiety_{AGE}"], pe[f"ecrr_avoidance_{AGE}"]
    pe = pe.assign(anx_hi=anx > anx.median(), avo_hi=avo > avo.median(), seed=seed)
    par = pe[pe["partner_id"] >= 0].copy()
    for col in (f"ecrr_anxiety_{AGE}", f"ecrr_avoidance_{AGE}", "anx_hi", "avo_hi", "relational_liability",
                "external_stress"):
        par[f"partner_{col}"] = idx.loc[par["partner_id"], col].to_numpy() if col in idx else \
            pe.set_index("id").loc[par["partner_id"], col].to_numpy()
    return par


def style(hi_anx: pd.Series, hi_avo: pd.Series) -> pd.Series:
    """The four cells of anxiety x avoidance above/below the median."""
    return pd.Series(np.select([~hi_anx & ~hi_avo, hi_anx & ~hi_avo, ~hi_anx & hi_avo],
                               ["low anx, low avo", "high anx, low avo", "low anx, high avo"],
                               "high anx, high avo"), index=hi_anx.index)


def main() -> None:
    """Print the tables."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[301, 302])
    ap.add_argument("--cache", default="", help="folder to keep the simulated partnered people in (parquet)")
    a = ap.parse_args()
    ap_cache = a.cache
    frames = []
    for s in a.seeds:
        path = f"{ap_cache}/couples_{a.n}_{s}.parquet" if ap_cache else ""
        try:
            frames.append(pd.read_parquet(path) if path else people(a.n, s))
        except FileNotFoundError:
            frames.append(people(a.n, s))
            frames[-1].to_parquet(path)
    par = pd.concat(frames, ignore_index=True)
    print(f"partnered at {AGE}: {len(par)} of {a.n * len(a.seeds)} people; seeds {a.seeds}\n")
    own, partner = style(par["anx_hi"], par["avo_hi"]), style(par["partner_anx_hi"], par["partner_avo_hi"])
    cols = ["relationship_quality", "relationship_conflict"]
    print("Satisfaction / conflict by own (rows) and partner's (columns) ECR-R anxiety and avoidance "
          "(above/below the median)\n")
    tab = par.groupby([own.rename("own"), partner.rename("partner")])[cols].mean().unstack()
    order = ["low anx, low avo", "high anx, low avo", "low anx, high avo", "high anx, high avo"]
    print("| own \\ partner | " + " | ".join(order) + " | all |")
    print("|---|" + "---|" * (len(order) + 1))
    for o in order:
        cells = [f"{tab.loc[o, ('relationship_quality', q)]:.3f} / {tab.loc[o, ('relationship_conflict', q)]:.3f}"
                 for q in order]
        m = par[own == o][cols].mean()
        print(f"| {o} | " + " | ".join(cells) + f" | {m.iloc[0]:.3f} / {m.iloc[1]:.3f} (n={int((own == o).sum())}) |")
    print("\nExchange by own style (means)\n")
    print(_md(par.groupby(own.rename("own"))[list(OUT)].mean().reindex(order)))
    print("\nBy tertile of the latent strategy (means)\n")
    for by in ("hyperactivation", "deactivation"):
        t = pd.qcut(par[by], 3, labels=["low", "mid", "high"])
        print(f"\n{by}\n")
        print(_md(par.groupby(t.rename(f"{by} tertile"), observed=True)[list(OUT)].mean()))
    print("\nAssociations (r), partnered at 40\n")
    secure = (par["ssp_12m"].astype(str) == "B").astype(float)
    preds = {"secure at 12 months": secure, "own ECR-R anxiety": par[f"ecrr_anxiety_{AGE}"],
             "own ECR-R avoidance": par[f"ecrr_avoidance_{AGE}"],
             "partner's ECR-R anxiety": par[f"partner_ecrr_anxiety_{AGE}"],
             "partner's ECR-R avoidance": par[f"partner_ecrr_avoidance_{AGE}"],
             "own hyperactivation": par["hyperactivation"], "own deactivation": par["deactivation"],
             "couple's liability (non-attachment)": par["relational_liability"] + par["partner_relational_liability"],
             "couple's external stress (non-attachment)": par["external_stress"] + par["partner_external_stress"]}
    print("| predictor | satisfaction | conflict |")
    print("|---|---|---|")
    for k, x in preds.items():
        r = [np.corrcoef(x, par[c])[0, 1] for c in cols]
        print(f"| {k} | {r[0]:+.3f} | {r[1]:+.3f} |")
    pe_all = len(par)
    print(f"\n(n partnered = {pe_all}; r² of the two non-attachment rows = their share of variance)")


if __name__ == "__main__":
    main()
