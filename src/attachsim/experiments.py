"""Experiments: run every arm of a scenario on the same population and compare outcomes.

Arms share the population and every random draw (common random numbers): draws are keyed
on (seed, stream, step, id) and interventions draw only from their own streams, so arms
differ only through the interventions. Eligibility is judged before any intervention acts,
so each arm's outcome is computed over the same people; the difference from the control
arm is then a paired difference per person, pooled over people and seeds, with a 95%
normal interval (Welch's unpaired interval when an outcome's subset differs between arms,
e.g. an outcome given a state measured after treatment).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .core.engine import Engine, Simulation
from .scenarios import Scenario, ScenarioError, load_scenario
from .scenarios.experiment import Outcome

Z95 = 1.959964
F64 = npt.NDArray[np.float64]


@dataclass
class Comparison:
    """What ``compare`` returns: effect records, achieved target changes, and each arm's people."""

    scenario: Scenario
    seeds: list[int]
    n: int
    effects: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    people: dict[str, pd.DataFrame] = field(repr=False)
    #: each arm's population series recorded during the runs (seeds stacked, with a ``seed`` column)
    timeseries: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def table(self) -> str:
        """The effect table as text (what ``attachsim compare`` prints)."""
        return format_table(self)


def arm_names(scenario: Scenario) -> list[str]:
    """Arms in declaration order with the control first."""
    control = [a.name for a in scenario.arms if a.control]
    return control + [a.name for a in scenario.arms if not a.control]


def compare(scenario: str | Path | dict[str, Any] | Scenario, n: int | None = None, seeds: int = 1,
            seed: int = 0, years: float | None = None, *, engine: Engine = "numba",
            progress: Any = None, timeseries: str | None = "auto") -> Comparison:
    """Run every arm of ``scenario`` for ``seeds`` seeds (``seed``, ``seed + 1``, ...) and compare outcomes.

    ``timeseries`` records each arm's population series: "yearly", "monthly", None (none) or "auto"
    (monthly for experiments of up to five years, yearly for longer ones).
    """
    from . import simulation

    sc = load_scenario(scenario)
    if not sc.arms:
        raise ScenarioError(f"scenario '{sc.name}': 'arms' is empty; an experiment needs at least two arms, one with "
                            "control: true.")
    if len(sc.arms) < 2:
        raise ScenarioError(f"scenario '{sc.name}': an experiment needs at least two arms; got {len(sc.arms)}.")
    if not isinstance(seeds, int) or seeds < 1 or seeds > 1000:
        raise ValueError(f"The 'seeds' parameter must be an integer from 1 to 1000. Got {seeds!r} instead.")
    names = arm_names(sc)
    if timeseries == "auto":
        timeseries = "monthly" if (years if years is not None else sc.years) <= 5 else "yearly"
    tables: dict[str, list[pd.DataFrame]] = {a: [] for a in names}
    series: dict[str, list[pd.DataFrame]] = {a: [] for a in names}
    size = sc.population.n
    for s in range(seed, seed + seeds):
        for a in names:
            sim: Simulation = simulation(sc.model_copy(update={"arm": a}), n=n, seed=s, years=years, engine=engine,
                                         timeseries=timeseries)
            size = sim.scenario.population.n
            res = sim.run()
            people = res.people
            # one new column joined at once: insert() on the people table (one block per column) warns about
            # fragmentation (pandas PerformanceWarning)
            people = pd.concat([pd.DataFrame({"seed": np.full(len(people), s, dtype=np.int64)}), people], axis=1)
            tables[a].append(people)
            if res.timeseries is not None:
                series[a].append(res.timeseries.assign(seed=s))
            if progress is not None:
                progress(a, s)
    people_by_arm = {a: pd.concat(t, ignore_index=True) for a, t in tables.items()}
    effects = [rec for o in sc.outcomes for rec in outcome_effects(o, people_by_arm, names)]
    targets = target_effects(sc, people_by_arm, names)
    recorded = {a: pd.concat(t, ignore_index=True) for a, t in series.items() if t}
    return Comparison(sc, list(range(seed, seed + seeds)), size, effects, targets, people_by_arm, recorded)


# ----------------------------------------------------------------------------- statistics

def _subset(outcome: Outcome, people: pd.DataFrame) -> pd.Series:
    status = [c for c in people.columns if c.startswith("iv_") and c.endswith("_status")]
    eligible = people[status].notna().any(axis=1) if status else pd.Series(False, index=people.index)
    mask = {"eligible": eligible, "ineligible": ~eligible, "all": pd.Series(True, index=people.index)}[
        outcome.population]
    if outcome.given is not None:
        g = outcome.given
        col = _column(people, g.column, f"outcome '{outcome.name}': given.column")
        hit = col.astype(object).isin(list(g.equals if g.equals is not None else g.not_equals or []))
        mask &= hit if g.equals is not None else (~hit & col.notna())
    return mask


def _column(people: pd.DataFrame, name: str, where: str) -> pd.Series:
    if name not in people.columns:
        raise ScenarioError(f"{where}: no column '{name}' in the results; columns include: "
                            f"{', '.join(c for c in people.columns if not c.startswith('fear_'))[:1500]}.")
    return people[name]


def _values(outcome: Outcome, people: pd.DataFrame) -> pd.Series:
    col = _column(people, outcome.column, f"outcome '{outcome.name}': column")
    if outcome.kind == "share":
        out = col.astype(object).isin(list(outcome.equals or [])).astype(float)
        return out.where(col.notna())
    return pd.to_numeric(col, errors="coerce").astype(float)


def outcome_effects(outcome: Outcome, people: dict[str, pd.DataFrame], arms: list[str]) -> list[dict[str, Any]]:
    """One record per arm: value, difference from the control with a 95% interval, effect size."""
    control = arms[0]
    ys = {a: _values(outcome, p).where(_subset(outcome, p)) for a, p in people.items()}
    yc = ys[control]
    out = []
    for a in arms:
        ya = ys[a]
        va, vc = ya.dropna().to_numpy(), yc.dropna().to_numpy()
        if va.size == 0 or vc.size == 0:  # nobody in the subset (or not measured within the simulated years)
            out.append({"arm": a, "outcome": outcome.name, "value": math.nan, "n": int(va.size),
                        "difference": math.nan, "ci_low": math.nan, "ci_high": math.nan, "effect_size": math.nan,
                        "effect_kind": "cohens_d" if outcome.kind == "mean" else "odds_ratio", "paired": False,
                        "control": a == control})
            continue
        value = float(va.mean()) if va.size else math.nan
        paired = bool((ya.notna() == yc.notna()).all())
        if paired:
            d = (ya - yc).dropna().to_numpy()
            diff = float(d.mean()) if d.size else math.nan
            se = float(d.std(ddof=1) / math.sqrt(d.size)) if d.size > 1 else math.nan
        else:
            diff = value - float(vc.mean())
            se = math.sqrt(va.var(ddof=1) / va.size + vc.var(ddof=1) / vc.size) if va.size > 1 else math.nan
        if outcome.kind == "mean":
            pooled = math.sqrt((va.var(ddof=1) + vc.var(ddof=1)) / 2.0) if va.size > 1 else math.nan
            effect, kind = (diff / pooled if pooled > 0 else 0.0), "cohens_d"
        else:
            effect, kind = _odds_ratio(va, vc), "odds_ratio"
        out.append({"arm": a, "outcome": outcome.name, "value": value, "n": int(va.size),
                    "difference": diff, "ci_low": diff - Z95 * se, "ci_high": diff + Z95 * se,
                    "effect_size": effect, "effect_kind": kind, "paired": paired, "control": a == control})
    return out


def _odds_ratio(a: F64, c: F64) -> float:
    cells = [float(a.sum()), float(a.size - a.sum()), float(c.sum()), float(c.size - c.sum())]
    if min(cells) == 0:
        cells = [x + 0.5 for x in cells]  # Haldane-Anscombe correction
    return (cells[0] / cells[1]) / (cells[2] / cells[3])


def target_effects(sc: Scenario, people: dict[str, pd.DataFrame], arms: list[str]) -> list[dict[str, Any]]:
    """For each intervention and each arm that delivers it: its achieved change in its target state, as d."""
    from .interventions import KIND_CLASSES
    from .interventions.mechanisms import Status

    control = people[arms[0]]
    out = []
    for iv in sc.interventions:
        status, target = f"iv_{iv.name}_status", f"iv_{iv.name}_target"
        eligible = control[status].notna()
        tc = control[target].where(eligible).astype(float)
        for a in arms[1:]:
            if iv.name not in next(x for x in sc.arms if x.name == a).interventions:
                continue
            p = people[a]
            ta = p[target].where(eligible).astype(float)
            diff = (ta - tc).dropna()
            sd = float(tc.std(ddof=1))
            started = p[status].where(eligible).isin([Status.COMPLETED, Status.DROPPED_OUT])
            out.append({
                "arm": a, "intervention": iv.name, "kind": iv.kind, "target": KIND_CLASSES[iv.kind].target,
                "eligible": int(eligible.sum()), "started": int(started.sum()),
                "completed": int((p[status].where(eligible) == Status.COMPLETED).sum()),
                "sessions_mean": float(p[f"iv_{iv.name}_sessions"][started].mean()) if started.any() else 0.0,
                "control_mean": float(tc.mean()), "arm_mean": float(ta.mean()),
                "difference": float(diff.mean()) if diff.size else math.nan,
                "d": float(diff.mean() / sd) if diff.size and sd > 0 else math.nan,
            })
    return out


# ----------------------------------------------------------------------------- output

def _fmt(x: float, digits: int = 3) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def format_table(cmp: Comparison) -> str:
    """The effect table and the achieved-target table as plain text."""
    arms = arm_names(cmp.scenario)
    w = max(len(a) for a in arms) + 10
    seeds = f"{cmp.seeds[0]}" if len(cmp.seeds) == 1 else f"{cmp.seeds[0]}-{cmp.seeds[-1]}"
    lines = [f"experiment '{cmp.scenario.name}': n = {cmp.n:,} per arm, seed{'s' if len(cmp.seeds) > 1 else ''} "
             f"{seeds}; control arm: {arms[0]}",
             f"{'outcome':<22} {'arm':<{w}} {'n':>7} {'value':>7}  {'difference [95% CI]':<28} effect size"]
    for rec in cmp.effects:
        if rec["control"]:
            diff, eff = "(control)", ""
        elif math.isnan(rec["difference"]):
            diff, eff = "-", ""
        else:
            diff = f"{rec['difference']:+.3f} [{rec['ci_low']:+.3f}, {rec['ci_high']:+.3f}]"
            eff = (f"d = {rec['effect_size']:+.2f}" if rec["effect_kind"] == "cohens_d"
                   else f"RD = {rec['difference']:+.3f}, OR = {rec['effect_size']:.2f}")
        lines.append(f"{rec['outcome']:<22} {rec['arm']:<{w}} {rec['n']:>7,} {_fmt(rec['value']):>7}  {diff:<28} "
                     f"{eff}")
    if cmp.targets:
        lines += ["", "achieved change in each intervention's target state (eligible people, arm vs control):",
                  f"{'arm':<{w}} {'intervention':<16} {'target':<40} {'started':>8} {'sessions':>8} "
                  f"{'control':>8} {'arm':>8} {'d':>6}"]
        for t in cmp.targets:
            lines.append(f"{t['arm']:<{w}} {t['intervention']:<16} {t['target'][:40]:<40} "
                         f"{t['started']:>8,} {_fmt(t['sessions_mean'], 1):>8} {_fmt(t['control_mean']):>8} "
                         f"{_fmt(t['arm_mean']):>8} {_fmt(t['d'], 2):>6}")
    return "\n".join(lines)


def comparison_files(cmp: Comparison) -> dict[str, Any]:
    """The files of a comparison's output folder, name -> writer.

    ``effects.json``, ``targets.json``, ``scenario.yaml`` and ``<arm>/people.parquet`` (and
    ``<arm>/timeseries.parquet`` when recorded) for each arm.
    """
    from .io import atomic_write_json, atomic_write_text
    from .scenarios import resolved_yaml

    keys = ("arm", "outcome", "value", "difference", "ci_low", "ci_high", "effect_size", "effect_kind", "n")
    records = [{k: rec[k] for k in keys} for rec in cmp.effects]
    scenario_text = resolved_yaml(cmp.scenario)
    files: dict[str, Any] = {
        "effects.json": lambda p, data=records: atomic_write_json(p, data),
        "targets.json": lambda p, data=cmp.targets: atomic_write_json(p, data),
        "scenario.yaml": lambda p: atomic_write_text(p, scenario_text),
    }
    for arm, people in cmp.people.items():
        files[f"{arm}/people.parquet"] = lambda p, people=people: people.to_parquet(p, index=False)
        if arm in cmp.timeseries:
            files[f"{arm}/timeseries.parquet"] = lambda p, t=cmp.timeseries[arm]: t.to_parquet(p, index=False)
    return files


def write_comparison(cmp: Comparison, out: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the comparison's output folder (see :func:`comparison_files`) in one swap: all files or none.

    ``out`` must be absent, empty, or a previous comparison output with ``overwrite`` set
    (raises :class:`~attachsim.errors.OutputError` otherwise).
    """
    from .io import write_output_dir

    return write_output_dir(out, "compare", comparison_files(cmp), overwrite=overwrite, flag="out")
