"""Recording during a run: population series (``Results.timeseries``) and traces of chosen people.

The recorders live outside the core: the engine only calls ``record(sim, step)`` after every week and
``finish(sim, results)`` at the end; they read states and never write them, so a run's people table
is the same with or without them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.engine import Recorder
from .series import BY, COLUMNS, RESOLUTIONS, TimeSeries
from .traces import EVERY, Traces, parse_ids

__all__ = ["BY", "COLUMNS", "EVERY", "RESOLUTIONS", "Recorder", "TimeSeries", "Traces", "parse_ids", "recorders"]


def recorders(timeseries: str | None = "yearly", trace: Iterable[int] | str | None = None,
              trace_every: str = "weekly") -> list[Recorder]:
    """The recorders for a run: a :class:`TimeSeries` at ``timeseries`` resolution and :class:`Traces` of ``trace``."""
    out: list[Recorder] = []
    if timeseries is not None:
        out.append(TimeSeries(timeseries))
    if trace is not None:
        out.append(Traces(trace, trace_every))
    return out
