"""Results of a run: one row per person, plus summaries with intervals."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .engine import Simulation


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval for a proportion k / n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Results:
    """What a run produced: ``people`` (one row per person), run metadata and each column's declaration.

    ``columns`` maps each column of ``people`` to its metadata (dtype, unit, label, how it aggregates, the
    mechanism that declared it); ``summary_column`` is the column ``summary()`` reads by default and
    ``summary_extras`` adds figures to the summary of particular columns (both set by the model).

    ``timeseries`` and ``traces`` are filled by recorders (``attachsim.recording``) when the run had them;
    ``life(id)`` tells a traced person's life through the ``story`` the trace recorder leaves.
    """

    people: pd.DataFrame
    scenario: dict[str, Any]
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    summary_column: str | None = None
    summary_extras: Mapping[str, Callable[[pd.DataFrame], dict[str, Any]]] = field(default_factory=dict)
    #: population series by age and group (tidy: time_years, age_years, by, group, variable, value, n)
    timeseries: pd.DataFrame | None = None
    #: chosen people's states over the run (id, step, age_weeks, states...)
    traces: pd.DataFrame | None = None
    #: tells a person's life from the people table and their trace, if traced (set by the model): ``story(results, id)``
    story: Callable[[Results, int], Any] | None = None

    def life(self, person: int) -> Any:
        """One person's life: ``.table`` (their traced states) and ``.story`` (plain words)."""
        if self.story is None:
            raise ValueError("These results have no life stories (the simulation was built without a story teller; "
                             "attachsim.run and attachsim.model.build provide one).")
        return self.story(self, person)

    def summary(self, column: str | None = None) -> dict[str, Any]:
        """Category shares of a categorical column with 95% Wilson intervals, plus the column's extra figures.

        Without ``column``, the model's main classification (the 12-month Strange Situation).
        """
        column = column or self.summary_column
        if column is None or column not in self.people:
            raise KeyError(f"No column '{column}' in the results; available: {', '.join(self.people.columns)}.")
        raw = self.people[column]
        levels = list(raw.cat.categories) if isinstance(raw.dtype, pd.CategoricalDtype) else \
            sorted(raw.dropna().unique().tolist())
        values = raw.dropna()
        values = values[values != ""]
        n = int(values.shape[0])
        shares = {}
        for c in levels:
            k = int((values == c).sum())
            lo, hi = wilson(k, n)
            shares[c] = {"share": k / n if n else math.nan, "ci_low": lo, "ci_high": hi, "count": k}
        out: dict[str, Any] = {"scenario": self.scenario.get("name"), "seed": self.seed, "n": n,
                               "column": column, "shares": shares}
        extra = self.summary_extras.get(column)
        if extra is not None and n > 2:
            out.update(extra(self.people))
        return out


def collect(sim: Simulation) -> Results:
    """Turn the final population into a :class:`Results`: every mechanism's declared columns, in plan order."""
    cols: dict[str, Any] = {}
    meta_cols: dict[str, dict[str, Any]] = {}
    for m in sim.mechanisms:
        for column in m.result_columns(sim):
            if column.name in cols:
                first = meta_cols[column.name]["owner"]
                raise ValueError(f"Result column '{column.name}' is declared twice ('{first}', '{column.owner}').")
            cols[column.name] = column.read(sim)
            meta_cols[column.name] = column.meta()
    people = pd.DataFrame(cols, copy=False)  # the columns are fresh arrays: no second copy
    meta = {"engine": sim.engine, "steps": sim.n_steps, "years": sim.scenario.years,
            "bytes_per_person_state": sim.layout.bytes_per_person}
    return Results(people=people, scenario=sim.scenario.model_dump(mode="json"), seed=sim.seed, meta=meta,
                   columns=meta_cols, summary_column=sim.summary_column, summary_extras=sim.summary_extras,
                   story=sim.story)
