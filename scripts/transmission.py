"""Dev helper: M10's transmission read-outs on a reduced population (calibration seeds >= 1000 only).

Usage:
    python scripts/transmission.py [n] [seed] [years] [key=value ...]      parent interview -> infant
    MALTREAT=1 python scripts/transmission.py [n] [seed] [years] [...]     cycle of maltreatment
    MALTREAT=1 REPORT=1 python scripts/transmission.py 3000 1 58           its report on a seed below 1000

``key=value`` set ``parameters.parenting.*`` (``group.key=value`` another group's parameter). ``EXO=s`` (a
diagnostic, not a model option) scales every newborn's community deviations (``exo_*``; availability around the
community mean) by ``s`` after the birth: how much of the parent -> infant link the community spread hides. The
first mode runs ``intergenerational`` (community caregivers,
two generations) and prints van IJzendoorn's (1995) agreement, kappa and d, the share carried by observed
sensitivity (as observers rate it, ``sensitivity_rated_0_1``, and the soothing share alone, ``sensitivity_0_1``),
each caregiving channel's first-year mean by parent class, and the infants' shares. The second runs two
generations of a general population (the ACE scenario's adversity for the first generation; a simulated
parent's child is harmed only by the parent) and prints the maltreated share by generation and the
transmission: children of maltreated vs other mothers (any abuse flag before 18).
"""

from __future__ import annotations

import math
import os
import sys
import time

import numpy as np
import pandas as pd

import attachsim
from attachsim.adulthood import parenting as par_mod
from attachsim.core.stats import cohen_kappa, mediated_share, secure_table
from attachsim.validation.targets import NONCLINICAL_F

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)

CHANNELS = ("cg_sensitivity", "cg_rejection", "cg_inconsistency", "cg_dysregulation", "cg_availability", "cg_harm")
#: general-population's adversity schedules (the ACE scenario: abuse in 40%, neglect in 20% of childhoods, 0-18)
GENERAL_ADVERSITY = {"threat": {"onset_months": 0, "duration_months": 216, "intensity": 0.05, "share": 0.4},
                     "deprivation": {"onset_months": 0, "duration_months": 216, "intensity": 0.5, "share": 0.2}}
HISTORY = ("y1_harmed_total", "y1_frightened_total", "mom_fear", "mom_harmed", "mom_frightened")
ABUSE = ("ace_emotional_abuse", "ace_physical_abuse", "ace_sexual_abuse")


def main() -> None:
    """Run a reduced population and print the read-outs."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    maltreat = bool(int(os.environ.get("MALTREAT", "0")))
    if seed < 1000 and not (maltreat and int(os.environ.get("REPORT", "0"))):
        sys.exit("Calibration seeds start at 1000 (docs/calibration.md); the maltreatment report may use seeds "
                 "below 1000 with REPORT=1 (nothing is fitted to it).")
    years = float(sys.argv[3]) if len(sys.argv) > 3 else (58.0 if maltreat else 44.0)
    over = {k: float(v) for k, v in (a.split("=") for a in sys.argv[4:])}
    t = time.time()
    if maltreat:
        maltreatment(n, seed, years, over)
    else:
        transmission(n, seed, years, over)
    print(f"({time.time() - t:.0f}s)")


def groups(over: dict[str, float]) -> dict[str, dict[str, float]]:
    """``key=value`` overrides by parameter group (``parenting`` unless the key names its group)."""
    out: dict[str, dict[str, float]] = {}
    for k, v in over.items():
        g, _, name = k.rpartition(".")
        out.setdefault(g or "parenting", {})[name] = v
    return out


def scale_community_spread(scale: float) -> None:
    """Diagnostic ``EXO``: every newborn's community deviations scaled by ``scale`` right after its birth.

    ``EXO_<channel>`` (e.g. ``EXO_rejection=0``) scales one channel.
    """
    from attachsim.caregiving.profiles import PROFILES

    births = par_mod.Parenting._births

    def scaled(self, sim, step):  # type: ignore[no-untyped-def]
        n0 = sim.pop.n
        births(self, sim, step)
        ids = np.arange(n0, sim.pop.n)
        for k in par_mod.EXOGENOUS:
            centre = PROFILES["community"].dist(k)[0] if k in par_mod.EXOGENOUS_LEVEL else 0.0
            v = sim.pop[f"exo_{k}"][ids].astype(np.float64)
            sk = float(os.environ.get(f"EXO_{k}", scale))
            sim.pop[f"exo_{k}"][ids] = centre + sk * (v - centre)

    par_mod.Parenting._births = scaled  # type: ignore[method-assign]


def transmission(n: int, seed: int, years: float, over: dict[str, float]) -> None:
    """Parent interview -> infant Strange Situation, with the caregiving channels over the first year."""
    acc: dict[str, np.ndarray] = {}
    orig = par_mod.Parenting._caregiving

    def wrapped(self, sim, step):  # type: ignore[no-untyped-def]
        orig(self, sim, step)
        pop = sim.pop
        if not acc:
            for c in (*CHANNELS, "w", *HISTORY):
                acc[c] = np.zeros(pop.capacity)
        kids = np.nonzero((pop["parent"][: pop.n] >= 0) & (step - pop["birth_step"][: pop.n] < 52))[0]
        for c in CHANNELS:
            acc[c][kids] += pop[c][kids]
        acc["w"][kids] += 1
        age = step - pop["birth_step"][: pop.n]
        last = np.nonzero((pop["parent"][: pop.n] >= 0) & (age == 51))[0]
        for c in ("harmed_total", "frightened_total"):
            acc[f"y1_{c}"][last] = pop[c][last]
        new = np.nonzero((pop["parent"][: pop.n] >= 0) & (age == 0))[0]
        mom = pop["parent"][new]
        acc["mom_fear"][new] = pop["threat"][mom] * (pop["stress_gain"][mom] - 1.0)
        acc["mom_harmed"][new] = pop["harmed_total"][mom] > 0
        acc["mom_frightened"][new] = pop["frightened_total"][mom]

    par_mod.Parenting._caregiving = wrapped  # type: ignore[method-assign]
    if float(os.environ.get("EXO", "1")) != 1.0 or any(k.startswith("EXO_") for k in os.environ):
        scale_community_spread(float(os.environ["EXO"]))
    sc = {"name": "tx", "years": years, "population": {"n": n, "generations": 2},
          "caregiving": {"profile": "community"}, "parameters": groups(over)}
    if os.environ.get("FIRST") == "general":  # the first generation as general-population's (the ACE adversity)
        sc["adversity"] = GENERAL_ADVERSITY
    ppl = attachsim.run(sc, seed=seed).people
    kids = ppl[(ppl["generation"] == 1) & ppl["ssp_12m"].notna()].copy()
    ids = kids["id"].to_numpy()
    for c in CHANNELS:
        kids[c] = acc[c][ids] / np.maximum(acc["w"][ids], 1)
    for c in HISTORY:
        kids[c] = acc[c][ids]
    f = (kids["parent_aai_at_birth"] == "F").to_numpy(float)
    b = (kids["ssp_12m"] == "B").to_numpy(float)
    phi = float(np.corrcoef(f, b)[0, 1])
    kappa = cohen_kappa(f.astype(int).astype(str), b.astype(int).astype(str))
    rated = mediated_share(b, f, kids["sensitivity_rated_0_1"].to_numpy(float))["share"]
    sooth = mediated_share(b, f, kids["sensitivity_0_1"].to_numpy(float))["share"]
    d_phi = 2 * phi / math.sqrt(1 - phi ** 2)
    print(f"n kids {len(kids)}  agreement {(f == b).mean():.3f}  kappa {kappa:.3f}  d {d_phi:.3f}"
          f"  share rated {rated:.3f}  share soothing {sooth:.3f}")
    print(margins(f.mean(), b[f == 1].mean(), b[f == 0].mean()))
    mothers = ppl.set_index("id").loc[kids["parent_id"]]
    u = kids["parent_unresolved_at_birth"].astype(bool).to_numpy(float)
    fu = f * (1 - u)  # a read-out alternative, not the target's: U mothers (four-way primary) as non-autonomous
    kappa_u = cohen_kappa(fu.astype(int).astype(str), b.astype(int).astype(str))
    print("U counted non-autonomous: kappa", round(kappa_u, 3),
          " agreement", round(float((fu == b).mean()), 3), " F share", round(float(fu.mean()), 3),
          " P(B | F not U)", round(float(b[fu == 1].mean()), 3),
          " P(B | F and U)", round(float(b[(f == 1) & (u == 1)].mean()), 3))
    print("parent classes", kids["parent_aai_at_birth"].value_counts(normalize=True).round(3).to_dict(),
          "U", round(float(u.mean()), 3), " gen-0 at 12 months",
          ppl.loc[ppl["generation"] == 0, "ssp_12m"].value_counts(normalize=True).round(3).to_dict())
    print("infants", kids["ssp_12m"].value_counts(normalize=True).round(3).to_dict(),
          " mothers' mean harmed", round(float((mothers["harmed_total"] > 0).mean()), 3),
          " children harmed in year one", round(float((kids["cg_harm"] > 0).mean()), 3))
    print(pd.crosstab(kids["parent_aai_at_birth"], kids["ssp_12m"], normalize="index").round(2))
    kids["harmed_y1"] = kids["y1_harmed_total"] > 0
    kids["mom_fear_q"] = pd.qcut(kids["mom_fear"].rank(method="first"), 4, labels=["q1", "q2", "q3", "q4"])
    print("infants harmed in year one, by parent class:", kids.groupby("parent_aai_at_birth")["harmed_y1"].mean()
          .round(3).to_dict(), " mothers ever harmed:", round(float(kids["mom_harmed"].mean()), 3))
    for key in ("harmed_y1", "mom_harmed", "mom_fear_q"):
        print(pd.crosstab([kids["parent_aai_at_birth"], kids[key]], kids["ssp_12m"], normalize="index",
                          margins=False).round(2).assign(n=kids.groupby(["parent_aai_at_birth", key]).size()))
    print("mothers' fear quartile bounds", kids["mom_fear"].quantile([.25, .5, .75, .9]).round(4).to_dict())
    cols = ["sensitivity_0_1", "sensitivity_rated_0_1", *CHANNELS]
    print(kids.groupby("parent_aai_at_birth")[cols].mean().round(3))
    print(kids.groupby("ssp_12m")[cols].mean().round(3))
    for c in cols:
        x = kids[c].to_numpy(float)
        print(f"  {c:22s} r(parent F, x) {np.corrcoef(f, x)[0, 1]:+.3f}   r(x, child B) {np.corrcoef(x, b)[0, 1]:+.3f}")


def margins(p_f: float, b_f: float, b_other: float) -> str:
    """The 2 x 2 table's margins: P(B | F), P(B | not F), and the highest kappa the two margins allow."""
    tab = secure_table(p_f, b_f, b_other)
    p_b, chance = tab["child_secure"], tab["chance"]
    best = (min(p_f, p_b) + min(1 - p_f, 1 - p_b) - chance) / (1 - chance)
    std = secure_table(NONCLINICAL_F, b_f, b_other)
    return (f"parent F {p_f:.3f}  P(B | F) {b_f:.3f}  P(B | not F) {b_other:.3f}  infants B {p_b:.3f}  "
            f"chance agreement {chance:.3f}  highest kappa at these margins {best:.3f}  (van IJzendoorn 1995's "
            "75% and .49 imply chance agreement .51: parent F at most 77%)\n"
            f"the same rows with {NONCLINICAL_F:.0%} F parents (non-clinical mothers): agreement "
            f"{std['agreement']:.3f}  kappa {std['kappa']:.3f}")


def maltreatment(n: int, seed: int, years: float, over: dict[str, float]) -> None:
    """The cycle of maltreatment: children (to 18) of maltreated vs other mothers."""
    sc = {"name": "mx", "years": years, "population": {"n": n, "generations": 2},
          "caregiving": {"profile": "community"},
          "adversity": GENERAL_ADVERSITY, "parameters": groups(over)}
    sim = attachsim.simulation(sc, seed=seed)
    ppl = sim.run().people.copy()
    age = (sim.n_steps - sim.pop["birth_step"][: sim.pop.n]) / 52.0
    ppl["age"] = pd.Series(age, index=sim.pop["id"][: sim.pop.n]).reindex(ppl["id"]).to_numpy()
    ppl["maltreated"] = ppl[list(ABUSE)].astype(bool).any(axis=1)
    gen0 = ppl[ppl["generation"] == 0]
    kids = ppl[(ppl["generation"] == 1) & (ppl["age"] >= 18)].copy()
    mom = ppl.set_index("id").loc[kids["parent_id"]]
    kids["mother_maltreated"] = mom["maltreated"].to_numpy()
    print(f"gen 0 maltreated {gen0['maltreated'].mean():.3f}  gen 1 (>= 18) maltreated {kids['maltreated'].mean():.3f}"
          f"  n kids {len(kids)}")
    for c in ABUSE:
        print(f"  {c}: gen 0 {gen0[c].astype(bool).mean():.3f}  gen 1 {kids[c].astype(bool).mean():.3f}")
    print(report(kids["mother_maltreated"].to_numpy(bool), kids["maltreated"].to_numpy(bool)))


def report(parent: np.ndarray, child: np.ndarray) -> str:
    """Share maltreated among children of maltreated / other parents, odds ratio, logit d, phi."""
    p1, p0 = child[parent].mean(), child[~parent].mean()
    odds = (p1 / (1 - p1)) / (p0 / (1 - p0))
    phi = float(np.corrcoef(parent.astype(float), child.astype(float))[0, 1])
    return (f"children of maltreated mothers {p1:.3f} (n {parent.sum()}), of others {p0:.3f}: OR {odds:.2f}, "
            f"d {math.log(odds) * math.sqrt(3) / math.pi:.2f}, r {phi:.3f}  "
            "(Madigan et al. 2019: d .45 [.37, .54]; Assink et al. 2018: r .29, OR 2.99)")


if __name__ == "__main__":
    main()
