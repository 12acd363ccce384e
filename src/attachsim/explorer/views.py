"""What the explorer's pages show: tables and Plotly figure specifications built from results.

Figures are plain dicts (Plotly's JSON); ``explorer.js`` draws them with the Plotly.js bundled
in the ``plotly`` package. Numbers are rounded to what a chart can show, to keep pages small.
"""

from __future__ import annotations

import importlib
import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ..assessments.strange_situation import CATEGORIES
from ..core.results import wilson
from ..core.timeline import WEEKS_PER_YEAR

NOT_AVAILABLE = "not available in this version"
CATEGORY_NAMES = {"A": "A avoidant", "B": "B secure", "C": "C resistant", "D": "D disorganized"}
STYLE_COLOURS = {"secure": "#1b9e77", "preoccupied": "#d95f02", "dismissing": "#7570b3", "fearful": "#e7298a"}
ARM_COLOURS = ("#4d4d4d", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
MAX_PLANE_POINTS = 5_000
MAX_SERIES_CHARTS = 48
MAX_LIFE_POINTS = 400
#: States drawn at first on a person's page (others are one click away in the legend).
LIFE_SHOWN = ("regulation", "self_worth", "hyperactivation", "deactivation", "threat", "conflict", "arousal")
MAX_LIFE_LINES = 40
LAYOUT: dict[str, Any] = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "height": 340,
                          "font": {"family": "system-ui, sans-serif", "size": 12}, "template": None}


def _r(values: Any, digits: int = 4) -> list[Any]:
    """A list of floats rounded for the page, with missing values as null."""
    out = []
    for v in np.asarray(values, dtype=np.float64).tolist():
        out.append(None if not math.isfinite(v) else round(v, digits))
    return out


def fig_json(fig: dict[str, Any]) -> str:
    """A figure as compact JSON for a data attribute (NaN becomes null)."""
    return json.dumps(fig, separators=(",", ":"), allow_nan=False, default=str)


def _layout(title: str, title_size: int | None = None, **extra: Any) -> dict[str, Any]:
    heading: dict[str, Any] = {"text": title, "x": 0.01}
    if title_size is not None:
        heading["font"] = {"size": title_size}
    return {**LAYOUT, "title": heading, **extra}


# ---------------------------------------------------------------------- single run

def shares(summary: dict[str, Any]) -> dict[str, Any]:
    """Bar chart of the category shares with their 95% intervals."""
    cats = list(CATEGORIES)
    s = summary["shares"]
    y = [s[c]["share"] for c in cats]
    lo = [s[c]["share"] - s[c]["ci_low"] for c in cats]
    hi = [s[c]["ci_high"] - s[c]["share"] for c in cats]
    return {"data": [{"type": "bar", "x": [CATEGORY_NAMES[c] for c in cats], "y": _r(y),
                      "error_y": {"type": "data", "symmetric": False, "array": _r(hi), "arrayminus": _r(lo)},
                      "marker": {"color": ["#7570b3", "#1b9e77", "#d95f02", "#e7298a"]},
                      "hovertemplate": "%{x}: %{y:.3f}<extra></extra>"}],
            "layout": _layout(f"Strange Situation at 12 months (n = {summary['n']:,}), 95% intervals",
                              yaxis={"title": {"text": "share"}, "rangemode": "tozero"})}


def adult_ages(people: pd.DataFrame) -> list[int]:
    """Ages (years) with ECR-R scores that somebody has."""
    out = []
    for col in people.columns:
        if col.startswith("ecrr_anxiety_"):
            age = col.removeprefix("ecrr_anxiety_")
            if age.isdigit() and people[col].notna().any():
                out.append(int(age))
    return sorted(out)


def plane(people: pd.DataFrame, age: int) -> dict[str, Any]:
    """The anxiety-avoidance plane (ECR-R scale scores at one age), coloured by ECR-R category."""
    cols = [f"ecrr_avoidance_{age}", f"ecrr_anxiety_{age}", f"adult_style_{age}"]
    data = people[cols].dropna()
    if len(data) > MAX_PLANE_POINTS:
        data = data.iloc[np.linspace(0, len(data) - 1, MAX_PLANE_POINTS).astype(int)]
    traces = []
    for style, colour in STYLE_COLOURS.items():
        part = data[data[cols[2]].astype(object) == style]
        traces.append({"type": "scatter", "mode": "markers", "name": f"{style} ({len(part):,})",
                       "x": _r(part[cols[0]], 2), "y": _r(part[cols[1]], 2),
                       "marker": {"size": 4, "opacity": 0.5, "color": colour},
                       "hovertemplate": "avoidance %{x}, anxiety %{y}<extra></extra>"})
    return {"data": traces,
            "layout": _layout(f"ECR-R at {age} years: anxiety by avoidance (1-7)",
                              xaxis={"title": {"text": "avoidance"}, "range": [1, 7]},
                              yaxis={"title": {"text": "anxiety"}, "range": [1, 7]}, height=420)}


def timeseries_frame(results: Any) -> pd.DataFrame | None:
    """``Results.timeseries`` when this version records it (and it is not empty), else None."""
    ts = getattr(results, "timeseries", None)
    if callable(ts):
        ts = ts()
    if not isinstance(ts, pd.DataFrame) or ts.empty:
        return None
    need = {"time_years", "by", "group", "variable", "value"}
    return ts if need <= set(ts.columns) else None


def timeseries_groupings(ts: pd.DataFrame) -> list[str]:
    """The values of ``by`` (the population as a whole first when present)."""
    names = [str(b) for b in pd.unique(ts["by"])]
    first = [b for b in names if b in ("all", "population", "total", "")]
    return first + [b for b in names if b not in first]


def series_labels() -> dict[str, str]:
    """Plot labels of the series' variables, when this version's recorder declares them."""
    try:
        module = importlib.import_module("attachsim.recording.series")
    except ImportError:
        return {}
    labels = getattr(module, "labels", None)
    return dict(labels()) if callable(labels) else {}


def _wrap(title: str, width: int = 48) -> str:
    """A chart title broken into lines (Plotly does not wrap titles)."""
    words, lines, line = title.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "<br>".join([*lines, line])


def timeseries_charts(ts: pd.DataFrame, by: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Charts of the series over time, one line per group, and the variables that stay 0 (not drawn).

    Several age bands at one time (several generations alive) are pooled, weighted by their ``n``. With
    a single group, the category shares of one instrument (``instrument:category``) share a chart.
    """
    part = ts[ts["by"].astype(str) == by].copy()
    part["group"] = part["group"].astype(str)
    part["variable"] = part["variable"].astype(str)
    weight = part["n"].astype(float) if "n" in part else pd.Series(1.0, index=part.index)
    part["w"] = weight.where(part["value"].notna(), 0.0)
    part["wv"] = (part["value"].astype(float) * part["w"]).fillna(0.0)
    pooled = part.groupby(["variable", "group", "time_years"], sort=False, observed=True)[["wv", "w"]].sum()
    pooled["value"] = pooled["wv"] / pooled["w"].where(pooled["w"] > 0)
    pooled = pooled.reset_index()
    labels = series_labels()
    single = pooled["group"].nunique() <= 1
    charts: dict[str, list[tuple[str, pd.DataFrame]]] = {}  # title -> (trace name, rows)
    always_zero: list[str] = []
    for variable in pd.unique(part["variable"]):
        rows = pooled[pooled["variable"] == variable]
        values = rows["value"].dropna()
        label = labels.get(variable, variable)
        if values.empty:
            continue
        if (values == 0).all():
            always_zero.append(label)
            continue
        if single and ":" in variable:
            instrument, _, category = variable.partition(":")
            charts.setdefault(f"{labels.get(instrument, instrument)}: category shares", []).append((category, rows))
        else:
            charts.setdefault(label, []).extend((str(g), rows[rows["group"] == g]) for g in pd.unique(rows["group"]))
    figs = []
    for title, traces_rows in list(charts.items())[:MAX_SERIES_CHARTS]:
        times = {float(t) for _, rows in traces_rows for t in rows["time_years"]}
        if title.endswith("category shares") and len(times) == 1:  # assessed once: the shares as bars
            when = times.pop()
            values = [float(rows["value"].iloc[0]) for _, rows in traces_rows]
            figs.append({"data": [{"type": "bar", "x": [name for name, _ in traces_rows], "y": _r(values)}],
                         "layout": _layout(_wrap(f"{title} (year {when:.1f})"), 12, height=280,
                                           margin={"l": 50, "r": 10, "t": 50, "b": 45},
                                           yaxis={"title": {"text": "share"}})})
            continue
        traces = []
        for name, rows in traces_rows:
            g = rows.sort_values("time_years")
            traces.append({"type": "scatter", "mode": "lines+markers" if len(g) <= 30 else "lines", "name": name,
                           "x": _r(g["time_years"], 3), "y": _r(g["value"]), "marker": {"size": 4}})
        figs.append({"data": traces, "layout": _layout(_wrap(title), 12, height=280,
                                                       margin={"l": 50, "r": 10, "t": 50, "b": 45},
                                                       xaxis={"title": {"text": "years since the start"}},
                                                       showlegend=len(traces) > 1)})
    return figs, always_zero


def people_preview(people: pd.DataFrame, ids: list[int], limit: int = 20) -> list[dict[str, Any]]:
    """A few people for the person list: id, sex, profile, 12-month category, ACE count."""
    cols = [c for c in ("id", "sex", "profile", "generation", "ssp_12m", "ace_count") if c in people]
    chosen = people[people["id"].isin(ids)] if ids else people.head(limit)
    part = chosen[cols].head(limit)
    records = part.astype(object).where(part.notna(), "").to_dict("records")
    return [{str(k): v for k, v in rec.items()} for rec in records]


def person_row(people: pd.DataFrame, pid: int) -> list[tuple[str, str]] | None:
    """One person's row of the people table as (column, value) pairs, or None."""
    match = people[people["id"] == pid]
    if match.empty:
        return None
    row = match.iloc[0]
    out = []
    for col, value in row.items():
        if value is None or value is pd.NA or (isinstance(value, float | np.floating) and math.isnan(value)):
            text = "-"
        elif isinstance(value, float | np.floating):
            text = f"{float(value):.4g}"
        else:
            text = str(value)
        out.append((str(col), text))
    return out


def life_chart(table: pd.DataFrame) -> dict[str, Any] | None:
    """A person's traced states over age (numeric columns; click the legend to show or hide one).

    At most ``MAX_LIFE_POINTS`` records per line are drawn (evenly spaced) to keep the page small;
    the download has every record.
    """
    if table is None or table.empty:
        return None
    if len(table) > MAX_LIFE_POINTS:
        table = table.iloc[np.unique(np.linspace(0, len(table) - 1, MAX_LIFE_POINTS).astype(int))]
    if "age_years" in table:
        x, xtitle = table["age_years"].astype(float), "age (years)"
    elif "age_weeks" in table:
        x, xtitle = table["age_weeks"].astype(float) / WEEKS_PER_YEAR, "age (years)"
    else:
        xcol = next((c for c in ("time_years", "week", "step") if c in table), None)
        x = table[xcol].astype(float) if xcol else pd.Series(np.arange(len(table)), dtype=float)
        xtitle = xcol or "record"
    skip = {"id", "time_years", "age_years", "age_weeks", "week", "step", "partner", "partner_id", "parent"}
    numeric = [c for c in table.columns if c not in skip and pd.api.types.is_numeric_dtype(table[c])
               and not pd.api.types.is_bool_dtype(table[c])
               and not str(c).endswith(("_total", "_weeks", "_w", "_step", "_id"))]
    shown = [c for c in LIFE_SHOWN if c in numeric] or numeric[:6]
    rest = [c for c in numeric if c not in shown][: MAX_LIFE_LINES - len(shown)]
    traces: list[dict[str, Any]] = []
    for col in shown + rest:
        traces.append({"type": "scatter", "mode": "lines", "name": str(col), "x": _r(x, 3),
                       "y": _r(table[col].astype(float), 3), "visible": True if col in shown else "legendonly"})
    if not traces:
        return None
    return {"data": traces, "layout": _layout("traced states (click a name to show or hide it)", height=420,
                                              xaxis={"title": {"text": xtitle}})}


# ---------------------------------------------------------------------- experiments

def effects_table(effects: list[dict[str, Any]], arms: list[str]) -> list[dict[str, Any]]:
    """One row per outcome with one cell per arm (value, n, difference from control with its interval)."""
    rows: dict[str, dict[str, Any]] = {}
    for rec in effects:
        row = rows.setdefault(rec["outcome"], {"outcome": rec["outcome"], "cells": {}})
        if rec["control"]:
            diff = "control"
        elif rec["difference"] is None or math.isnan(rec["difference"]):
            diff = "-"
        else:
            kind = "d" if rec["effect_kind"] == "cohens_d" else "OR"
            diff = (f"{rec['difference']:+.3f} [{rec['ci_low']:+.3f}, {rec['ci_high']:+.3f}]; "
                    f"{kind} = {rec['effect_size']:.2f}")
        value = "-" if rec["value"] is None or math.isnan(rec["value"]) else f"{rec['value']:.3f}"
        row["cells"][rec["arm"]] = {"value": value, "n": f"{rec['n']:,}", "difference": diff}
    return [{"outcome": r["outcome"], "cells": [r["cells"].get(a) for a in arms]} for r in rows.values()]


def effects_chart(effects: list[dict[str, Any]], arms: list[str]) -> dict[str, Any]:
    """Differences from the control arm with 95% intervals: one marker per outcome and arm."""
    traces = []
    for i, arm in enumerate(arms[1:], start=1):
        recs = [r for r in effects if r["arm"] == arm]
        traces.append({"type": "scatter", "mode": "markers", "name": arm, "orientation": "h",
                       "y": [r["outcome"] for r in recs], "x": _r([r["difference"] for r in recs]),
                       "error_x": {"type": "data", "symmetric": False,
                                   "array": _r([r["ci_high"] - r["difference"] for r in recs]),
                                   "arrayminus": _r([r["difference"] - r["ci_low"] for r in recs])},
                       "marker": {"size": 9, "color": ARM_COLOURS[i % len(ARM_COLOURS)]}})
    n_out = len({r["outcome"] for r in effects})
    return {"data": traces, "layout": _layout(f"difference from {arms[0]} (95% intervals)",
                                              height=max(240, 60 + 50 * n_out),
                                              xaxis={"title": {"text": "arm minus control"}, "zeroline": True},
                                              yaxis={"automargin": True})}


def arm_shares_chart(people: dict[str, pd.DataFrame], arms: list[str]) -> dict[str, Any] | None:
    """The 12-month categories of every arm side by side, with 95% intervals."""
    traces = []
    for i, arm in enumerate(arms):
        p = people[arm]
        if "ssp_12m" not in p:
            return None
        values = p["ssp_12m"].dropna()
        n = len(values)
        y, lo, hi = [], [], []
        for c in CATEGORIES:
            k = int((values == c).sum())
            a, b = wilson(k, n)
            share = k / n if n else math.nan
            y.append(share)
            lo.append(share - a)
            hi.append(b - share)
        traces.append({"type": "bar", "name": arm, "x": [CATEGORY_NAMES[c] for c in CATEGORIES], "y": _r(y),
                       "error_y": {"type": "data", "symmetric": False, "array": _r(hi), "arrayminus": _r(lo)},
                       "marker": {"color": ARM_COLOURS[i % len(ARM_COLOURS)]}})
    return {"data": traces, "layout": _layout("Strange Situation at 12 months by arm (95% intervals)",
                                              barmode="group", yaxis={"title": {"text": "share"}})}


# ---------------------------------------------------------------------- downloads

def to_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """A table as CSV or Parquet bytes, built in memory."""
    buf = io.BytesIO()
    if fmt == "csv":
        buf.write(frame.to_csv(index=False).encode("utf-8"))
    else:
        frame.to_parquet(buf, index=False)
    return buf.getvalue()
