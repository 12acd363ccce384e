"""The second seed text's table, trauma vs neglect, computed from simulated cohorts.

Each row names an aspect of the seed's table, the simulated measure that stands for it and
the cohort in which the seed says it is higher; the values come from a threat-only cohort,
a deprivation-only cohort and the normative population.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.results import Results
from ..core.stats import cohen_d


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    aspect: str
    seed_says: str
    measure: str
    column: str
    higher_in: str  # "threat", "deprivation" or "both" (both cohorts above normative)
    transform: str = "mean"  # "mean" or "insecure" (share not secure)


ROWS: tuple[Row, ...] = (
    Row("Emotional impact", "trauma: hypervigilance", "hypervigilance sign at 8 (0-2)", "hypervigilance_8y", "threat"),
    Row("Emotional impact", "trauma: emotional dysregulation", "volatility sign at 8 (0-2)", "volatility_8y", "threat"),
    Row("Emotional impact", "trauma: fear", "fear of attack at 18 (0-1)", "fear_attack_18", "threat"),
    Row("Emotional impact", "neglect: emotional withdrawal", "social withdrawal sign at 8 (0-2)",
        "social_withdrawal_8y", "deprivation"),
    Row("Emotional impact", "neglect: low self-esteem", "fear of being inadequate at 18 (0-1)", "fear_inadequacy_18",
        "deprivation"),
    Row("Behaviour", "trauma: aggression", "aggressive outbursts at 8 (0-2)", "aggressive_outbursts_8y", "threat"),
    Row("Behaviour", "trauma: mistrust", "mistrust sign at 8 (0-2)", "mistrust_8y", "threat"),
    Row("Behaviour", "neglect: passivity", "passivity sign at 8 (0-2)", "passivity_8y", "deprivation"),
    Row("Behaviour", "neglect: difficulty seeking help", "help-seeking at 8 (0-2), lower is worse", "help_seeking_8y",
        "threat"),
    Row("Neurobiology (proxy)", "trauma: heightened stress response", "stress gain at 8", "stress_gain_8y",
        "threat"),
    Row("Neurobiology (proxy)", "neglect: under-developed social cognition",
        "social cognition at 8 (0-1), lower is worse", "social_cognition_8y", "threat"),
    Row("Long-term", "trauma: chronic mental-health problems", "chronic stress at 35", "chronic_stress_35", "threat"),
    Row("Long-term", "trauma: trust issues", "trust at 35, lower is worse", "trust_35", "deprivation"),
    Row("Long-term", "neglect: impaired social skills, isolation", "social isolation at 35 (0-1)", "isolation_35",
        "deprivation"),
    Row("Long-term", "both: attachment difficulties", "insecure on the adult interview at 25 (share not F)",
        "aai_25", "both", "insecure"),
    Row("Long-term", "both: attachment difficulties", "insecure on the ECR-R form at 25 (share)", "adult_style_25",
        "both", "insecure"),
)


def _values(people: pd.DataFrame, row: Row) -> np.ndarray[Any, Any]:
    if row.column not in people:
        raise KeyError(f"Column '{row.column}' is missing; run the cohorts for at least 36 years.")
    if row.transform == "insecure":
        col = people[row.column].astype(str)
        col = col[(col != "") & (col != "nan")]
        return (~col.isin(["secure", "F"])).to_numpy(dtype=np.float64)
    return people[row.column].to_numpy(dtype=np.float64, na_value=np.nan)


def table(threat: Results, deprivation: Results, normative: Results) -> list[dict[str, Any]]:
    """The comparison, one record per row: cohort means, d (threat vs deprivation) and agreement."""
    out = []
    for row in ROWS:
        t, d, n = (_values(r.people, row) for r in (threat, deprivation, normative))
        mt, md, mn = (float(np.nanmean(v)) for v in (t, d, n))
        if row.higher_in == "threat":
            agrees = mt > md
        elif row.higher_in == "deprivation":
            agrees = md > mt
        else:
            agrees = mt > mn and md > mn
        out.append({"aspect": row.aspect, "seed_says": row.seed_says, "measure": row.measure, "threat": mt,
                    "deprivation": md, "normative": mn, "d_threat_vs_deprivation": cohen_d(t, d),
                    "higher_in": row.higher_in, "reproduced": bool(agrees)})
    return out
