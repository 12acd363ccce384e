"""A page for one person's life: their story and plots of their traced states over age."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from ..core.timeline import WEEKS_PER_YEAR
from .html import PlotlyJs, page

#: Panels of the life page: title and the traced states drawn in it.
LIFE_PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Regulation and working models", ("regulation", "others", "self_worth")),
    ("Strategies and threat", ("hyperactivation", "deactivation", "conflict", "threat")),
    ("Stress", ("arousal", "arousal_mean", "stress_gain")),
    ("Relief-seeking: habit strength", ("habit_alcohol", "habit_drugs", "habit_food", "habit_sex", "habit_love")),
    ("Relationship", ("relationship_quality", "relationship_conflict", "partnered")),
)


def life_figures(table: Any) -> list[Any]:
    """Plotly figures of a traced person's states over age (one per panel with something to show)."""
    import plotly.graph_objects as go

    if table is None or table.empty:
        return []
    age = (table["age_weeks"].to_numpy() / WEEKS_PER_YEAR).astype(np.float32)  # float32: half the page
    derived = {}
    if "others_a" in table and "others_b" in table:
        a = table["others_a"].to_numpy(dtype=np.float64)
        derived["others"] = a / (a + table["others_b"].to_numpy(dtype=np.float64))
    if "partner" in table:
        derived["partnered"] = (table["partner"].to_numpy() >= 0).astype(np.float64)
    figs = []
    for title, names in LIFE_PANELS:
        fig = go.Figure()
        for name in names:
            values = derived.get(name, table[name].to_numpy(dtype=np.float64) if name in table else None)
            if values is None or not np.any(values):
                continue
            fig.add_trace(go.Scatter(x=age, y=values.astype(np.float32), mode="lines", name=name))
        if fig.data:
            fig.update_layout(title=title, xaxis_title="age (years)", template="plotly_white", height=320)
            figs.append(fig)
    return figs


def life_page(life: Any, plotlyjs: PlotlyJs = "file") -> str:
    """The HTML page of a :class:`~attachsim.recording.life.Life`: the story, then the plots."""
    parts: list[Any] = [f"<pre style=\"white-space:pre-wrap\">{html.escape(life.story)}</pre>"]
    figs = life_figures(life.table)
    parts += figs if figs else ["<p>This person was not traced: no weekly states to plot.</p>"]
    return page(f"attachsim: the life of person {life.id}", parts, plotlyjs)
