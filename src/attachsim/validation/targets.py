"""Published figures (MODEL §8) as data, with the extractor that measures each in simulated people.

Each target has the figure, its tolerance, citation and sample size, and the scenarios it needs.

Each :class:`Target` reads the people tables of the scenarios it names (one table per
scenario, all from the same seed, so arms share their random numbers) and returns one number
on the scale of the published figure. A figure given as a range (Ainsworth's A 15-22%) has
``low`` and ``high``; a target passes when the model's value, averaged over seeds, lies
within ``tolerance`` of the range (or of the point). Tolerances are MODEL §8's: a category
share ±5 percentage points (±8 for D), a correlation or kappa ±.06, an agreement ±7 points,
an effect size ±0.25.

Effect sizes on a binary outcome (Cyr et al. 2010) are computed by the logit method used in
meta-analyses (Hasselblad & Hedges 1995; Chinn 2000): d = ln(odds ratio) x sqrt(3) / pi,
from the two groups' shares. The probit method (d = z(p1) - z(p2)) is reported beside it as
``d_probit`` in the notes; both are standard conversions and agree within about 15%. Cyr et al.
pooled study-level d's (random effects, each sample against low-risk distributions): by the
logit method, d = 2.19 for D needs an odds ratio of about 53 (about 85-90% D against 15%), as
in the protective-services samples that dominate their maltreatment set (e.g. about 90% D in
Cicchetti, Rogosch & Toth 2006), while van IJzendoorn et al. 1999 put D in maltreated samples
at 48% and Egeland & Sroufe 1981 found 38% secure. The Cyr maltreatment targets therefore read
the `maltreated-severe` scenario (protective-services samples: abuse and neglect from birth,
five socioeconomic risks), the others the milder `maltreated` one. Egeland & Sroufe's study
predates the D category: both of its figures are read from the three-way A/B/C classification
(D infants at their forced best fit), in the poverty sample both its groups came from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..assessments.strange_situation import sensitivity_security_r
from ..core.stats import cohen_kappa, transmission

Frames = Mapping[str, pd.DataFrame]

SHARE = 0.05
SHARE_D = 0.08
CORRELATION = 0.06
AGREEMENT = 0.07
EFFECT_SIZE = 0.25


#: The scenarios the targets read, by key. ``years`` here are the most any target needs; a target
#: states its own minimum in :attr:`Target.years` so that calibration can run shorter.
SCENARIOS: dict[str, str] = {
    "normative": "normative",
    "maltreated": "maltreated",
    "maltreated-severe": "maltreated-severe",
    "socioeconomic-risk": "socioeconomic-risk",
    "high-risk": "high-risk",
    "intergenerational": "intergenerational",
    "general-population": "general-population",
}


@dataclass(frozen=True)
class Target:
    """One published figure and how to measure it in a simulated population."""

    name: str
    label: str
    figure: float
    tolerance: float
    citation: str
    sample_size: str
    years: dict[str, float]
    columns: tuple[str, ...]
    extract: Callable[[Frames], float]
    group: str
    unit: str = "share"
    low: float | None = None
    high: float | None = None
    note: str = ""
    notes: Callable[[Frames], dict[str, float]] | None = field(default=None, compare=False)

    @property
    def scenarios(self) -> tuple[str, ...]:
        """Keys of :data:`SCENARIOS` this target reads."""
        return tuple(self.years)

    @property
    def accepted(self) -> tuple[float, float]:
        """The accepted interval: the published range (or point) widened by the tolerance."""
        lo = self.figure if self.low is None else self.low
        hi = self.figure if self.high is None else self.high
        return lo - self.tolerance, hi + self.tolerance

    def published(self) -> str:
        """The published figure as text (a range when there is one)."""
        scale = 100.0 if self.unit == "share" else 1.0
        points = [self.low, self.high] if self.low is not None and self.high is not None else [self.figure]
        whole = all(abs(100 * v - round(100 * v)) < 1e-9 for v in points)
        fmt = ("{:.0f}%" if whole else "{:.1f}%") if self.unit == "share" else "{:.2f}"
        if self.low is not None and self.high is not None:
            return f"{fmt.format(self.low * scale)}-{fmt.format(self.high * scale)}"
        return fmt.format(self.figure * scale)

    def passes(self, value: float) -> bool:
        """Whether ``value`` lies in :attr:`accepted`."""
        lo, hi = self.accepted
        return bool(np.isfinite(value)) and lo - 1e-12 <= value <= hi + 1e-12


# --- helpers ------------------------------------------------------------------------------------
def share(people: pd.DataFrame, column: str, value: str, where: pd.Series | None = None) -> float:
    """Share of assessed people (non-missing ``column``) whose value is ``value``."""
    col = people[column] if where is None else people.loc[where, column]
    col = col.dropna()
    return float((col.astype(str) == value).mean()) if len(col) else math.nan


def logit_d(p1: float, p2: float) -> float:
    """Effect size of a difference in two proportions by the logit method: ln(OR) * sqrt(3) / pi."""
    eps = 1e-6
    a, b = min(max(p1, eps), 1 - eps), min(max(p2, eps), 1 - eps)
    return math.log((a / (1 - a)) / (b / (1 - b))) * math.sqrt(3.0) / math.pi


def probit_d(p1: float, p2: float) -> float:
    """Effect size of a difference in two proportions by the probit method: z(p1) - z(p2)."""
    eps = 1e-6
    z = NormalDist().inv_cdf
    return z(min(max(p1, eps), 1 - eps)) - z(min(max(p2, eps), 1 - eps))


def _first_generation(people: pd.DataFrame) -> pd.DataFrame:
    return people[people["generation"] == 0] if "generation" in people else people


def _transmission(frames: Frames, key: str) -> float:
    return transmission(frames["intergenerational"])[key]


def _aai_share(frames: Frames, cls: str) -> float:
    return share(frames["normative"], "aai_25", cls)


def _ace_share(frames: Frames, cat: str) -> float:
    return float(frames["general-population"][f"ace_{cat}"].mean())


def _ace_score(frames: Frames, score: int) -> float:
    return ace_score_share(frames["general-population"], score)


def _csb(frames: Frames, sex: str) -> float:
    return csb_share(frames["normative"], sex)


def _ssp(frames: Frames, key: str, cat: str) -> float:
    return share(_first_generation(frames[key]), "ssp_12m", cat)


def _ssp_forced(frames: Frames, key: str, cat: str) -> float:
    """Share of ``cat`` in the three-way (A/B/C) classification, D infants at their forced best fit."""
    return share(_first_generation(frames[key]), "ssp_12m_forced", cat)


def excellent_care_security(people: pd.DataFrame, top: float = 32 / 267, column: str = "ssp_12m") -> float:
    """Share secure among infants whose caregivers' observed first-year sensitivity is in the top ``top``.

    Egeland & Sroufe (1981) picked an "excellent care" group of 32 from 267 mothers by ratings of
    their care; the same share of the best-rated caregivers is taken here.
    """
    data = people[["sensitivity_0_1", column]].dropna()
    cut = data["sensitivity_0_1"].quantile(1.0 - top)
    return share(data, column, "B", data["sensitivity_0_1"] >= cut)


def continuity(people: pd.DataFrame, early: str = "ssp_12m", late: str = "aai_25") -> float:
    """Share keeping their secure/insecure classification from infancy (B) to adulthood (F)."""
    data = people[[early, late]].dropna()
    return float(((data[early].astype(str) == "B") == (data[late].astype(str) == "F")).mean())


def early_childhood_kappa(people: pd.DataFrame) -> float:
    """Four-way kappa between the Strange Situation at 12 months and the reunion procedure at 5 years."""
    data = people[["ssp_12m", "reunion_5y"]].dropna()
    return cohen_kappa(data["ssp_12m"].astype(str).to_numpy(), data["reunion_5y"].astype(str).to_numpy())


def early_childhood_r(people: pd.DataFrame) -> float:
    """Phi (r) between security (B) at 12 months and at 5 years."""
    data = people[["ssp_12m", "reunion_5y"]].dropna()
    a = (data["ssp_12m"].astype(str) == "B").to_numpy(float)
    b = (data["reunion_5y"].astype(str) == "B").to_numpy(float)
    return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else math.nan


def ace_score_share(people: pd.DataFrame, score: int) -> float:
    """Share with an ACE count of ``score`` (4 means 4 or more)."""
    counts = people["ace_count"].clip(upper=4)
    return float((counts == score).mean())


def csb_share(people: pd.DataFrame, sex: str) -> float:
    """Share of one sex meeting the compulsive-sexual-behaviour criterion at 35."""
    col = people.loc[people["sex"] == sex, "compulsive_sex_35"].dropna()
    return float(col.astype(bool).mean()) if len(col) else math.nan


def _effect_notes(key: str, base: str, cat: str, fewer: bool) -> Callable[[Frames], dict[str, float]]:
    def notes(frames: Frames) -> dict[str, float]:
        p_group, p_base = _ssp(frames, key, cat), _ssp(frames, base, cat)
        a, b = (p_base, p_group) if fewer else (p_group, p_base)
        return {f"{cat} {key}": p_group, f"{cat} {base}": p_base, "d_probit": probit_d(a, b)}
    return notes


def _effect(key: str, base: str, cat: str, fewer: bool) -> Callable[[Frames], float]:
    def extract(frames: Frames) -> float:
        p_group, p_base = _ssp(frames, key, cat), _ssp(frames, base, cat)
        return logit_d(p_base, p_group) if fewer else logit_d(p_group, p_base)
    return extract


# --- the targets --------------------------------------------------------------------------------
AINSWORTH = "Ainsworth et al. 1978 (A 22, B 66, C 12%); ranges across low-risk samples (MODEL §8)"
VAN_IJZ_1999 = "van IJzendoorn, Schuengel & Bakermans-Kranenburg 1999 (meta-analysis)"
CYR = "Cyr, Euser, Bakermans-Kranenburg & van IJzendoorn 2010 (meta-analysis)"
INFANCY = {"normative": 1.0}


def _targets() -> list[Target]:
    t: list[Target] = []
    for cat, lo, hi, n in (("A", 0.15, 0.22, "N=106"), ("B", 0.62, 0.66, "N=106"), ("C", 0.09, 0.12, "N=106")):
        t.append(Target(
            name=f"ssp_low_risk_{cat}", label=f"low-risk infants: {cat} share (Strange Situation, 12 months)",
            figure=(lo + hi) / 2, low=lo, high=hi, tolerance=SHARE, citation=AINSWORTH, sample_size=n,
            years=INFANCY, columns=("ssp_12m",), group="infancy",
            extract=partial(_ssp, key="normative", cat=cat)))
    t.append(Target(
        name="ssp_low_risk_D", label="low-risk infants: D share", figure=0.15, tolerance=SHARE_D,
        citation=VAN_IJZ_1999 + "; D about 15% in middle-class samples", sample_size="N=2,104 (21 samples)",
        years=INFANCY, columns=("ssp_12m",), group="infancy", extract=lambda f: _ssp(f, "normative", "D")))
    t.append(Target(
        name="ssp_maltreated_D", label="maltreated infants: D share, 'two or even three times' the 15%",
        figure=0.375, low=0.30, high=0.48, tolerance=SHARE_D, sample_size="N=165 (maltreated)",
        citation=VAN_IJZ_1999 + "; 48% D in its maltreated samples",
        years={"maltreated": 1.0, "normative": 1.0}, columns=("ssp_12m",), group="infancy",
        extract=lambda f: _ssp(f, "maltreated", "D"),
        notes=lambda f: {"ratio to the model's low-risk D": _ssp(f, "maltreated", "D") / _ssp(f, "normative", "D")}))
    for name, label, key, cat, fewer, figure in (
            ("cyr_maltreated_secure_d", "maltreated (protective services) vs low-risk: fewer secure (d)",
             "maltreated-severe", "B", True, 2.10),
            # Cyr et al.'s abstract: maltreated children were less secure (d = 2.10) and more disorganised
            # (d = 2.19), other high-risk children d = 0.48 and 0.48, each against low-risk distributions
            ("cyr_maltreated_disorganised_d", "maltreated (protective services) vs low-risk: more D (d)",
             "maltreated-severe", "D", False, 2.19),
            ("cyr_risk_secure_d", "high-risk, not maltreated, vs low-risk: fewer secure (d)", "socioeconomic-risk",
             "B", True, 0.48),
            ("cyr_risk_disorganised_d", "high-risk, not maltreated, vs low-risk: more D (d)", "socioeconomic-risk",
             "D", False, 0.48)):
        t.append(Target(
            name=name, label=label, figure=figure, tolerance=EFFECT_SIZE, unit="d", citation=CYR,
            sample_size="55 studies, N=4,792", years={key: 1.0, "normative": 1.0}, columns=("ssp_12m",),
            group="infancy", extract=_effect(key, "normative", cat, fewer), notes=_effect_notes(key, "normative", cat,
                                                                                               fewer),
            note="d by the logit method from the two groups' shares"))
    t.append(Target(
        name="cyr_five_risks_disorganised_d", label="five socioeconomic risks, not maltreated, vs low-risk: more D (d)",
        figure=1.20, tolerance=EFFECT_SIZE, unit="d",
        citation=CYR + "; five risks: not significantly less D than maltreatment", sample_size="k=8 studies",
        years={"high-risk": 1.0, "normative": 1.0, "maltreated-severe": 1.0}, columns=("ssp_12m",), group="infancy",
        extract=_effect("high-risk", "normative", "D", False),
        notes=lambda f: {"D high-risk": _ssp(f, "high-risk", "D"),
                         "D maltreated (protective services)": _ssp(f, "maltreated-severe", "D"),
                         "D normative": _ssp(f, "normative", "D")},
        note="d by the logit method from the two groups' shares"))
    t.append(Target(
        name="egeland_maltreated_secure", label="maltreated infants: secure share at 12 months", figure=0.38,
        tolerance=SHARE, citation="Egeland & Sroufe 1981", sample_size="N=31 (maltreatment group)",
        years={"maltreated": 1.0}, columns=("ssp_12m", "ssp_12m_forced"), group="infancy",
        extract=lambda f: _ssp_forced(f, "maltreated", "B"),
        notes=lambda f: {"B with D coded (four-way)": _ssp(f, "maltreated", "B")},
        note="three-way A/B/C classification (D infants at their forced best fit): the study predates the D "
             "category (Main & Solomon 1986, 1990)"))
    t.append(Target(
        name="egeland_excellent_secure", label="excellent care: secure share at 12 months", figure=0.75,
        tolerance=SHARE, citation="Egeland & Sroufe 1981", sample_size="N=32 (excellent-care group)",
        years={"socioeconomic-risk": 1.0}, columns=("ssp_12m", "ssp_12m_forced", "sensitivity_0_1"),
        group="infancy",
        extract=lambda f: excellent_care_security(_first_generation(f["socioeconomic-risk"]),
                                                  column="ssp_12m_forced"),
        notes=lambda f: {"B with D coded (four-way)": excellent_care_security(
            _first_generation(f["socioeconomic-risk"]))},
        note="the top 32/267 (12%) by observed first-year sensitivity of the poverty sample both groups were "
             "drawn from (`socioeconomic-risk`), three-way A/B/C classification as in 1981"))
    t.append(Target(
        name="sensitivity_security_r", label="r(caregiver sensitivity, infant security)", figure=0.24,
        tolerance=CORRELATION, unit="r", citation="De Wolff & van IJzendoorn 1997 (meta-analysis)",
        sample_size="66 studies, N=4,176", years=INFANCY, columns=("ssp_12m", "sensitivity_0_1"), group="infancy",
        extract=lambda f: sensitivity_security_r(_first_generation(f["normative"]))["r"],
        note="point-biserial r of mean observed first-year sensitivity with B vs not B"))
    # transmission (van IJzendoorn 1995; Pederson et al. 1998)
    tx_cols = ("generation", "parent_aai_at_birth", "ssp_12m", "sensitivity_0_1")
    tx_years = {"intergenerational": 47.0}
    for name, label, key, figure, tol, unit in (
            ("transmission_agreement", "parent interview (F) vs infant (B): agreement", "agreement", 0.75, AGREEMENT,
             "share"),
            ("transmission_kappa", "parent interview vs infant: kappa (secure/insecure)", "kappa", 0.49, CORRELATION,
             "kappa"),
            ("transmission_d", "parent interview vs infant: d", "d", 1.06, EFFECT_SIZE, "d")):
        t.append(Target(
            name=name, label=label, figure=figure, tolerance=tol, unit=unit, sample_size="18 studies, N=854",
            citation="van IJzendoorn 1995 (meta-analysis)", years=tx_years, columns=tx_cols, group="transmission",
            extract=partial(_transmission, key=key),
            note="second-generation infants; the mother's interview at the birth" +
                 ("; d = 2 phi / sqrt(1 - phi^2)" if key == "d" else "")))
    t.append(Target(
        name="transmission_sensitivity_share", label="share of the transmission carried by observed sensitivity",
        figure=0.17, tolerance=SHARE, citation="Pederson et al. 1998 (the 'transmission gap': small, 17%)",
        sample_size="N=60", years=tx_years, columns=tx_cols, group="transmission",
        extract=lambda f: transmission(f["intergenerational"])["sensitivity_share"],
        note="difference of coefficients (linear probability model), tolerance of a share"))
    # adult interview (Bakermans-Kranenburg & van IJzendoorn 2009)
    bk = "Bakermans-Kranenburg & van IJzendoorn 2009 (non-clinical mothers)"
    for cls, figure in (("Ds", 0.23), ("F", 0.58), ("E", 0.19)):
        t.append(Target(
            name=f"aai_{cls}", label=f"adult interview at 25: {cls} share", figure=figure, tolerance=SHARE,
            citation=bk, sample_size="N=748", years={"normative": 26.0}, columns=("aai_25",), group="adulthood",
            extract=partial(_aai_share, cls=cls), note="everyone at 25 (three-way)"))
    t.append(Target(
        name="aai_U", label="adult interview at 25: U coded in addition", figure=0.18, tolerance=SHARE, citation=bk,
        sample_size="N=748", years={"normative": 26.0}, columns=("aai_unresolved_25",), group="adulthood",
        extract=lambda f: float(f["normative"]["aai_unresolved_25"].dropna().astype(bool).mean())))
    t.append(Target(
        name="continuity_infancy_adulthood", label="same secure/insecure classification, 12 months to adulthood",
        figure=0.72, tolerance=AGREEMENT, citation="Waters et al. 2000", sample_size="N=50",
        years={"normative": 26.0}, columns=("ssp_12m", "aai_25"), group="adulthood",
        extract=lambda f: continuity(f["normative"]),
        note="Strange Situation B vs adult interview F at 25 (Waters et al. interviewed at 20-21)"))
    t.append(Target(
        name="continuity_early_childhood_kappa",
        label="early childhood continuity: kappa (4-way), 12 months to 5 years",
        figure=0.23, tolerance=CORRELATION, unit="kappa", citation="Opie et al. 2021 (meta-analysis)",
        sample_size="N=4,095 (kappa studies)", years={"normative": 5.5}, columns=("ssp_12m", "reunion_5y"),
        group="childhood", extract=lambda f: early_childhood_kappa(f["normative"])))
    t.append(Target(
        name="continuity_early_childhood_r", label="early childhood continuity: r (secure vs insecure)", figure=0.28,
        tolerance=CORRELATION, unit="r", citation="Opie et al. 2021 (meta-analysis)", sample_size="N=2,885 (r studies)",
        years={"normative": 5.5}, columns=("ssp_12m", "reunion_5y"), group="childhood",
        extract=lambda f: early_childhood_r(f["normative"]), note="phi of B at 12 months with B at 5 years"))
    # ACE study (Felitti et al. 1998; CDC figures for the cohort of 17,337)
    ace = "ACE study cohort (Felitti et al. 1998; CDC 2016 prevalence tables)"
    ace_years = {"general-population": 18.5}
    for cat, figure in (("emotional_abuse", 0.11), ("physical_abuse", 0.28), ("sexual_abuse", 0.22),
                        ("emotional_neglect", 0.15), ("physical_neglect", 0.10)):
        t.append(Target(
            name=f"ace_{cat}", label=f"ACE: {cat.replace('_', ' ')} before 18", figure=figure, tolerance=SHARE,
            citation=ace, sample_size="N=17,337", years=ace_years, columns=(f"ace_{cat}",), group="ace",
            extract=partial(_ace_share, cat=cat)))
    for score, figure in ((0, 0.33), (1, 0.25), (2, 0.15), (3, 0.10), (4, 0.17)):
        t.append(Target(
            name=f"ace_score_{score}{'_or_more' if score == 4 else ''}",
            label=f"ACE score {score}{' or more' if score == 4 else ''}", figure=figure, tolerance=SHARE,
            citation=ace, sample_size="N=17,337", years=ace_years, columns=("ace_count",), group="ace",
            extract=partial(_ace_score, score=score)))
    for sex, figure, label in (("M", 0.103, "men"), ("F", 0.070, "women")):
        t.append(Target(
            name=f"csb_{label}", label=f"compulsive sexual behaviour, {label} at 35", figure=figure, tolerance=SHARE,
            citation="Dickenson et al. 2018 (US national sample, CSBI-13 clinical threshold)", sample_size="N=2,325",
            years={"normative": 36.0}, columns=("sex", "compulsive_sex_35"), group="adulthood",
            extract=partial(_csb, sex=sex)))
    return t


TARGETS: tuple[Target, ...] = tuple(_targets())
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(t.group for t in TARGETS))


def get_targets(names: list[str] | None = None) -> list[Target]:
    """Targets by name or group (``None``: all); unknown names are errors listing what exists."""
    if not names:
        return list(TARGETS)
    by_name = {t.name: t for t in TARGETS}
    out: list[Target] = []
    for name in names:
        if name in GROUPS:
            out.extend(t for t in TARGETS if t.group == name and t not in out)
        elif name in by_name:
            if by_name[name] not in out:
                out.append(by_name[name])
        else:
            raise ValueError(f"Unknown target '{name}'; allowed: a group ({', '.join(GROUPS)}) or a target name "
                             f"({', '.join(by_name)}).")
    return out


def needed(targets: list[Target]) -> dict[str, float]:
    """Scenario key -> years to run, the most any of ``targets`` needs."""
    out: dict[str, float] = {}
    for t in targets:
        for key, years in t.years.items():
            out[key] = max(out.get(key, 0.0), years)
    return out


def columns_for(targets: list[Target], key: str) -> list[str]:
    """Columns of scenario ``key`` that ``targets`` read (``generation`` always kept)."""
    cols: dict[str, None] = {"generation": None}
    for t in targets:
        if key in t.years:
            cols.update(dict.fromkeys(t.columns))
    return list(cols)
