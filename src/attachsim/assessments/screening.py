"""Screening (seed 1, S1-4): predict the adversity pathway from the 8-year behaviour signs.

A linear discriminant classifier (shared covariance, Fisher 1936) is fitted on one simulated
population and scored on a fresh population simulated with another seed, so nothing is
scored on labels it was trained on. Sensitivity and specificity are reported per pathway
(none, threat, deprivation, both), one pathway against the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .lifespan import SIGNS

PATHWAYS = ("none", "threat", "deprivation", "both")
F64 = npt.NDArray[np.float64]


def pathway(people: pd.DataFrame) -> npt.NDArray[np.object_]:
    """The true adversity pathway of each person (from the exposure schedule)."""
    t = people["threat_exposed"].to_numpy(bool)
    d = people["deprivation_exposed"].to_numpy(bool)
    out: npt.NDArray[np.object_] = np.where(t & d, "both", np.where(t, "threat", np.where(d, "deprivation", "none"))
                                            ).astype(object)
    return out


def sign_matrix(people: pd.DataFrame, age_years: int = 8) -> F64:
    """The checklist ratings at one age as an (n, 11) matrix."""
    cols = [f"{s}_{age_years}y" for s in SIGNS]
    missing = [c for c in cols if c not in people]
    if missing:
        raise ValueError(f"The checklist at {age_years} years is missing from the results (no columns {missing[:3]}); "
                         f"run at least {age_years + 1} years with {age_years} in assessments.checklist.ages_years.")
    out: F64 = people[cols].to_numpy(dtype=np.float64, na_value=np.nan)
    return out


@dataclass
class LinearDiscriminant:
    """Linear discriminant analysis with a shared covariance matrix and empirical priors."""

    means: F64
    precision: F64
    log_priors: F64
    classes: tuple[str, ...] = PATHWAYS

    @classmethod
    def fit(cls, x: F64, y: npt.NDArray[np.object_], ridge: float = 1e-3) -> LinearDiscriminant:
        """Fit on complete rows of ``x`` with labels ``y``."""
        keep = np.isfinite(x).all(axis=1)
        x, y = x[keep], y[keep]
        means = np.stack([x[y == c].mean(axis=0) if np.any(y == c) else np.zeros(x.shape[1]) for c in PATHWAYS])
        resid = x - means[[PATHWAYS.index(c) for c in y]]
        cov = resid.T @ resid / max(len(x) - len(PATHWAYS), 1) + ridge * np.eye(x.shape[1])
        priors = np.array([max(np.mean(y == c), 1e-9) for c in PATHWAYS])
        return cls(means=means, precision=np.linalg.inv(cov), log_priors=np.log(priors))

    def predict(self, x: F64) -> npt.NDArray[np.object_]:
        """The most probable pathway for each row."""
        lin = x @ self.precision @ self.means.T - 0.5 * np.einsum("ij,jk,ik->i", self.means, self.precision,
                                                                   self.means) + self.log_priors
        out: npt.NDArray[np.object_] = np.array(self.classes, dtype=object)[np.argmax(lin, axis=1)]
        return out


def evaluate(truth: npt.NDArray[np.object_], predicted: npt.NDArray[np.object_]) -> list[dict[str, Any]]:
    """Sensitivity and specificity per pathway (one against the rest), with counts."""
    rows = []
    for c in PATHWAYS:
        pos, hit = truth == c, predicted == c
        tp, fn = int(np.sum(pos & hit)), int(np.sum(pos & ~hit))
        tn, fp = int(np.sum(~pos & ~hit)), int(np.sum(~pos & hit))
        rows.append({"pathway": c, "n": int(pos.sum()),
                     "sensitivity": tp / (tp + fn) if tp + fn else float("nan"),
                     "specificity": tn / (tn + fp) if tn + fp else float("nan")})
    return rows


def screen(train: pd.DataFrame, test: pd.DataFrame, age_years: int = 8) -> dict[str, Any]:
    """Fit on ``train`` and report accuracy per pathway on ``test`` (a fresh population)."""
    model = LinearDiscriminant.fit(sign_matrix(train, age_years), pathway(train))
    x = sign_matrix(test, age_years)
    keep = np.isfinite(x).all(axis=1)
    truth = pathway(test)[keep]
    predicted = model.predict(x[keep])
    return {"rows": evaluate(truth, predicted), "accuracy": float(np.mean(truth == predicted)),
            "n_train": len(train), "n_test": int(keep.sum()), "age_years": age_years}
