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
