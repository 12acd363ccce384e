"""Small statistics used by summaries, tables and tests."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def cohen_kappa(a: Sequence[object] | npt.NDArray[np.generic], b: Sequence[object] | npt.NDArray[np.generic]) -> float:
    """Cohen's kappa between two classifications of the same people (missing pairs dropped)."""
    x = np.asarray(a, dtype=object)
    y = np.asarray(b, dtype=object)
    keep = np.array([_present(u) and _present(v) for u, v in zip(x, y, strict=True)], dtype=bool)
    x, y = x[keep], y[keep]
    if x.size == 0:
        return math.nan
    labels = sorted(set(x.tolist()) | set(y.tolist()), key=str)
    po = float(np.mean(x == y))
    pe = sum(float(np.mean(x == lab)) * float(np.mean(y == lab)) for lab in labels)
    return (po - pe) / (1.0 - pe) if pe < 1.0 else math.nan


def _present(v: object) -> bool:
    if v is None or v in ("", "nan", "<NA>"):
        return False
    try:
        return not bool(np.isnan(v))  # type: ignore[call-overload]
    except TypeError:
        return True


def cohen_d(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Standardised mean difference (x - y) / pooled SD."""
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    pooled = math.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
    return float((a.mean() - b.mean()) / pooled) if pooled > 0 else math.nan


def secure_table(parent_secure: float, b_given_f: float, b_given_other: float) -> dict[str, float]:
    """Agreement and kappa of a parent-secure x child-secure table built from its rows and its parents' margin.

    ``parent_secure`` is the share of parents classed secure (F); ``b_given_f`` and ``b_given_other`` the share of
    secure (B) children of secure and of other parents. Kappa depends on the margins as well as on the link (the
    "kappa paradox": Feinstein & Cicchetti 1990), so a link read on one population can be compared with a figure
    published for populations whose parents are secure in another share by keeping the rows and setting the margin.
    """
    p_b = parent_secure * b_given_f + (1.0 - parent_secure) * b_given_other
    agreement = parent_secure * b_given_f + (1.0 - parent_secure) * (1.0 - b_given_other)
    chance = parent_secure * p_b + (1.0 - parent_secure) * (1.0 - p_b)
    kappa = (agreement - chance) / (1.0 - chance) if chance < 1.0 else math.nan
    return {"agreement": agreement, "kappa": kappa, "chance": chance, "child_secure": p_b}


def mediated_share(y: npt.ArrayLike, x: npt.ArrayLike, m: npt.ArrayLike) -> dict[str, float]:
    """Share of the effect of ``x`` on ``y`` carried by the mediator ``m`` (difference of coefficients).

    Linear regressions of ``y`` on ``x`` (total effect *c*) and of ``y`` on ``x`` and ``m``
    (direct effect *c'*); the share is (c - c') / c (Baron & Kenny 1986; for a binary outcome
    this is the linear probability model). Rows with a missing value are dropped.
    """
    yy, xx, mm = (np.asarray(v, dtype=np.float64) for v in (y, x, m))
    keep = np.isfinite(yy) & np.isfinite(xx) & np.isfinite(mm)
    yy, xx, mm = yy[keep], xx[keep], mm[keep]
    if yy.size < 3:
        return {"total": math.nan, "direct": math.nan, "share": math.nan, "n": float(yy.size)}
    ones = np.ones_like(yy)
    total = float(np.linalg.lstsq(np.column_stack([ones, xx]), yy, rcond=None)[0][1])
    direct = float(np.linalg.lstsq(np.column_stack([ones, xx, mm]), yy, rcond=None)[0][1])
    share = (total - direct) / total if total != 0 else math.nan
    return {"total": total, "direct": direct, "share": share, "n": float(yy.size)}


def transmission(people: object) -> dict[str, float]:
    """Parent interview at the birth vs the child's 12-month Strange Situation (van IJzendoorn 1995).

    Secure/insecure agreement (parent F vs child B), kappa, the phi coefficient and its d
    (2 phi / sqrt(1 - phi^2)), and the share of the link carried by the caregiver's first-year
    sensitivity as observers rate it (``sensitivity_rated_0_1``: Ainsworth's sensitivity, acceptance,
    cooperation and accessibility scales) by :func:`mediated_share` (Pederson et al. 1998 report 17%),
    with the share carried by the prompt-soothing rating alone (``sensitivity_0_1``) beside it as
    ``soothing_share``. Uses children with a recorded parent interview and Strange Situation.
    """
    import pandas as pd

    assert isinstance(people, pd.DataFrame)
    kids = people[people["parent_aai_at_birth"].notna() & people["ssp_12m"].notna()]
    f = (kids["parent_aai_at_birth"].astype(str) == "F").to_numpy(np.float64)
    b = (kids["ssp_12m"].astype(str) == "B").to_numpy(np.float64)
    if f.size < 3:
        return {"n": float(f.size), "agreement": math.nan, "kappa": math.nan, "phi": math.nan, "d": math.nan,
                "sensitivity_share": math.nan, "soothing_share": math.nan, "parent_secure": math.nan,
                "b_given_f": math.nan, "b_given_other": math.nan}
    phi = float(np.corrcoef(f, b)[0, 1])
    b_f = float(b[f == 1].mean()) if (f == 1).any() else math.nan
    b_other = float(b[f == 0].mean()) if (f == 0).any() else math.nan
    rated = "sensitivity_rated_0_1" if "sensitivity_rated_0_1" in kids else "sensitivity_0_1"
    med = mediated_share(b, f, kids[rated].to_numpy(np.float64))
    sooth = mediated_share(b, f, kids["sensitivity_0_1"].to_numpy(np.float64))
    return {"n": float(f.size), "agreement": float(np.mean(f == b)),
            "kappa": cohen_kappa(f.astype(int), b.astype(int)), "phi": phi,
            "d": 2 * phi / math.sqrt(1 - phi * phi), "sensitivity_share": med["share"],
            "soothing_share": sooth["share"], "parent_secure": float(f.mean()), "b_given_f": b_f,
            "b_given_other": b_other}
