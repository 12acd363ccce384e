"""Model vs literature: run the scenarios the targets need over seeds and compare, target by target.

The simulation itself never writes files; :func:`write_report` writes the Markdown and HTML
summaries of a :class:`Validation` (atomically, temporary name then rename).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io import atomic_write_parquet, atomic_write_text
from .params_file import apply_params
from .targets import ARMS, SCENARIOS, SETS, Target, columns_for, get_targets, needed

#: Called after each finished run: (runs finished, runs planned, scenario key, seed).
RunProgress = Callable[[int, int, str, int], None]
#: Relative cost of a person-year by scenario (used only to start the longest runs first).
_COST = {"intergenerational": 2.0}


@dataclass(frozen=True)
class RunItem:
    """One scenario run for validation (picklable: executors ship it to workers)."""

    key: str
    scenario: str
    seed: int
    n: int
    years: float
    params: tuple[tuple[str, float], ...]
    columns: tuple[str, ...]
    cache: str | None = None
    arm: str | None = None

    def scenario_for_run(self) -> Any:
        """The resolved scenario of this run: parameters replaced, the experiment arm selected."""
        sc = apply_params(self.scenario, dict(self.params))
        return sc if self.arm is None else sc.model_copy(update={"arm": self.arm})

    def cache_path(self) -> Path | None:
        """Where the full people table of this run is cached (``None`` without a cache folder).

        The name is a hash of the resolved scenario (parameters included), seed and attachsim
        version; clear the folder after changing the model's code without changing its version.
        """
        if self.cache is None:
            return None
        from .. import __version__, simulation

        sc = simulation(self.scenario_for_run(), n=self.n, seed=self.seed, years=self.years).scenario
        text = json.dumps({"scenario": sc.model_dump(mode="json"), "seed": self.seed, "version": __version__},
                          sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return Path(self.cache) / f"{self.key.replace('/', '+')}-seed{self.seed}-{digest}.parquet"


def run_item(item: RunItem) -> pd.DataFrame:
    """Run one scenario and return the columns the targets read (runs in a worker).

    With a cache folder, a run already cached is read instead of recomputed, and a new run's
    full people table is written there (temporary name, then rename).
    """
    from .. import simulation

    path = item.cache_path()
    if path is not None and path.is_file():
        people = pd.read_parquet(path, columns=None)
    else:
        sc = item.scenario_for_run()
        people = simulation(sc, n=item.n, seed=item.seed, years=item.years).run().people
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_parquet(path, people)
    return people[[c for c in item.columns if c in people]].copy()


def plan_runs(targets: Sequence[Target], seeds: Sequence[int], n: int, params: Mapping[str, float] | None = None,
              years: Mapping[str, float] | None = None, cache: str | Path | None = None) -> list[RunItem]:
    """The runs that ``targets`` need: each scenario once per seed, shared between targets."""
    need = needed(list(targets))
    if years:
        need.update({k: v for k, v in years.items() if k in need})
    items = [RunItem(key, SCENARIOS[key], seed, n, y, tuple(sorted((params or {}).items())),
                     tuple(columns_for(list(targets), key)), None if cache is None else str(cache), ARMS.get(key))
             for key, y in need.items() for seed in seeds]
    return sorted(items, key=lambda it: -it.years * _COST.get(it.key, 1.0))


def run_frames(items: Sequence[RunItem], executor: str = "serial", workers: int | None = None,
               scheduler: str | None = None, progress: RunProgress | None = None) -> dict[int, dict[str, pd.DataFrame]]:
    """Run the planned items with an executor; return ``{seed: {scenario key: people}}``."""
    from ..execution import get_executor

    done = 0

    def arrived(i: int, _: Any) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(items), items[i].key, items[i].seed)

    with get_executor(executor, workers=workers, scheduler=scheduler) as ex:
        frames = ex.map(run_item, list(items), on_result=arrived)
    out: dict[int, dict[str, pd.DataFrame]] = {}
    for item, frame in zip(items, frames, strict=True):
        out.setdefault(item.seed, {})[item.key] = frame
    return out


@dataclass
class TargetResult:
    """A target measured over seeds."""

    target: Target
    values: list[float]
    notes: dict[str, float] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        """Mean over seeds (the value compared with the tolerance)."""
        vals = [v for v in self.values if np.isfinite(v)]
        return float(np.mean(vals)) if vals else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        """Lowest and highest value over seeds."""
        vals = [v for v in self.values if np.isfinite(v)]
        return (float(min(vals)), float(max(vals))) if vals else (math.nan, math.nan)

    @property
    def passed(self) -> bool:
        """Whether the mean over seeds lies within the tolerance of the published figure."""
        return self.target.passes(self.mean)


@dataclass
class Validation:
    """The outcome of a validation: one :class:`TargetResult` per target, and how it was run."""

    results: list[TargetResult]
    n: int
    seeds: list[int]
    params: dict[str, float]
    elapsed_s: float = 0.0

    @property
    def failed(self) -> list[TargetResult]:
        """Targets outside their tolerance."""
        return [r for r in self.results if not r.passed]

    def by_set(self) -> dict[str, list[TargetResult]]:
        """Results grouped by target set (``calibration`` first), sets without targets left out."""
        out = {name: [r for r in self.results if r.target.target_set == name] for name in SETS}
        return {k: v for k, v in out.items() if v}

    def pass_counts(self) -> dict[str, tuple[int, int]]:
        """``{set: (passed, targets)}``."""
        return {k: (sum(r.passed for r in v), len(v)) for k, v in self.by_set().items()}

    def summary(self) -> str:
        """One line: the pass count of each set."""
        return "; ".join(f"{k}: {p} of {n} within tolerance" for k, (p, n) in self.pass_counts().items())


def evaluate(targets: Sequence[Target], frames: Mapping[int, Mapping[str, pd.DataFrame]]) -> list[TargetResult]:
    """Each target's value on each seed's frames, with the extra notes averaged over seeds."""
    out = []
    for t in targets:
        values: list[float] = []
        notes: dict[str, list[float]] = {}
        for seed in sorted(frames):
            values.append(float(t.extract(frames[seed])))
            if t.notes is not None:
                for k, v in t.notes(frames[seed]).items():
                    notes.setdefault(k, []).append(float(v))
        out.append(TargetResult(t, values, {k: float(np.mean(v)) for k, v in notes.items()}))
    return out


#: Validation and tests use seeds below this; calibration uses seeds from it on (MODEL §8).
CALIBRATION_SEEDS_FROM = 1000


def validate(targets: Sequence[str] | None = None, *, n: int = 20_000, seeds: int | Sequence[int] = 3,
             first_seed: int = 1, params: Mapping[str, float] | None = None, executor: str = "serial",
             workers: int | None = None, scheduler: str | None = None, cache: str | Path | None = None,
             progress: RunProgress | None = None, target_set: str = "all") -> Validation:
    """Run the scenarios ``targets`` need (default: every target of ``target_set``) and compare with the literature.

    ``target_set``: ``calibration`` (MODEL §8's figures, which parameters were fitted to), ``validation``
    (published results never fitted to) or ``all``. ``seeds`` is a count (seeds ``first_seed``,
    ``first_seed + 1``, ...) or a list, every seed below 1000: seeds from 1000 on are calibration's, so a
    validation on them would check figures on the seeds they were fitted on. ``params`` replaces model
    parameters in every scenario (see :mod:`attachsim.validation.params_file`). ``cache``: a folder where each
    run's people table is kept and reused by later validations.
    """
    if isinstance(seeds, bool) or (isinstance(seeds, int) and not 1 <= seeds <= 999):
        raise ValueError(f"The 'seeds' setting must be a count from 1 to 999 or a list of seeds. Got {seeds!r}.")
    if not isinstance(n, int) or isinstance(n, bool) or n < 100:
        raise ValueError(f"The 'n' setting must be an integer of at least 100. Got {n!r} instead.")
    seed_list = list(range(first_seed, first_seed + seeds)) if isinstance(seeds, int) else list(seeds)
    bad = [s for s in seed_list if not 0 <= s < CALIBRATION_SEEDS_FROM]
    if bad:
        raise ValueError(f"validate: seeds must be from 0 to {CALIBRATION_SEEDS_FROM - 1} (seeds from "
                         f"{CALIBRATION_SEEDS_FROM} on are calibration's); got {', '.join(map(str, bad[:5]))}.")
    chosen = get_targets(list(targets) if targets else None, target_set)
    t0 = time.perf_counter()
    items = plan_runs(chosen, seed_list, n, params, cache=cache)
    frames = run_frames(items, executor=executor, workers=workers, scheduler=scheduler, progress=progress)
    return Validation(evaluate(chosen, frames), n, seed_list, dict(params or {}), time.perf_counter() - t0)


# --- reports ------------------------------------------------------------------------------------
def _fmt(t: Target, v: float) -> str:
    if not np.isfinite(v):
        return "n/a"
    return f"{100 * v:.1f}%" if t.unit == "share" else f"{v:.3f}"


def rows(validation: Validation) -> list[dict[str, Any]]:
    """One plain record per target (for tables, JSON and the reports)."""
    out = []
    for r in validation.results:
        t = r.target
        lo, hi = r.interval
        acc = t.accepted
        out.append({"target": t.name, "set": t.target_set, "label": t.label, "group": t.group, "unit": t.unit,
                    "published": t.published(), "figure": t.figure, "tolerance": t.tolerance,
                    "accepted_low": acc[0], "accepted_high": acc[1], "model": r.mean, "seed_min": lo, "seed_max": hi,
                    "per_seed": r.values, "passed": r.passed, "citation": t.citation, "sample_size": t.sample_size,
                    "scenarios": ", ".join(t.scenarios), "note": t.note, "notes": r.notes,
                    "fitted": list(t.fitted), "fitted_on": t.fitted_on, "basis": t.basis,
                    "model_text": _fmt(t, r.mean), "interval_text": f"{_fmt(t, lo)} to {_fmt(t, hi)}",
                    "accepted_text": f"{_fmt(t, acc[0])} to {_fmt(t, acc[1])}"})
    return out


SET_TITLES = {
    "calibration": "Calibration set: MODEL §8's figures (parameters were fitted to these, on seeds >= 1000)",
    "validation": "Validation set: published results no parameter is fitted to",
}


def to_markdown(validation: Validation) -> str:
    """The model-vs-literature tables as Markdown, one per target set, each with its pass count."""
    recs = rows(validation)
    counts = validation.pass_counts()
    lines = [
        "# attachsim validation: model vs literature", "",
        f"{len(validation.seeds)} seed(s) ({', '.join(map(str, validation.seeds))}) x {validation.n:,} people per "
        f"scenario; {validation.summary()}. The model value is the mean over seeds; the interval is the lowest to "
        "highest seed. A target passes when the mean lies in the accepted interval: a published range or 95% "
        "confidence interval as it stands, or a point figure with the tolerance of MODEL §8.", "",
    ]
    if validation.params:
        lines += ["Parameters replaced (--params): " + ", ".join(f"`{k}` = {v:g}" for k, v in
                                                                 validation.params.items()), ""]
    for name, (passed, total) in counts.items():
        lines += [f"## {SET_TITLES[name]}: {passed} of {total} pass", "",
                  "| target | published | model (mean) | over seeds | accepted | pass | source (N) | scenarios |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in (r for r in recs if r["set"] == name):
            lines.append(f"| {r['label']} | {r['published']} | {r['model_text']} | {r['interval_text']} | "
                         f"{r['accepted_text']} | {'yes' if r['passed'] else '**no**'} | {r['citation']} "
                         f"({r['sample_size']}) | {r['scenarios']} |")
        lines.append("")
    notes = [r for r in recs if r["note"] or r["notes"] or r["basis"] or r["fitted"]]
    if notes:
        lines += ["## Notes", ""]
        for r in notes:
            extra = "; ".join(f"{k} = {v:.3f}" for k, v in r["notes"].items())
            fitted = (f"fitted to it: {', '.join(r['fitted'])} ({r['fitted_on']})" if r["fitted"] else "")
            basis = f"accepted interval: {r['basis']}" if r["basis"] else ""
            lines.append(f"- `{r['target']}`: {'; '.join(x for x in (r['note'], extra, basis, fitted) if x)}")
    lines += ["", f"Elapsed: {validation.elapsed_s:.0f} s.", ""]
    return "\n".join(lines)


def to_html(validation: Validation) -> str:
    """The validation as a self-contained HTML page with Plotly figures (plotly.js inlined once)."""
    import plotly.graph_objects as go

    from ..reports.html import html_table, page

    recs = rows(validation)
    figures = []
    for unit, title in (("share", "Shares (percent)"), ("d", "Effect sizes (d)"), ("r", "Correlations"),
                        ("kappa", "Agreement (kappa)"), ("ratio", "Ratios"), ("OR", "Odds ratios")):
        sel = [r for r in recs if r["unit"] == unit]
        if not sel:
            continue
        scale = 100.0 if unit == "share" else 1.0
        names = [r["target"] for r in sel]
        fig = go.Figure()
        fig.add_trace(go.Bar(
            y=names, x=[scale * (r["accepted_high"] - r["accepted_low"]) for r in sel],
            base=[scale * r["accepted_low"] for r in sel], orientation="h", name="accepted (published ± tolerance)",
            marker_color="rgba(120,160,220,0.35)", hovertext=[r["citation"] for r in sel]))
        fig.add_trace(go.Scatter(
            y=names, x=[scale * r["figure"] for r in sel], mode="markers", name="published",
            marker={"symbol": "line-ns-open", "size": 16, "color": "#1f4e9a", "line": {"width": 3}}))
        fig.add_trace(go.Scatter(
            y=names, x=[scale * r["model"] for r in sel], mode="markers", name="model (mean over seeds)",
            marker={"size": 10, "color": ["#2a9d3a" if r["passed"] else "#d62728" for r in sel]},
            error_x={"type": "data", "symmetric": False,
                     "array": [scale * (r["seed_max"] - r["model"]) for r in sel],
                     "arrayminus": [scale * (r["model"] - r["seed_min"]) for r in sel]}))
        fig.update_layout(title=title, barmode="overlay", height=120 + 28 * len(sel), margin={"l": 260},
                          yaxis={"autorange": "reversed"}, template="plotly_white")
        figures.append(fig)
    intro = (f"<p>{len(validation.seeds)} seed(s) ({', '.join(map(str, validation.seeds))}) x {validation.n:,} "
             f"people per scenario; <b>{html.escape(validation.summary())}</b>. Bars: the accepted interval (a "
             "published range or 95% confidence interval, or a point figure ± the tolerance of MODEL §8); dots: the "
             "model's mean over seeds (green: passes), whiskers: lowest to highest seed.</p>")
    tables: list[str] = []
    for name, (passed, total) in validation.pass_counts().items():
        tables.append(f"<h2>{html.escape(SET_TITLES[name])}: {passed} of {total} pass</h2>")
        tables.append(html_table(
            ["target", "published", "model", "over seeds", "accepted", "pass", "source", "N"],
            [[r["label"], r["published"], r["model_text"], r["interval_text"], r["accepted_text"],
              "yes" if r["passed"] else "NO", r["citation"], r["sample_size"]] for r in recs if r["set"] == name]))
    return page("attachsim validation", [intro, *figures, *tables])


def write_report(validation: Validation, out: str | Path) -> tuple[Path, Path]:
    """Write ``validation.md`` and ``validation.html`` into ``out`` (atomically); return their paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    md = atomic_write(folder / "validation.md", to_markdown(validation))
    html = atomic_write(folder / "validation.html", to_html(validation))
    return md, html


def atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (kept for callers; see :func:`attachsim.io.atomic_write_text`)."""
    return atomic_write_text(path, text)
