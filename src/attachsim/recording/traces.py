"""Traces: chosen people's states week by week (or month by month), read during the run.

A :class:`Traces` recorder copies the states of a few people after every week (``every="weekly"``)
or at the end of every month (``"monthly"``). It reads the population and never writes it, so a
traced person's states are the same whether or not anyone else is traced, and the same as in an
untraced run. People born during the run (later generations) are traced from their birth.

``Results.traces`` is a table with one row per (person, recorded week): ``id, step, age_weeks``
and every dynamic state (the assessment results are in the people table).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..core.timeline import weeks

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from ..core.results import Results

EVERY: tuple[str, ...] = ("weekly", "monthly")
#: Owners of states that are assessment results (read from the people table, not traced).
NOT_TRACED_OWNERS = ("strange_situation", "lifespan_assessments")
MAX_TRACED = 10_000


def parse_ids(ids: Iterable[int] | str) -> list[int]:
    """Ids to trace from a list or from text such as ``"1,2,3"`` (raises ``ValueError`` naming the problem)."""
    if isinstance(ids, str):
        parts = [p.strip() for p in ids.split(",") if p.strip()]
        try:
            values = [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"trace: ids must be whole numbers separated by commas, e.g. '1,2,3'. "
                             f"Got {ids!r}.") from None
    else:
        values = []
        for v in ids:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise ValueError(f"trace: ids must be non-negative whole numbers. Got {v!r}.")
            values.append(int(v))
    bad = [v for v in values if v < 0]
    if bad:
        raise ValueError(f"trace: ids must be non-negative whole numbers. Got {bad[0]}.")
    out = sorted(set(values))
    if len(out) > MAX_TRACED:
        raise ValueError(f"trace: at most {MAX_TRACED:,} people can be traced. Got {len(out):,}.")
    return out


class Traces:
    """Recorder of chosen people's states (see the module docstring)."""

    def __init__(self, ids: Iterable[int] | str, every: str = "weekly") -> None:
        if every not in EVERY:
            raise ValueError(f"The 'trace_every' option must be one of {', '.join(EVERY)}. Got {every!r} instead.")
        self.ids = np.asarray(parse_ids(ids), dtype=np.int64)
        self.every = every
        self._steps: set[int] | None = None
        self._rows: list[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32],
                               npt.NDArray[np.int32], npt.NDArray[np.int8]]] = []

    def _setup(self, sim: Simulation) -> None:
        lay = sim.layout
        keep = [name for name, spec in lay.specs.items() if spec.owner not in NOT_TRACED_OWNERS]
        self._f = [n for n in lay.f32 if n in keep]
        self._i = [n for n in lay.i32 if n in keep]
        self._b = [n for n in lay.i8 if n in keep]
        self._rf = np.array([lay.row(n) for n in self._f], dtype=np.int64)
        self._ri = np.array([lay.row(n) for n in self._i], dtype=np.int64)
        self._rb = np.array([lay.row(n) for n in self._b], dtype=np.int64)
        self._birth = lay.row("birth_step")
        if self.every == "weekly":
            self._steps = set(range(sim.n_steps))
        else:
            self._steps = {0} | {weeks(months=k) - 1 for k in range(1, 12 * 200)
                                 if weeks(months=k) <= sim.n_steps}

    def record(self, sim: Simulation, step: int) -> None:
        """Copy the traced people's states (only those born by now)."""
        if self._steps is None:
            self._setup(sim)
        assert self._steps is not None
        if step not in self._steps or self.ids.size == 0:
            return
        pop = sim.pop
        ids = self.ids[self.ids < pop.n]
        if ids.size == 0:
            return
        birth = pop.i32[self._birth, ids].astype(np.int64)
        ids = ids[birth <= step]
        if ids.size == 0:
            return
        birth = pop.i32[self._birth, ids].astype(np.int64)
        self._rows.append((step, ids, step + 1 - birth, pop.f32[np.ix_(self._rf, ids)],
                           pop.i32[np.ix_(self._ri, ids)], pop.i8[np.ix_(self._rb, ids)]))

    def finish(self, sim: Simulation, results: Results) -> None:
        """Put the table on the results (``results.traces``); ids never born are listed in ``meta``."""
        results.traces = self.table()
        results.meta["trace_every"] = self.every
        results.meta["traced_ids"] = [int(i) for i in self.ids]
        missing = [int(i) for i in self.ids if i >= sim.pop.n]
        if missing:
            results.meta["trace_missing"] = missing

    def table(self) -> pd.DataFrame:
        """One row per (person, recorded step), sorted by id then step."""
        if self._steps is None or not self._rows:
            return pd.DataFrame({"id": pd.Series(dtype="int32"), "step": pd.Series(dtype="int32"),
                                 "age_weeks": pd.Series(dtype="int32")})
        ids = np.concatenate([r[1] for r in self._rows])
        cols: dict[str, npt.NDArray[np.generic]] = {
            "id": ids.astype(np.int32),
            "step": np.concatenate([np.full(r[1].size, r[0], dtype=np.int32) for r in self._rows]),
            "age_weeks": np.concatenate([r[2] for r in self._rows]).astype(np.int32),
        }
        for k, names in ((3, self._f), (4, self._i), (5, self._b)):
            block = np.concatenate([r[k] for r in self._rows], axis=1)
            for j, name in enumerate(names):
                if name not in cols:
                    cols[name] = block[j]
        order = np.lexsort((cols["step"], cols["id"]))
        return pd.DataFrame({k: v[order] for k, v in cols.items()}).reset_index(drop=True)
