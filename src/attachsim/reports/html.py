"""HTML reports with Plotly figures, readable offline.

A report is a pure function of data: :func:`build_report` takes a :class:`ReportData` (people tables,
the time series recorded during the runs, an experiment's declared outcomes and effects, a sweep's
grid); :func:`load_report_data` is the one place that reads an output folder: a run
(``attachsim run --out DIR``: people.parquet, timeseries.parquet, summary.json, scenario.yaml), a
comparison (``DIR/<arm>/people.parquet`` and ``timeseries.parquet``, ``effects.json``, ``targets.json``,
``scenario.yaml``) or a sweep's result store (``catalogue.duckdb`` and ``runs/*.parquet``).

Plotly's script is included once per page: by default as ``plotly.min.js`` written once beside the
page and loaded by a relative ``<script src>`` (the page then weighs tens of kilobytes instead of
the script's 4.8 MB, and still opens offline); ``plotlyjs="inline"`` puts it in the page itself
(one self-contained file). Every figure is written with ``include_plotlyjs=False``.
Reports never run the simulation and never import ``attachsim.validation`` (the validation may call them).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..assessments.strange_situation import CATEGORIES
from ..core.results import wilson
from ..errors import UserError

#: Categories of the classifications a report shows, by column stem.
CLASSIFICATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ssp_12m": ("Strange Situation, 12 months", CATEGORIES),
    "reunion_5y": ("reunion procedure, 5 years", CATEGORIES),
    "aai_25": ("adult interview, 25 years", ("F", "Ds", "E")),
    "adult_style_25": ("ECR-R style, 25 years", ("secure", "preoccupied", "dismissing", "fearful")),
}
SCATTER_POINTS = 2_000
#: Points of a trajectory computed over fewer people are left out (noise, e.g. the last years of a late cohort).
MIN_N = 10
PLOTLY_FILE = "plotly.min.js"
PlotlyJs = Literal["inline", "file"]
#: Panels of the trajectory figures: (title, [(variable, label), ...]).
TRAJECTORY_PANELS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Regulation and working models", (("regulation", "regulation"), ("others", "model of others"),
                                       ("self_worth", "model of self"), ("stress_gain", "stress gain"))),
    ("Strategies", (("hyperactivation", "hyperactivation"), ("deactivation", "deactivation"),
                    ("conflict", "approach-avoid conflict"), ("threat", "expected harm"))),
    ("Adult life", (("partnered", "partnered (share)"), ("relationship_quality", "relationship quality"),
                    ("relationship_conflict", "relationship conflict"), ("compulsive_any", "compulsive use, "
                                                                                           "mean over regulators"))),
)


class ReportError(UserError):
    """A folder that holds nothing a report can show, with what was expected."""


@dataclass
class ReportData:
    """Everything a report shows.

    ``arms``: people tables by arm (or run, or grid point), in display order (control first);
    ``series``: the recorded time series by the same keys (missing keys: not recorded);
    ``scenario``: the resolved scenario (a dict) when known; ``effects`` / ``targets``: an experiment's
    effect records; ``runs``: a sweep's catalogue with one column per grid parameter (``grid``).
    """

    kind: str
    arms: dict[str, list[pd.DataFrame]]
    series: dict[str, pd.DataFrame] = field(default_factory=dict)
    scenario: dict[str, Any] | None = None
    effects: list[dict[str, Any]] | None = None
    targets: list[dict[str, Any]] | None = None
    runs: pd.DataFrame | None = None
    grid: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    source: str = ""


# --- page and writing ---------------------------------------------------------------------------
def page(title: str, parts: Sequence[Any], plotlyjs: PlotlyJs = "inline") -> str:
    """An HTML page from text/HTML strings and Plotly figures; Plotly's script is included once.

    ``plotlyjs="inline"``: in the page; ``"file"``: loaded from ``plotly.min.js`` beside the page
    (:func:`write_page` writes it).
    """
    body = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            body.append(part)
        else:
            body.append(part.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{i}",
                                     config={"displaylogo": False}))
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;font-size:0.85em;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:3px 6px;text-align:left;vertical-align:top}th{background:#f0f0f0}"
             "td.num{text-align:right}")
    if plotlyjs == "inline":
        from plotly.offline import get_plotlyjs

        script = f"<script type=\"text/javascript\">{get_plotlyjs()}</script>"
    elif plotlyjs == "file":
        script = f"<script type=\"text/javascript\" src=\"{PLOTLY_FILE}\" charset=\"utf-8\"></script>"
    else:
        raise ValueError(f"The 'plotlyjs' option must be 'inline' or 'file'. Got {plotlyjs!r} instead.")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{style}</style>{script}</head><body>"
            f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`attachsim.io.atomic_write_bytes`)."""
    from ..io import atomic_write_bytes

    return atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)


def write_page(text: str, path: str | Path) -> Path:
    """Write a page atomically; a page that loads ``plotly.min.js`` gets it written beside it (once)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if f"src=\"{PLOTLY_FILE}\"" in text:
        from plotly.offline import get_plotlyjs

        script = get_plotlyjs().encode("utf-8")
        beside = target.parent / PLOTLY_FILE
        if not beside.is_file() or beside.stat().st_size != len(script) or beside.read_bytes() != script:
            atomic_write(beside, script)
    return atomic_write(target, text)


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain HTML table (cells escaped)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- reading an output folder -------------------------------------------------------------------
def _read_series(folder: Path) -> pd.DataFrame | None:
    path = folder / "timeseries.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def load_report_data(folder: str | Path) -> ReportData:
    """Read a run, comparison or sweep folder into a :class:`ReportData`."""
    import yaml

    root = Path(folder)
    if not root.is_dir():
        raise ReportError(f"{root}: no such folder (give the --out folder of a run, compare or sweep).")
    texts: dict[str, str] = {}
    for name in ("summary.json", "scenario.yaml"):
        if (root / name).is_file():
            texts[name] = (root / name).read_text("utf-8")
    scenario = yaml.safe_load(texts["scenario.yaml"]) if "scenario.yaml" in texts else None
    scenario = scenario if isinstance(scenario, dict) else None
    if (root / "people.parquet").is_file() or (root / "people.csv").is_file():  # run --out (--format csv: CSV only)
        name = root.resolve().name or "run"
        recorded = _read_series(root)
        people = (pd.read_parquet(root / "people.parquet") if (root / "people.parquet").is_file()
                  else pd.read_csv(root / "people.csv", low_memory=False))
        return ReportData("run", {name: [people]},
                          {name: recorded} if recorded is not None else {}, scenario, texts=texts,
                          source=str(folder))
    if (root / "catalogue.duckdb").is_file():
        from ..store import ResultStore

        store = ResultStore(root, create=False)
        runs = store.runs()
        if runs.empty:
            raise ReportError(f"{root}: the result store holds no finished runs.")
        points = [json.loads(p) if isinstance(p, str) else (p if isinstance(p, dict) else {}) for p in runs["point"]]
        grid = [k for k in dict.fromkeys(k for p in points for k in p) if k in runs.columns]
        arms: dict[str, list[pd.DataFrame]] = {}
        labels = []
        for _, row in runs.iterrows():
            label = ", ".join(f"{k}={row[k]}" for k in grid) or str(row["scenario"])
            labels.append(label)
            arms.setdefault(label, []).append(store.people(str(row["run_id"])))
        runs = runs.assign(grid_point=labels)
        return ReportData("sweep", arms, runs=runs, grid=grid, texts=texts, source=str(folder))
    arm_dirs = [p for p in root.iterdir() if p.is_dir() and (p / "people.parquet").is_file()]
    if arm_dirs:
        effects = targets = None
        if (root / "effects.json").is_file():
            effects = json.loads((root / "effects.json").read_text("utf-8"))
        if (root / "targets.json").is_file():
            targets = json.loads((root / "targets.json").read_text("utf-8"))
        order = _arm_order(scenario, effects, sorted(p.name for p in arm_dirs))
        by_name = {p.name: p for p in arm_dirs}
        arms = {a: [pd.read_parquet(by_name[a] / "people.parquet")] for a in order}
        by_arm = {a: s for a in order if (s := _read_series(by_name[a])) is not None}
        return ReportData("compare", arms, by_arm, scenario, effects if isinstance(effects, list) else None,
                          targets if isinstance(targets, list) else None, texts=texts, source=str(folder))
    raise ReportError(f"{root}: found no people.parquet, no <arm>/people.parquet and no catalogue.duckdb; give the "
                      "--out folder of 'attachsim run', 'attachsim compare' or the --store of 'attachsim sweep'.")


def _arm_order(scenario: dict[str, Any] | None, effects: Any, found: list[str]) -> list[str]:
    """Arms control first: the scenario's declaration, else from effects.json, else by name.

    In effects.json the control is the arm listed first by ``attachsim compare``; a file that lists only
    the treated arms leaves the control out, and an arm whose differences are all zero is the control.
    """
    order: list[str] = []
    if scenario and scenario.get("arms"):
        arms = scenario["arms"]
        order = [a["name"] for a in arms if a.get("control")] + [a["name"] for a in arms if not a.get("control")]
    elif isinstance(effects, list):
        recs = [r for r in effects if isinstance(r, dict) and r.get("arm")]
        listed = list(dict.fromkeys(str(r["arm"]) for r in recs))
        absent = [a for a in found if a not in listed]
        zero = [a for a in listed if all(r.get("difference") == 0 for r in recs if str(r["arm"]) == a)]
        control = absent[:1] if len(absent) == 1 else zero[:1]
        order = control + [a for a in listed if a not in control]
    return [a for a in order if a in found] + [a for a in found if a not in order]


# --- time series --------------------------------------------------------------------------------
def trajectory(series: pd.DataFrame, variable: str, by: str = "all") -> pd.DataFrame:
    """A variable's curve by age for each group of ``by``: rows (group, age_years, value, n).

    Values recorded at several times for the same age band (several generations or cohorts) are pooled,
    weighted by the number of people.
    """
    if variable == "compulsive_any":
        parts = [trajectory(series, v, by) for v in series["variable"].astype(str).unique()
                 if v.startswith("compulsive_")]
        parts = [p for p in parts if not p.empty]
        if not parts:
            return pd.DataFrame(columns=["group", "age_years", "value", "n"])
        both = pd.concat(parts)
        return (both.groupby(["group", "age_years"], sort=True, observed=True)
                .agg(value=("value", "mean"), n=("n", "max")).reset_index())
    sel = series[(series["by"] == by) & (series["variable"] == variable)]
    if sel.empty:
        return pd.DataFrame(columns=["group", "age_years", "value", "n"])
    times = np.unique(series["time_years"].to_numpy())
    width = 1.0 / 12.0 if times.size > 2 and float(np.median(np.diff(times))) < 0.5 else 1.0  # monthly or yearly
    sel = sel.assign(band=np.round(sel["age_years"].to_numpy() / width), w=sel["n"] * sel["value"],
                     wa=sel["n"] * sel["age_years"], group=sel["group"].astype(str))
    out = sel.groupby(["group", "band"], sort=True, observed=True).agg(w=("w", "sum"), wa=("wa", "sum"),
                                                                       n=("n", "sum")).reset_index()
    out["value"] = out["w"] / out["n"]
    out["age_years"] = out["wa"] / out["n"]
    return out[["group", "age_years", "value", "n"]]


def trajectory_figure(series: pd.DataFrame, by: str, title: str,
                      panels: Sequence[tuple[str, str]], order: Sequence[str] | None = None) -> Any | None:
    """Curves of up to four variables (2 x 2 panels), one line per group, from the recorded series."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = [(label, t[t["n"] >= MIN_N]) for var, label in panels for t in [trajectory(series, var, by)]]
    data = [(label, d) for label, d in data if not d.empty and bool((d["value"] != 0).any())]
    if not data:
        return None
    rows = (len(data) + 1) // 2
    fig = make_subplots(rows=rows, cols=2, subplot_titles=[label for label, _ in data], vertical_spacing=0.14)
    groups = list(dict.fromkeys(g for _, d in data for g in d["group"]))
    if order is not None:
        groups = [g for g in order if g in groups] + [g for g in groups if g not in order]
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf")
    for k, (_, d) in enumerate(data):
        for j, group in enumerate(groups):
            part = d[d["group"] == group]
            if part.empty:
                continue
            fig.add_trace(go.Scatter(x=part["age_years"].to_numpy(np.float32), y=part["value"].to_numpy(np.float32),
                                     mode="lines",
                                     name=str(group), legendgroup=str(group), showlegend=k == 0,
                                     line={"color": colours[j % len(colours)]},
                                     customdata=part["n"], hovertemplate="age %{x:.1f}: %{y:.3f} (n %{customdata})"),
                          row=k // 2 + 1, col=k % 2 + 1)
    fig.update_xaxes(title_text="age (years)")
    fig.update_layout(title=title, template="plotly_white", height=300 * rows + 120)
    return fig


def _trajectory_parts(series: pd.DataFrame, by: str, what: str, order: Sequence[str] | None = None) -> list[Any]:
    out = []
    for title, panels in TRAJECTORY_PANELS:
        fig = trajectory_figure(series, by, f"{title} by {what}, recorded during the run", panels, order)
        if fig is not None:
            out.append(fig)
    return out


# --- figures from the people tables ---------------------------------------------------------------
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


def _shares_figure(arms: dict[str, list[pd.DataFrame]], column: str, what: str = "") -> Any:
    import plotly.graph_objects as go

    title, cats = CLASSIFICATIONS[column]
    data = shares_with_intervals(arms, column, cats)
    fig = go.Figure()
    for arm, part in data.groupby("arm", sort=False):
        fig.add_trace(go.Bar(x=part["category"], y=100 * part["share"], name=str(arm),
                             error_y={"type": "data", "symmetric": False,
                                      "array": 100 * (part["ci_high"] - part["share"]),
                                      "arrayminus": 100 * (part["share"] - part["ci_low"])}))
    fig.update_layout(title=f"{title}: shares with 95% intervals{what}", yaxis_title="percent", barmode="group",
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
            fig.add_trace(go.Scattergl(x=part["ecrr_avoidance_25"].to_numpy(np.float32),
                                       y=part["ecrr_anxiety_25"].to_numpy(np.float32), mode="markers",
                                       name=str(name), marker={"size": 4, "opacity": 0.5}))
    fig.add_hline(y=4, line_dash="dot", line_color="grey")
    fig.add_vline(x=4, line_dash="dot", line_color="grey")
    fig.update_layout(title=f"Adult attachment at 25 (ECR-R form; up to {SCATTER_POINTS:,} people per arm)",
                      xaxis_title="avoidance (model of others)", yaxis_title="anxiety (model of self)",
                      xaxis_range=[1, 7], yaxis_range=[1, 7], template="plotly_white", height=520)
    return fig


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, dict | list):
        return json.dumps(v)
    return "" if v is None else str(v)


def _records_table(recs: Any) -> str:
    if not recs or not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
        return f"<pre>{html.escape(json.dumps(recs, indent=2))}</pre>"
    header = list(dict.fromkeys(k for r in recs for k in r))
    return html_table(header, [[_cell(r.get(k)) for k in header] for r in recs])


# --- experiments ------------------------------------------------------------------------------------
def outcome_values(data: ReportData) -> list[dict[str, Any]]:
    """Each declared outcome's value in each arm (control first) with a 95% interval, from the people tables.

    Shares get Wilson intervals, means normal intervals; computed over the outcome's population and
    condition exactly as ``attachsim compare`` computes its effects.
    """
    from ..experiments import _subset, _values
    from ..scenarios.experiment import Outcome

    if not data.scenario or not data.scenario.get("outcomes"):
        return []
    out = []
    for raw in data.scenario["outcomes"]:
        outcome = Outcome.model_validate(raw)
        for arm, frames in data.arms.items():
            people = pd.concat(frames, ignore_index=True)
            try:
                y = _values(outcome, people).where(_subset(outcome, people)).dropna().to_numpy(dtype=np.float64)
            except (KeyError, ValueError):
                continue
            n = int(y.size)
            value = float(y.mean()) if n else math.nan
            if outcome.kind == "share":
                lo, hi = wilson(round(y.sum()), n)
            else:
                half = 1.959964 * float(y.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
                lo, hi = value - half, value + half
            out.append({"outcome": outcome.name, "column": outcome.column, "kind": outcome.kind,
                        "population": outcome.population, "equals": outcome.equals, "arm": arm, "value": value,
                        "ci_low": lo, "ci_high": hi, "n": n})
    return out


def _outcome_figures(values: list[dict[str, Any]]) -> list[Any]:
    import plotly.graph_objects as go

    figs = []
    data = pd.DataFrame(values)
    for name, part in data.groupby("outcome", sort=False):
        first = part.iloc[0]
        scale = 100.0 if first["kind"] == "share" else 1.0
        what = (f"share with {first['column']} in {', '.join(map(str, first['equals']))}" if first["kind"] == "share"
                else f"mean of {first['column']}")
        fig = go.Figure(go.Bar(
            x=part["arm"], y=scale * part["value"], marker_color=["#7f7f7f"] + ["#1f77b4"] * (len(part) - 1),
            error_y={"type": "data", "symmetric": False, "array": scale * (part["ci_high"] - part["value"]),
                     "arrayminus": scale * (part["value"] - part["ci_low"])},
            customdata=part["n"], hovertemplate="%{x}: %{y:.3f} (n %{customdata})"))
        fig.update_layout(title=f"Outcome '{name}': {what} ({first['population']} people), by arm, control first; "
                                "95% intervals",
                          yaxis_title="percent" if scale == 100.0 else str(first["column"]),
                          template="plotly_white", height=380)
        figs.append(fig)
    return figs


def _effects_figure(effects: Any, order: Sequence[str]) -> Any | None:
    """Differences from the control with 95% intervals, by outcome and arm (from ``effects.json``)."""
    import plotly.graph_objects as go

    keys = {"arm", "outcome", "difference", "ci_low", "ci_high"}
    if not isinstance(effects, list) or not effects or not all(isinstance(r, dict) and keys <= set(r)
                                                              for r in effects):
        return None
    data = pd.DataFrame(effects).dropna(subset=["difference"])
    data = data[data["arm"] != order[0]] if order else data
    if data.empty:
        return None
    fig = go.Figure()
    for arm in [a for a in order if a in set(data["arm"])]:
        part = data[data["arm"] == arm]
        fig.add_trace(go.Scatter(
            x=part["difference"], y=part["outcome"], mode="markers", name=str(arm),
            error_x={"type": "data", "symmetric": False, "array": part["ci_high"] - part["difference"],
                     "arrayminus": part["difference"] - part["ci_low"]}))
    fig.add_vline(x=0, line_color="grey")
    fig.update_layout(title=f"Effects: difference from the control arm ({order[0]}) with 95% intervals",
                      template="plotly_white", height=180 + 30 * data["outcome"].nunique(), margin={"l": 220},
                      yaxis={"autorange": "reversed"})
    return fig


def _experiment_parts(data: ReportData) -> list[Any]:
    order = list(data.arms)
    parts: list[Any] = [f"<p>Arms, control first: <b>{html.escape(order[0])}</b> (control), "
                        + html.escape(", ".join(order[1:])) + ".</p>"]
    values = outcome_values(data)
    if values:
        parts.append("<h2>The experiment's outcomes</h2>")
        parts += _outcome_figures(values)
    elif data.effects:
        parts.append("<p>No scenario.yaml in this folder: the declared outcomes are taken from effects.json.</p>")
    if data.effects:
        forest = _effects_figure(data.effects, order)
        if forest is not None:
            parts.append(forest)
        recs = sorted(data.effects, key=lambda r: (order.index(r["arm"]) if r.get("arm") in order else len(order)))
        outcomes = [x.get("outcome") for x in data.effects]
        recs = sorted(recs, key=lambda r: outcomes.index(r.get("outcome")))
        parts.append("<h2>Effects (effects.json)</h2>" + _records_table(recs))
    if data.targets:
        parts.append("<h2>Achieved change in each intervention's target (targets.json)</h2>"
                     + _records_table(data.targets))
    return parts


# --- intergenerational ----------------------------------------------------------------------------
def parent_child_table(people: pd.DataFrame) -> pd.DataFrame:
    """Children with a simulated mother: her adult interview at the birth x the child's Strange Situation.

    Rows F, Ds, E (the mother's class) and U (unresolved, any class); counts, the row's total and the
    share of the matching category (F-B, Ds-A, E-C, U-D).
    """
    need = {"parent_aai_at_birth", "ssp_12m"}
    if not need <= set(people.columns):
        return pd.DataFrame()
    kids = people[people["parent_aai_at_birth"].notna() & people["ssp_12m"].notna()]
    if kids.empty:
        return pd.DataFrame()
    child = kids["ssp_12m"].astype(str)
    rows = []
    match = {"F": "B", "Ds": "A", "E": "C", "U": "D"}
    unresolved = (kids["parent_unresolved_at_birth"].fillna(False).astype(bool) if "parent_unresolved_at_birth"
                  in kids else pd.Series(False, index=kids.index))
    for parent in ("F", "Ds", "E", "U"):
        sel = unresolved if parent == "U" else kids["parent_aai_at_birth"].astype(str) == parent
        counts = {c: int((child[sel] == c).sum()) for c in CATEGORIES}
        total = sum(counts.values())
        rows.append({"mother's interview": parent + (" (unresolved, any class)" if parent == "U" else ""), **counts,
                     "children": total,
                     "matching": f"{100 * counts[match[parent]] / total:.1f}% {match[parent]}" if total else "-"})
    return pd.DataFrame(rows)


def _generation_parts(data: ReportData, series: pd.DataFrame | None) -> list[Any]:
    people = pd.concat(next(iter(data.arms.values())), ignore_index=True)
    if "generation" not in people or people["generation"].nunique() < 2:
        return []
    parts: list[Any] = ["<h2>By generation</h2>"]
    gens = {f"generation {g}": [part] for g, part in people.groupby("generation", sort=True)}
    counts = ", ".join(f"{k}: {len(v[0]):,} people" for k, v in gens.items())
    parts.append(f"<p>{html.escape(counts)}.</p>")
    for column in ("ssp_12m", "aai_25"):
        if column in people:
            parts.append(_shares_figure(gens, column, " (by generation)"))
    table = parent_child_table(people)
    if not table.empty:
        parts.append("<h3>Mother's adult interview at the birth x child's Strange Situation at 12 months</h3>"
                     "<p>Children whose mother is simulated; the interview-to-infant match of van IJzendoorn 1995 "
                     "is read along the 'matching' column.</p>"
                     + html_table(list(table.columns), table.map(_cell).to_numpy().tolist()))
    if series is not None:
        parts += _trajectory_parts(series, "generation", "generation")
    return parts


# --- the report -------------------------------------------------------------------------------------
def _group_by(series: pd.DataFrame, people: pd.DataFrame) -> tuple[str, str]:
    if "profile" in people and people["profile"].nunique() > 1:
        return "profile", "caregiver profile"
    return ("ssp_12m", "12-month category") if (series["by"] == "ssp_12m").any() else ("all", "everyone")


def build_report(data: ReportData | str | Path, title: str | None = None, plotlyjs: PlotlyJs = "file") -> str:
    """The HTML report of a :class:`ReportData` (or of an output folder, read with :func:`load_report_data`)."""
    if not isinstance(data, ReportData):
        data = load_report_data(data)
    arms = data.arms
    parts: list[Any] = []
    sizes = ", ".join(f"{arm}: {sum(len(f) for f in frames):,} people in {len(frames)} run(s)"
                      for arm, frames in arms.items())
    parts.append(f"<p>{html.escape(data.kind)} <code>{html.escape(data.source)}</code>; {html.escape(sizes)}.</p>")
    if data.kind == "compare":
        parts += _experiment_parts(data)
        recorded = [s for s in data.series.values() if s is not None]
        if recorded:
            parts.append("<h2>Trajectories by arm</h2>")
            parts += _trajectory_parts(pd.concat(recorded, ignore_index=True), "arm", "arm", list(arms))
    if data.kind == "sweep" and data.runs is not None:
        parts += _sweep_parts(data)
    parts.append("<h2>Classifications</h2>")
    for column in CLASSIFICATIONS:
        if any(column in f for frames in arms.values() for f in frames):
            parts.append(_shares_figure(arms, column))
    if all("ecrr_anxiety_25" in f for frames in arms.values() for f in frames):
        parts.append(_scatter_figure(arms))
    if data.kind == "run":
        series = next(iter(data.series.values()), None)
        people = arms[next(iter(arms))][0]
        if series is not None and len(series):
            by, what = _group_by(series, people)
            monthly = series["time_years"].nunique() > 2 * series["time_years"].max() + 3
            parts.append("<h2>Trajectories</h2><p>Means by age, recorded during the run "
                         f"({'every month' if monthly else 'every year'}).</p>")
            parts += _trajectory_parts(series, by, what)
        else:
            parts.append("<p>No timeseries.parquet in this folder (rerun with 'attachsim run --out' to record the "
                         "trajectories).</p>")
        parts += _generation_parts(data, series)
    for name in ("summary.json", "scenario.yaml"):
        if name in data.texts:
            parts.append(f"<h2>{name}</h2><pre>" + html.escape(data.texts[name]) + "</pre>")
    name = title or f"attachsim report: {Path(data.source).resolve().name if data.source else data.kind}"
    return page(name, parts, plotlyjs)


def _sweep_parts(data: ReportData) -> list[Any]:
    import plotly.graph_objects as go

    runs = data.runs
    assert runs is not None
    grid = data.grid
    parts: list[Any] = [f"<h2>Runs of the sweep</h2><p>Grid: {html.escape(', '.join(grid) or '(no parameters)')}; "
                        f"{len(runs)} runs.</p>"]
    keep = ["run_id", *grid, *[c for c in ("seed", "n", "years", "share_a", "share_b", "share_c", "share_d",
                                          "sensitivity_security_r") if c in runs]]
    parts.append(html_table(keep, runs[keep].map(_cell).to_numpy().tolist()))
    points = list(data.arms)
    rows = []
    for point in points:
        people = pd.concat(data.arms[point], ignore_index=True)
        if "ssp_12m" in people:
            values = people["ssp_12m"].dropna().astype(str)
            k, n = int((values == "B").sum()), len(values)
            lo, hi = wilson(k, n)
            rows.append((point, k / n if n else math.nan, lo, hi, n))
    if rows:
        d = pd.DataFrame(rows, columns=["point", "share", "lo", "hi", "n"])
        fig = go.Figure(go.Scatter(x=d["point"], y=100 * d["share"], mode="markers+lines",
                                   error_y={"type": "data", "symmetric": False, "array": 100 * (d["hi"] - d["share"]),
                                            "arrayminus": 100 * (d["share"] - d["lo"])}))
        fig.update_layout(title="Secure (B) at 12 months by grid point, pooled over seeds, 95% intervals",
                          xaxis_title=", ".join(grid), yaxis_title="percent", template="plotly_white", height=380)
        parts.append(fig)
    return parts


def write_report_dir(folder: str | Path, out: str | Path | None = None, plotlyjs: PlotlyJs = "file") -> Path:
    """Write the report of ``folder`` to ``out`` (default ``folder/report.html``), atomically.

    With ``plotlyjs="file"`` (the default) ``plotly.min.js`` is written beside the report.
    """
    text = build_report(load_report_data(folder), plotlyjs=plotlyjs)  # a bad folder is an error before writing
    target = Path(out) if out is not None else Path(folder) / "report.html"
    return write_page(text, target)
