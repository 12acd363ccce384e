"""A person's life in plain words, from the people table and (when they were traced) their weekly states.

``Results.life(id)`` returns a :class:`Life`: ``table`` (the person's traced states, one row per
recorded week; empty when they were not traced) and ``story`` (plain text: caregiver and care
received, the Strange Situation and its scales, signs, adverse childhood experiences, the adult
interview and the ECR-R, each episode of compulsive relief-seeking, partnerships and break-ups,
children and their care, interventions received). Episodes and partnerships come from the trace
of the use states and of the partner id; without a trace the story gives the counts the people
table holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..core.timeline import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from ..core.results import Results

CATEGORY_WORDS = {"A": "avoidant (A)", "B": "secure (B)", "C": "resistant (C)", "D": "disorganised (D)"}
AAI_WORDS = {"F": "free-autonomous (F)", "Ds": "dismissing (Ds)", "E": "preoccupied (E)"}
IV_STATUS = {-1: "not eligible", 0: "eligible but not offered in this arm", 1: "offered and declined",
             2: "completed", 3: "dropped out"}
SSP_SCALES = ("proximity", "contact", "avoidance", "resistance", "disorganization")


@dataclass
class Life:
    """One person's life: their people-table row, their traced states and the story."""

    id: int
    person: pd.Series
    table: pd.DataFrame
    story: str

    def __str__(self) -> str:
        return self.story


def _years(weeks: float) -> str:
    return f"{weeks / WEEKS_PER_YEAR:.1f}"


def _ok(v: Any) -> bool:
    if v is None or v is pd.NA:
        return False
    try:
        return not (isinstance(v, float) and math.isnan(v)) and not bool(pd.isna(v))
    except (TypeError, ValueError):
        return True


def _num(v: Any) -> float:
    return float(v) if _ok(v) else math.nan


def _mean(values: Any) -> str:
    """Mean of the finite values, or '-' when there are none."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return f"{float(finite.mean()):.2f}" if finite.size else "-"


def _f(v: Any, digits: int = 2) -> str:
    return f"{float(v):.{digits}f}" if _ok(v) else "-"


def life(results: Results, person: int) -> Life:
    """The :class:`Life` of person ``person`` (raises ``KeyError`` naming the valid ids)."""
    people = results.people
    if isinstance(person, bool) or not isinstance(person, (int, np.integer)):
        raise KeyError(f"life: the id must be a whole number. Got {person!r}.")
    rows = people.index[people["id"] == int(person)]
    if len(rows) == 0:
        raise KeyError(f"life: no person with id {person}; ids run from 0 to {len(people) - 1}.")
    row = people.loc[rows[0]]
    traces = results.traces
    table = (traces[traces["id"] == int(person)].reset_index(drop=True) if traces is not None and len(traces)
             else pd.DataFrame())
    return Life(int(person), row, table, story(results, row, table))


def story(results: Results, row: pd.Series, table: pd.DataFrame) -> str:
    """The plain-words story of one person (see the module docstring)."""
    p: dict[str, Any] = {str(k): v for k, v in row.items()}
    people = results.people
    sc = results.scenario
    pid = int(p["id"])
    lines: list[str] = []
    sex = "woman" if p.get("sex") == "F" else "man"
    gen = int(p.get("generation", 0))
    lines.append(f"Person {pid}: a {sex} of generation {gen} in the scenario '{sc.get('name')}' "
                 f"(seed {results.seed}; {sc.get('years')} years simulated"
                 + (f", arm '{sc.get('arm')}'" if sc.get("arm") else "") + ").")
    if not table.empty:
        lines.append(f"Traced from age {_years(table['age_weeks'].iloc[0])} to {_years(table['age_weeks'].iloc[-1])}"
                     f" years ({len(table):,} recorded weeks).")
    lines += ["", "Caregiver and care received"]
    mother = int(p.get("parent_id", -1)) if _ok(p.get("parent_id")) else -1
    if p.get("profile") == "parent" and mother >= 0:
        aai = p.get("parent_aai_at_birth")
        lines.append(f"- Raised by their simulated mother, person {mother}"
                     + (f", whose adult interview at the birth was {AAI_WORDS.get(str(aai), aai)}"
                        if _ok(aai) else "")
                     + (" and unresolved (U)" if _ok(p.get("parent_unresolved_at_birth"))
                        and bool(p.get("parent_unresolved_at_birth")) else "") + ".")
    else:
        lines.append(f"- Caregiver profile: {p.get('profile')}.")
    lines.append(f"- Caregiver: available {_f(p.get('cg_availability'))}, sensitive {_f(p.get('cg_sensitivity'))}, "
                 f"rejecting {_f(p.get('cg_rejection'))}, inconsistent (SD) {_f(p.get('cg_inconsistency'))}, "
                 f"harsh {_f(p.get('cg_harm'))}, dysregulated {_f(p.get('cg_dysregulation'))}; "
                 f"{int(p.get('ses_risks', 0))} socioeconomic risk(s) at home.")
    if _ok(p.get("sensitivity_0_1")):
        lines.append(f"- Sensitivity observed in the first year: {_f(p['sensitivity_0_1'])}.")
    total = _num(p.get("episodes_total"))
    if total > 0:
        parts = [(k, _num(p.get(f"{k}_total", 0.0))) for k in ("soothed", "ignored", "rejected", "frightened",
                                                                 "harmed")]
        lines.append(f"- Distress episodes so far {total:,.0f}; bids " + ", ".join(
            f"{k} {v:,.0f}" for k, v in parts) + ".")
    if bool(p.get("threat_exposed", False)):
        lines.append(f"- Exposed to threat (active harm) of intensity {_f(p.get('threat_intensity'))}.")
    if bool(p.get("deprivation_exposed", False)):
        lines.append(f"- Exposed to deprivation (absent input) of intensity {_f(p.get('deprivation_intensity'))}.")

    lines += ["", "Strange Situation and later attachment assessments"]
    ssp = [c for c in p if c.startswith("ssp_") and c.endswith("m") and c[4:-1].isdigit()]
    if not ssp:
        lines.append("- Not assessed in the Strange Situation (the run ended first).")
    for col in ssp:
        v = p[col]
        if not _ok(v):
            lines.append(f"- {col}: not assessed.")
            continue
        forced = p.get(f"{col}_forced")
        scales = ", ".join(f"{s} {int(p[c])}" for s in SSP_SCALES
                           for c in [f"ssp_{s}" if col == "ssp_12m" else f"{col}_{s}"] if c in p and _ok(p[c]))
        lines.append(f"- Strange Situation at {col[4:-1]} months: {CATEGORY_WORDS.get(str(v), v)}"
                     + (f", forced A/B/C {forced}" if _ok(forced) else "") + (f"; scales: {scales}" if scales else "")
                     + ".")
    for col in sorted(c for c in p if c.startswith("reunion_")):
        if _ok(p[col]):
            lines.append(f"- Reunion procedure at {col[8:]}: {CATEGORY_WORDS.get(str(p[col]), p[col])}.")
    from ..assessments.lifespan import SIGNS

    ages = sorted({int(c.rsplit("_", 1)[1][:-1]) for c in p if c.startswith("clinging_")})
    for age in ages:
        signs = [s.replace("_", " ") for s in SIGNS if _ok(p.get(f"{s}_{age}y")) and int(p[f"{s}_{age}y"]) == 1]
        if not _ok(p.get(f"clinging_{age}y")):
            continue
        lines.append(f"- Signs at {age} years: " + (", ".join(signs) if signs else "none") +
                     f" (internalizing {_f(p.get(f'internalizing_{age}y'))}, externalizing "
                     f"{_f(p.get(f'externalizing_{age}y'))}).")
    from ..development.later import ACE_CATEGORIES

    aces = [a.replace("_", " ") for a in ACE_CATEGORIES if bool(p.get(f"ace_{a}", False))]
    lines.append(f"- Adverse childhood experiences: {int(p.get('ace_count', 0))}"
                 + (f" ({', '.join(aces)})" if aces else "") + ".")
    adult = sorted({int(c.rsplit("_", 1)[1]) for c in p if c.startswith("aai_") and c[4:].isdigit()})
    for age in adult:
        aai = p.get(f"aai_{age}")
        if not _ok(aai):
            continue
        unresolved = _ok(p.get(f"aai_unresolved_{age}")) and bool(p.get(f"aai_unresolved_{age}"))
        lines.append(f"- At {age}: adult interview {AAI_WORDS.get(str(aai), aai)}" + (", unresolved (U)" if unresolved
                                                                                    else "")
                     + f" (coherence {p.get(f'aai_coherence_{age}')}); ECR-R anxiety {_f(p.get(f'ecrr_anxiety_{age}'))}"
                     f", avoidance {_f(p.get(f'ecrr_avoidance_{age}'))} -> {p.get(f'adult_style_{age}')}.")

    lines += ["", "Relief-seeking (compulsive use)"]
    lines += _relief(results, p, table)
    lines += ["", "Partnerships"]
    lines += _partnerships(p, table)
    lines += ["", "Children"]
    kids = people[people["parent_id"] == pid] if "parent_id" in people else people.iloc[:0]
    if kids.empty:
        lines.append("- No children born within the run.")
    births = []
    if not table.empty and "children" in table:
        born = np.flatnonzero(np.diff(table["children"].to_numpy()) > 0) + 1
        births = [_years(table["age_weeks"].iloc[i]) for i in born]
    for k, (_, kid) in enumerate(kids.iterrows()):
        ssp12 = kid.get("ssp_12m")
        when = f", born when {'she' if p.get('sex') == 'F' else 'he'} was {births[k]}" if k < len(births) else ""
        lines.append(f"- Child {int(kid['id'])} ({'girl' if kid.get('sex') == 'F' else 'boy'}{when}): care received - "
                     f"sensitivity {_f(kid.get('cg_sensitivity'))}, rejection {_f(kid.get('cg_rejection'))}, "
                     f"available {_f(kid.get('cg_availability'))}; Strange Situation "
                     + (CATEGORY_WORDS.get(str(ssp12), str(ssp12)) if _ok(ssp12) else "not yet assessed") + ".")
    lines += ["", "Interventions"]
    ivs = sorted({c[3:-7] for c in p if c.startswith("iv_") and c.endswith("_status")})
    if not ivs:
        lines.append("- None in this scenario.")
    for name in ivs:
        status = p.get(f"iv_{name}_status")
        code = int(_num(status)) if _ok(status) else -1
        text = f"- {name}: {IV_STATUS.get(code, code)}"
        if code in (2, 3):
            text += (f", {_f(p.get(f'iv_{name}_sessions'), 0)} sessions; target {_f(p.get(f'iv_{name}_baseline'))}"
                     f" at enrolment -> {_f(p.get(f'iv_{name}_target'))} at the end")
        lines.append(text + ".")
    lines += ["", "At the end of the run"]
    a, b = _num(p.get("others_a")), _num(p.get("others_b"))
    others = a / (a + b) if a + b > 0 else math.nan
    lines.append(f"- Regulation {_f(p.get('regulation'))}; model of others {_f(others)}, of self "
                 f"{_f(p.get('self_worth'))}; hyperactivation {_f(p.get('hyperactivation'))}, deactivation "
                 f"{_f(p.get('deactivation'))}; stress gain {_f(p.get('stress_gain'))}.")
    return "\n".join(lines) + "\n"


def _relief(results: Results, p: dict[str, Any], table: pd.DataFrame) -> list[str]:
    from ..adulthood.relief import REGULATORS

    relief = results.scenario.get("parameters", {}).get("relief", {})
    crit_h, crit_u = float(relief.get("criterion_habit", 0.6)), float(relief.get("criterion_use", 0.5))
    out: list[str] = []
    for t in REGULATORS:
        if table.empty or f"habit_{t}" not in table:
            if bool(p.get(f"compulsive_{t}_ever", False)):
                out.append(f"- {t}: compulsive use from age {_f(p.get(f'compulsive_{t}_onset_age'), 1)}; "
                           f"{int(p.get(f'relapses_{t}', 0))} relapse(s) after abstinence (trace this person for "
                           "the episodes).")
            continue
        now = ((table[f"habit_{t}"] >= crit_h) & (table[f"recent_use_{t}"] >= crit_u)
               & (table[f"use_state_{t}"] != 2)).to_numpy()
        abstinent = (table[f"use_state_{t}"] == 2).to_numpy()
        age = table["age_weeks"].to_numpy()
        events: list[tuple[int, str]] = []
        for start, stop in _merge(_runs(now), abstinent, age):
            end = ("still compulsive at the end of the run" if stop == len(now)
                   else "stopped (abstinent)" if abstinent[stop] else "use fell below the criterion")
            events.append((int(age[start]), f"- {t}: compulsive use from age {_years(age[start])} to "
                                            f"{_years(age[min(stop, len(age) - 1)])} years; {end}."))
        for i in np.flatnonzero(np.diff(table[f"relapses_{t}"].to_numpy()) > 0) + 1:
            events.append((int(age[i]), f"- {t}: relapse after abstinence at age {_years(age[i])} years."))
        out += [text for _, text in sorted(events, key=lambda e: e[0])]
    return out or ["- Never met the criterion of compulsive use."]


def _runs(flag: Any) -> list[tuple[int, int]]:
    """(start, stop) of each run of True values."""
    padded = np.concatenate([[False], np.asarray(flag, dtype=bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


#: Weeks below the criterion (without stopping) that do not end an episode: use that flickers around the
#: criterion is one episode.
EPISODE_GAP_WEEKS = 8


def _merge(runs: list[tuple[int, int]], abstinent: Any, age: Any) -> list[tuple[int, int]]:
    """Join runs separated by a short gap without abstinence (at most ``EPISODE_GAP_WEEKS`` weeks of age)."""
    out: list[tuple[int, int]] = []
    for start, stop in runs:
        if out:
            prev_start, prev_stop = out[-1]
            gap_weeks = int(age[start]) - int(age[prev_stop - 1])
            if gap_weeks <= EPISODE_GAP_WEEKS + 1 and not bool(np.any(abstinent[prev_stop:start])):
                out[-1] = (prev_start, stop)
                continue
        out.append((start, stop))
    return out


def _partnerships(p: dict[str, Any], table: pd.DataFrame) -> list[str]:
    if table.empty or "partner" not in table:
        n, b = int(p.get("partnerships", 0)), int(p.get("breakups", 0))
        now = int(p.get("partner_id", -1))
        return [f"- {n} partnership(s), {b} break-up(s), {_f(p.get('years_single'), 1)} adult years single"
                + (f"; partnered with person {now} at the end" if now >= 0 else "; single at the end")
                + " (trace this person for each partnership)."]
    partner = table["partner"].to_numpy()
    age = table["age_weeks"].to_numpy()
    breakups = table["breakups"].to_numpy()
    out = []
    start = 0
    for i in range(1, len(partner) + 1):
        if i < len(partner) and partner[i] == partner[start]:
            continue
        if partner[start] >= 0:
            who = int(partner[start])
            q = table["relationship_quality"].to_numpy()[start:i]
            c = table["relationship_conflict"].to_numpy()[start:i]
            if i == len(partner):
                end = "still together at the end of the run"
            else:
                end = "ended by a break-up" if breakups[i] > breakups[i - 1] else "ended"
            out.append(f"- With person {who} from age {_years(age[start])} to {_years(age[i - 1])} years "
                       f"(quality {_mean(q)}, conflict {_mean(c)} on average); {end}.")
        start = i
    return out or ["- Never partnered."]
