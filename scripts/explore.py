"""Development helper: state medians and SSP shares across scenarios (not a test)."""
import sys
import pandas as pd
import attachsim

SCEN = ["normative", "sensitive", "rejecting", "inconsistent", "frightening", "neglectful", "depressed",
        "institution", "foster", "maltreated", "neglected", "high-risk"]
cols = ["regulation_12m", "hyperactivation", "deactivation", "conflict", "threat", "resp_expect", "resp_unpredict",
        "rebuff_expect", "arousal", "self_worth"]
rows = []
n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
for name in (sys.argv[2:] or SCEN):
    r = attachsim.run(name, n=n, seed=1000, years=1.1)
    s = r.summary()
    row = {"scen": name[:8]}
    row |= {k: round(v["share"] * 100, 1) for k, v in s["shares"].items()}
    row["r"] = round(s["sensitivity_security_r"]["r"], 3)
    row |= {c[:6]: round(r.people[c].median(), 2) for c in cols}
    sc = ["ssp_proximity", "ssp_contact", "ssp_avoidance", "ssp_resistance", "ssp_disorganization"]
    row |= {c[4:8]: round(r.people[c].mean(), 1) for c in sc}
    rows.append(row)
pd.set_option("display.width", 250)
print(pd.DataFrame(rows).to_string(index=False))
