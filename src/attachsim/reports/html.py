"""Self-contained HTML reports with Plotly figures, readable offline.

plotly.js is inlined once per page (no CDN, no network reference). :func:`report_dir` builds
the report of any output folder: a run (``attachsim run --out DIR``: people.parquet,
summary.json, scenario.yaml), a comparison (``DIR/<arm>/people.parquet`` and optionally
``DIR/effects.json``) or a sweep's result store (``catalogue.duckdb`` and ``runs/*.parquet``).
Reports are pure functions of stored results; they never run the simulation.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.results import CATEGORIES, wilson
from ..errors import UserError

#: Categories of the classifications a report shows, by column stem.
CLASSIFICATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ssp_12m": ("Strange Situation, 12 months", CATEGORIES),
    "reunion_5y": ("reunion procedure, 5 years", CATEGORIES),
    "aai_25": ("adult interview, 25 years", ("F", "Ds", "E")),
    "adult_style_25": ("ECR-R style, 25 years", ("secure", "preoccupied", "dismissing", "fearful")),
}
SCATTER_POINTS = 2_000


class ReportError(UserError):
    """A folder that holds nothing a report can show, with what was expected."""


def page(title: str, parts: Sequence[Any]) -> str:
    """An HTML page from text/HTML strings and Plotly figures; plotly.js is inlined once."""
    from plotly.offline import get_plotlyjs

    body = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            body.append(part)
        else:
            body.append(part.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{i}",
                                     config={"displaylogo": False}))
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;font-size:0.85em;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:3px 6px;text-align:left;vertical-align:top}th{background:#f0f0f0}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{style}</style>"
            f"<script type=\"text/javascript\">{get_plotlyjs()}</script></head><body>"
            f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain HTML table (cells escaped)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- reading an output folder -------------------------------------------------------------------
def load_arms(folder: str | Path) -> tuple[str, dict[str, list[pd.DataFrame]], dict[str, Any]]:
    """Read a run, comparison or sweep folder into ``(kind, {arm: [people, ...]}, extras)``."""
    root = Path(folder)
    if not root.is_dir():
        raise ReportError(f"{root}: no such folder (give the --out folder of a run, compare or sweep).")
    extras: dict[str, Any] = {}
    if (root / "people.parquet").is_file() or (root / "people.csv").is_file():  # run --out (--format csv: CSV only)
        for name in ("summary.json", "scenario.yaml"):
            if (root / name).is_file():
                extras[name] = (root / name).read_text("utf-8")
        people = (pd.read_parquet(root / "people.parquet") if (root / "people.parquet").is_file()
                  else pd.read_csv(root / "people.csv", low_memory=False))
        return "run", {root.name or "run": [people]}, extras
    if (root / "catalogue.duckdb").is_file():
        from ..store import ResultStore

        store = ResultStore(root, create=False)
        runs = store.runs()
        if runs.empty:
            raise ReportError(f"{root}: the result store holds no finished runs.")
        arms: dict[str, list[pd.DataFrame]] = {}
        for _, row in runs.iterrows():
            point = json.loads(row["point"]) if isinstance(row["point"], str) else {}
            label = ", ".join(f"{k}={v}" for k, v in point.items()) or str(row["scenario"])
            arms.setdefault(label, []).append(store.people(str(row["run_id"])))
        extras["runs"] = runs
        return "sweep", arms, extras
    arm_dirs = sorted(p for p in root.iterdir() if p.is_dir() and (p / "people.parquet").is_file())
    if arm_dirs:
        for name in ("effects", "targets"):
            if (root / f"{name}.json").is_file():
                extras[name] = json.loads((root / f"{name}.json").read_text("utf-8"))
        return "compare", {p.name: [pd.read_parquet(p / "people.parquet")] for p in arm_dirs}, extras
    raise ReportError(f"{root}: found no people.parquet, no <arm>/people.parquet and no catalogue.duckdb; give the "
                      "--out folder of 'attachsim run', 'attachsim compare' or the --store of 'attachsim sweep'.")


# --- figures ------------------------------------------------------------------------------------
def shares_with_intervals(arms: dict[str, list[pd.DataFrame]], column: str,
                          categories: Sequence[str]) -> pd.DataFrame:
    """Share of each category by arm (pooled over runs), with 95% Wilson intervals."""
    out = []
    for arm, frames in arms.items():
        values = pd.concat([f[column] for f in frames if column in f]).dropna().astype(str)
        n = len(values)
        for cat in categories:
            k = int((values == cat).sum())
            lo, hi = wilson(k, n)
            out.append({"arm": arm, "category": cat, "share": k / n if n else math.nan, "ci_low": lo,
                        "ci_high": hi, "n": n})
    return pd.DataFrame(out)


def _shares_figure(arms: dict[str, list[pd.DataFrame]], column: str) -> Any:
    import plotly.graph_objects as go

    title, cats = CLASSIFICATIONS[column]
    data = shares_with_intervals(arms, column, cats)
    fig = go.Figure()
    for arm, part in data.groupby("arm", sort=False):
        fig.add_trace(go.Bar(x=part["category"], y=100 * part["share"], name=str(arm),
                             error_y={"type": "data", "symmetric": False,
                                      "array": 100 * (part["ci_high"] - part["share"]),
                                      "arrayminus": 100 * (part["share"] - part["ci_low"])}))
    fig.update_layout(title=f"{title}: shares with 95% intervals", yaxis_title="percent", barmode="group",
                      template="plotly_white", height=380)
    return fig


def _scatter_figure(arms: dict[str, list[pd.DataFrame]]) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    single = len(arms) == 1
    for arm, frames in arms.items():
        people = pd.concat(frames)
        data = people[["ecrr_anxiety_25", "ecrr_avoidance_25", *(["adult_style_25"] if single else [])]].dropna()
        if len(data) > SCATTER_POINTS:
            data = data.sample(SCATTER_POINTS, random_state=0)
        groups = data.groupby(data["adult_style_25"].astype(str)) if single else [(arm, data)]
        for name, part in groups:
            fig.add_trace(go.Scattergl(x=part["ecrr_avoidance_25"], y=part["ecrr_anxiety_25"], mode="markers",
                                       name=str(name), marker={"size": 4, "opacity": 0.5}))
    fig.add_hline(y=4, line_dash="dot", line_color="grey")
    fig.add_vline(x=4, line_dash="dot", line_color="grey")
    fig.update_layout(title=f"Adult attachment at 25 (ECR-R form; up to {SCATTER_POINTS:,} people per arm)",
                      xaxis_title="avoidance (model of others)", yaxis_title="anxiety (model of self)",
                      xaxis_range=[1, 7], yaxis_range=[1, 7], template="plotly_white", height=520)
    return fig


def trajectories(people: pd.DataFrame, stem: str, by: str = "profile") -> pd.DataFrame:
    """Mean of ``<stem>_<age>`` columns by group: rows (group, age in years, mean, n)."""
    cols = []
    for col in people.columns:
        if not col.startswith(stem + "_"):
            continue
        suffix = col[len(stem) + 1:]
        if suffix.endswith("m") and suffix[:-1].isdigit():
            cols.append((col, int(suffix[:-1]) / 12.0))
        elif suffix.endswith("y") and suffix[:-1].isdigit():
            cols.append((col, float(suffix[:-1])))
        elif suffix.isdigit():
            cols.append((col, float(suffix)))
    out = []
    for col, age in sorted(cols, key=lambda c: c[1]):
        for group, part in people.groupby(by, observed=True):
            values = pd.to_numeric(part[col], errors="coerce").dropna()
            if len(values):
                out.append({"group": str(group), "age": age, "mean": float(values.mean()), "n": len(values)})
    return pd.DataFrame(out, columns=["group", "age", "mean", "n"])


def _trajectory_figure(people: pd.DataFrame, stems: Sequence[tuple[str, str]], by: str, title: str) -> Any | None:
    import plotly.graph_objects as go

    fig = go.Figure()
    for stem, label in stems:
        data = trajectories(people, stem, by)
        for group, part in data.groupby("group", sort=False):
            fig.add_trace(go.Scatter(x=part["age"], y=part["mean"], mode="lines+markers",
                                     name=f"{label}: {group}" if len(stems) > 1 else str(group)))
    if not fig.data:
        return None
    fig.update_layout(title=title, xaxis_title="age (years)", template="plotly_white", height=420)
    return fig


def _group_column(people: pd.DataFrame) -> str:
    if "profile" in people and people["profile"].nunique() > 1:
        return "profile"
    return "ssp_12m" if "ssp_12m" in people else "profile"


def _effects_table(effects: Any) -> str:
    recs = effects if isinstance(effects, list) else effects.get("effects", effects) if isinstance(effects,
                                                                                                   dict) else []
    if isinstance(recs, dict):
        recs = [{"measure": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in recs.items()]
    if not recs or not all(isinstance(r, dict) for r in recs):
        return f"<pre>{html.escape(json.dumps(effects, indent=2))}</pre>"
    header = list(dict.fromkeys(k for r in recs for k in r))
    return html_table(header, [[_cell(r.get(k)) for k in header] for r in recs])


def _effects_figure(effects: Any) -> Any | None:
    """Differences from the control with 95% intervals, by outcome and arm (from ``effects.json``)."""
    import plotly.graph_objects as go

    keys = {"arm", "outcome", "difference", "ci_low", "ci_high"}
    if not isinstance(effects, list) or not effects or not all(isinstance(r, dict) and keys <= set(r)
                                                              for r in effects):
        return None
    data = pd.DataFrame(effects).dropna(subset=["difference"])
    if data.empty:
        return None
    fig = go.Figure()
    for arm, part in data.groupby("arm", sort=False):
        fig.add_trace(go.Scatter(
            x=part["difference"], y=part["outcome"], mode="markers", name=str(arm),
            error_x={"type": "data", "symmetric": False, "array": part["ci_high"] - part["difference"],
                     "arrayminus": part["difference"] - part["ci_low"]}))
    fig.add_vline(x=0, line_color="grey")
    fig.update_layout(title="Effects: difference from the control arm with 95% intervals", template="plotly_white",
                      height=160 + 26 * data["outcome"].nunique(), margin={"l": 220},
                      yaxis={"autorange": "reversed"})
    return fig


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, dict | list):
        return json.dumps(v)
    return "" if v is None else str(v)


def build_report(folder: str | Path) -> str:
    """The HTML report of a run, comparison or sweep folder."""
    kind, arms, extras = load_arms(folder)
    parts: list[Any] = []
    first = next(iter(arms.values()))[0]
    sizes = ", ".join(f"{arm}: {sum(len(f) for f in frames):,} people in {len(frames)} run(s)"
                      for arm, frames in arms.items())
    parts.append(f"<p>{html.escape(kind)} folder <code>{html.escape(str(folder))}</code>; {html.escape(sizes)}.</p>")
    for column in CLASSIFICATIONS:
        if any(column in f for frames in arms.values() for f in frames):
            parts.append(_shares_figure(arms, column))
    if all("ecrr_anxiety_25" in f for frames in arms.values() for f in frames):
        parts.append(_scatter_figure(arms))
    else:
        parts.append("<p>No adult self-report at 25 in these results (runs shorter than 25 years).</p>")
    for arm, frames in list(arms.items())[:4]:
        people = pd.concat(frames)
        by = _group_column(people)
        suffix = f" ({arm})" if len(arms) > 1 else ""
        for fig in (
                _trajectory_figure(people, [("regulation", "regulation")], by,
                                   f"Regulation (self-soothing capacity) by {by}{suffix}"),
                _trajectory_figure(people, [("ecrr_anxiety", "anxiety (self)"),
                                            ("ecrr_avoidance", "avoidance (others)")], by,
                                   f"Working models in adulthood (ECR-R anxiety and avoidance) by {by}{suffix}"),
                _trajectory_figure(people, [("stress_gain", "stress gain"), ("social_cognition", "social cognition")],
                                   by, f"Threat and deprivation pathways in childhood by {by}{suffix}")):
            if fig is not None:
                parts.append(fig)
    if len(arms) > 1:
        parts.append(_comparison_figure(arms))
    if "effects" in extras:
        forest = _effects_figure(extras["effects"])
        if forest is not None:
            parts.append(forest)
        parts.append("<h2>Effects (effects.json)</h2>" + _effects_table(extras["effects"]))
    if "targets" in extras:
        parts.append("<h2>Intervention targets (targets.json)</h2>" + _effects_table(extras["targets"]))
    if "runs" in extras:
        runs = extras["runs"]
        keep = [c for c in ("run_id", "scenario", "seed", "n", "years", "share_a", "share_b", "share_c", "share_d",
                            "sensitivity_security_r") if c in runs]
        parts.append("<h2>Runs</h2>" + html_table(keep, runs[keep].map(_cell).to_numpy().tolist()))
    if "summary.json" in extras:
        parts.append("<h2>summary.json</h2><pre>" + html.escape(extras["summary.json"]) + "</pre>")
    if "scenario.yaml" in extras:
        parts.append("<h2>scenario.yaml</h2><pre>" + html.escape(extras["scenario.yaml"]) + "</pre>")
    del first
    return page(f"attachsim report: {Path(folder).resolve().name}", parts)


def _comparison_figure(arms: dict[str, list[pd.DataFrame]]) -> Any:
    import plotly.graph_objects as go

    rows = []
    for arm, frames in arms.items():
        people = pd.concat(frames)
        for column, value, label in (("ssp_12m", "B", "secure at 12 months"), ("aai_25", "F", "F at 25"),
                                     ("adult_style_25", "secure", "ECR-R secure at 25")):
            if column in people:
                values = people[column].dropna().astype(str)
                k, n = int((values == value).sum()), len(values)
                lo, hi = wilson(k, n)
                rows.append({"arm": arm, "measure": label, "share": k / n if n else np.nan, "lo": lo, "hi": hi})
    data = pd.DataFrame(rows)
    fig = go.Figure()
    for measure, part in data.groupby("measure", sort=False):
        fig.add_trace(go.Bar(x=part["arm"], y=100 * part["share"], name=str(measure),
                             error_y={"type": "data", "symmetric": False, "array": 100 * (part["hi"] - part["share"]),
                                      "arrayminus": 100 * (part["share"] - part["lo"])}))
    fig.update_layout(title="Comparison of arms: secure shares with 95% intervals", yaxis_title="percent",
                      barmode="group", template="plotly_white", height=420)
    return fig


def write_report_dir(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of ``folder`` to ``out`` (default ``folder/report.html``), atomically."""
    from ..io import atomic_write_text

    text = build_report(folder)  # first: a bad folder is an error before anything is created
    target = Path(out) if out is not None else Path(folder) / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(target, text)
