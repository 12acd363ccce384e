"""Regenerate the generated parts of docs/odd.md from the model's own declarations.

docs/odd.md describes the model in the ODD protocol (Grimm et al. 2006; 2020). Its prose is
written by hand; the tables between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->`` are rebuilt here from what the package declares:

* ``patterns``: the published figures the model is calibrated and validated against;
* ``states``: every declared per-person state (name, type, unit, default, meaning, owner);
* ``schedule``: the weekly order of mechanisms (``Simulation.plan()``);
* ``submodels``: one subsection per mechanism with its parameters (default, range, unit, source);
* ``interventions``: the M11 intervention kinds, their delivery fields and their effects;
* ``scenario``: the scenario fields that set up a run (initialization and input data);
* ``scenarios``: the built-in scenarios.

Only the public API is used (``attachsim.simulation``, ``Simulation.mechanisms``, ``.layout``,
``.plan()``, each mechanism's ``key``, ``label``, ``summary``, ``stages``, ``declared()`` and
``params``, the pydantic schemas' field metadata), so the generator survives refactors of the
internals. Usage::

    python3 scripts/gen_odd.py           # rewrite docs/odd.md in place (atomically)
    python3 scripts/gen_odd.py --check   # exit 1 if docs/odd.md is not what the code declares
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

import attachsim

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "odd.md"
#: The scenario whose simulation has every standard mechanism (births included).
REFERENCE_SCENARIO = "intergenerational"
REGION = re.compile(r"(<!-- BEGIN GENERATED: (\w+) -->\n)(.*?)(<!-- END GENERATED: \2 -->)", re.S)
DTYPES = {"f32": "float32", "i32": "int32", "i8": "int8"}


# --- formatting ---------------------------------------------------------------------------------
def cell(value: object) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    text = " ".join(str(value).split())
    return text.replace("|", "\\|")


def number(value: object) -> str:
    """A default or bound as written in a scenario file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A Markdown table."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def bounds(field: FieldInfo) -> str:
    """The field's allowed range from its pydantic constraints (ge/gt/le/lt)."""
    lo = hi = None
    lo_open = hi_open = False
    for meta in field.metadata:
        if getattr(meta, "ge", None) is not None:
            lo = meta.ge
        if getattr(meta, "gt", None) is not None:
            lo, lo_open = meta.gt, True
        if getattr(meta, "le", None) is not None:
            hi = meta.le
        if getattr(meta, "lt", None) is not None:
            hi, hi_open = meta.lt, True
    if lo is None and hi is None:
        return ""
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    return f"{left}{number(lo) if lo is not None else '-inf'}, {number(hi) if hi is not None else 'inf'}{right}"


def default(field: FieldInfo) -> str:
    """The field's default value (a factory is called)."""
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(group)"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(number(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}" if not value else str(value)
    return number(value)


def extra(field: FieldInfo) -> dict[str, Any]:
    """The field's ``json_schema_extra`` (unit and source of a model parameter)."""
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


def param_rows(model: type[BaseModel]) -> list[list[str]]:
    """One row per parameter: name, default, range, unit, meaning, source."""
    rows = []
    for name, field in model.model_fields.items():
        ex = extra(field)
        rows.append([f"`{name}`", default(field), bounds(field), str(ex.get("unit", "")),
                     field.description or "", str(ex.get("source", ""))])
    return rows


PARAM_HEADER = ("parameter", "default", "range", "unit", "meaning", "source")


# --- the model's declarations --------------------------------------------------------------------
def reference_simulation() -> Any:
    """A small (unrun) simulation of the reference scenario: every standard mechanism."""
    return attachsim.simulation(REFERENCE_SCENARIO, n=10)


def intervention_mechanisms(standard: set[str]) -> list[Any]:
    """One instance of each intervention mechanism found in the built-in scenarios (first seen)."""
    found: dict[str, Any] = {}
    for name in attachsim.builtin_names():
        for m in attachsim.simulation(name, n=10).mechanisms:
            if m.key not in standard and m.key not in found:
                found[m.key] = m
    return list(found.values())


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    todo = [annotation]
    while todo:
        ann = todo.pop(0)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.append(ann)
        todo.extend(typing.get_args(ann))
    return out


def intervention_kinds() -> list[type[BaseModel]]:
    """The intervention models of the scenario schema (one per ``kind``), in schema order."""
    field = attachsim.Scenario.model_fields["interventions"]
    return [m for m in _models_in(field.annotation) if "kind" in m.model_fields]


# --- regions ------------------------------------------------------------------------------------
def region_patterns() -> str:
    """The published figures (validation targets) as a table."""
    try:
        from attachsim.validation import targets
    except ImportError:  # pragma: no cover - the targets module moved
        return "_The validation targets could not be imported._"
    every = getattr(targets, "ALL_TARGETS", targets.TARGETS)  # calibration (and, where declared, validation) sets
    rows = []
    for t in every:
        published = t.published() if hasattr(t, "published") else number(t.figure)
        rows.append([f"`{t.name}`", getattr(t, "target_set", "calibration"), t.label, published,
                     f"± {number(t.tolerance)}", t.citation, getattr(t, "group", ""),
                     ", ".join(getattr(t, "scenarios", ()))])
    return (f"{len(rows)} published figures (`attachsim validate` measures each):\n\n"
            + table(("target", "set", "what", "published", "tolerance", "source", "group", "scenarios"), rows))


def region_states() -> str:
    """Every declared state of the reference scenario, by owner, then the intervention states."""
    sim = reference_simulation()
    specs = list(sim.layout.specs.values())
    counts = {d: sum(1 for s in specs if s.dtype == d) for d in DTYPES}
    byte_sizes = {"f32": 4, "i32": 4, "i8": 1}
    per_person = sum(byte_sizes[s.dtype] for s in specs)
    parts = [
        f"{len(specs)} states per person in the `{REFERENCE_SCENARIO}` scenario ({counts['f32']} float32, "
        f"{counts['i32']} int32, {counts['i8']} int8; {per_person} bytes per person), declared by "
        f"{len(sim.mechanisms)} mechanisms. The default is the value at birth (or before an assessment). "
        "Assessment states carry the age of assessment in their name (`ssp_12m`, `reunion_5y`, `aai_25`): "
        "the ages are the scenario's (`assessments`), those shown are the reference scenario's.",
    ]
    for m in sim.mechanisms:
        own = list(m.declared())
        if not own:
            continue
        parts.append(f"**`{m.key}`** ({m.label}):\n\n" + table(
            ("state", "type", "unit", "default", "meaning"),
            [[f"`{s.name}`", DTYPES.get(s.dtype, s.dtype), s.unit, number(s.default), s.meaning] for s in own]))
    standard = {m.key for m in sim.mechanisms}
    other_ages: dict[str, Any] = {}
    for name in attachsim.builtin_names():
        for spec in attachsim.simulation(name, n=10).layout.specs.values():
            if spec.name not in sim.layout.specs and spec.owner in standard and spec.name not in other_ages:
                other_ages[spec.name] = spec
    if other_ages:
        parts.append("**States of other assessment ages** (added by built-in scenarios that assess at other ages):\n\n"
                     + table(("state", "type", "unit", "default", "meaning", "owner"),
                             [[f"`{s.name}`", DTYPES.get(s.dtype, s.dtype), s.unit, number(s.default), s.meaning,
                               f"`{s.owner}`"] for s in other_ages.values()]))
    ivs = intervention_mechanisms(standard)
    if ivs:
        parts.append("**Intervention states.** Each intervention a scenario declares (M11) adds its own states, "
                     "named after the intervention (`iv_<name>_...`):")
        for m in ivs:
            own = list(m.declared())
            prefix = _common_prefix([s.name for s in own]) if len(own) > 1 else ""
            parts.append(f"**`{m.key}`** ({m.label}):\n\n" + table(
                ("state", "type", "unit", "default", "meaning"),
                [[f"`{s.name.replace(prefix, 'iv_<name>_', 1) if prefix else s.name}`", DTYPES.get(s.dtype, s.dtype),
                  s.unit, number(s.default), s.meaning] for s in own]))
    return "\n\n".join(parts)


def _common_prefix(names: list[str]) -> str:
    """The longest common prefix of ``names`` that ends with an underscore (``iv_vipp_``)."""
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("_") + 1]


def region_schedule() -> str:
    """The weekly order of mechanisms."""
    sim = reference_simulation()
    stages = {m.key: ", ".join(m.stages) for m in sim.mechanisms}
    rows = [[e.position, f"`{e.key}`", e.label, e.runs_in, stages.get(e.key, ""), e.summary] for e in sim.plan()]
    return table(("#", "mechanism", "label", "runs as", "life stages", "what it does each week"), rows)


def region_submodels() -> str:
    """One subsection per mechanism: what it does, the states it owns, its parameters."""
    sim = reference_simulation()
    covered: set[type[BaseModel]] = set()
    parts = []
    for m in sim.mechanisms:
        params = type(m.params)
        covered.add(params)
        own = ", ".join(f"`{s.name}`" for s in m.declared()) or "none"
        text = [f"#### `{m.key}`: {m.label}", "", f"{m.summary}.", "",
                f"Life stages: {', '.join(m.stages)}. States owned: {own}."]
        if params.model_fields:
            text += ["", f"Parameters (`{params.__name__}`):", "", table(PARAM_HEADER, param_rows(params))]
        else:
            text += ["", "No free parameters."]
        parts.append("\n".join(text))
    groups = attachsim.Scenario.model_fields["parameters"].annotation
    others = []
    if isinstance(groups, type) and issubclass(groups, BaseModel):
        for name, field in groups.model_fields.items():
            for model in _models_in(field.annotation):
                if model not in covered:
                    covered.add(model)
                    others.append((name, model))
    for name, model in others:
        parts.append("\n".join([f"#### Parameter group `parameters.{name}` (`{model.__name__}`)", "",
                                (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else "", "",
                                table(PARAM_HEADER, param_rows(model))]))
    return "\n\n".join(parts)


def _worth_saying(field: FieldInfo, shared: bool) -> bool:
    """A kind's own field is described; a shared one only when its description cites a source."""
    text = field.description or ""
    return bool(text) and (not shared or text.startswith("source"))


def region_interventions() -> str:
    """Intervention kinds: the shared delivery fields and each kind's effects."""
    kinds = intervention_kinds()
    if not kinds:
        return "_No intervention kinds are declared._"
    first = kinds[0]
    shared = [n for n in first.model_fields if all(n in k.model_fields for k in kinds) and n not in ("kind", "effects")]

    def same(n: str) -> bool:
        return len({default(k.model_fields[n]) for k in kinds}) == 1

    delivery = [[f"`{n}`", default(first.model_fields[n]) if same(n) else "by kind", bounds(first.model_fields[n]),
                 first.model_fields[n].description or ""] for n in shared]
    parts = ["Delivery fields shared by every kind (where the default differs by kind, each kind's is given "
             "below):\n\n" + table(("field", "default", "range", "meaning"), delivery)]
    for k in kinds:
        kind = typing.get_args(k.model_fields["kind"].annotation)
        name = kind[0] if kind else k.__name__
        text = [f"#### `{name}` (`{k.__name__}`)", "", (k.__doc__ or "").strip().splitlines()[0] if k.__doc__ else ""]
        own = [n for n in k.model_fields if n != "kind" and n != "effects" and (n not in shared or not same(n))]
        if own:
            text += ["", "Delivery defaults: " + "; ".join(
                f"`{n}` = {default(k.model_fields[n])}"
                + (f" ({k.model_fields[n].description})" if _worth_saying(k.model_fields[n], n in shared) else "")
                for n in own) + "."]
        effects = _models_in(k.model_fields["effects"].annotation) if "effects" in k.model_fields else []
        if effects:
            text += ["", f"Effects (`{effects[0].__name__}`):", "", table(PARAM_HEADER, param_rows(effects[0]))]
        parts.append("\n".join(text))
    return "\n\n".join(parts)


def _scenario_rows(model: type[BaseModel], prefix: str, skip: set[str]) -> list[list[str]]:
    """Leaf fields of a scenario section; a group with its own defaults is expanded, an optional one is not."""
    rows = []
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        path = f"{prefix}{name}"
        if isinstance(field.default, BaseModel):
            rows += _scenario_rows(type(field.default), path + ".", set())
            continue
        nested = [m.__name__ for m in _models_in(field.annotation)]
        meaning = field.description or ""
        if nested:
            meaning = f"{meaning} (optional `{nested[0]}`: {(_models_in(field.annotation)[0].__doc__ or '').strip()})"
        rows.append([f"`{path}`", default(field), bounds(field), meaning.strip()])
    return rows


def region_scenario() -> str:
    """The scenario fields that set up a run (besides model parameters and interventions)."""
    skip = {"parameters", "interventions", "arms", "arm", "outcomes", "name", "description"}
    rows = _scenario_rows(attachsim.Scenario, "", skip)
    return table(("scenario field", "default", "range", "meaning"), rows)


def region_scenarios() -> str:
    """The built-in scenarios."""
    rows = []
    for name in attachsim.builtin_names():
        sc = attachsim.load_scenario(name)
        pop = sc.population
        rows.append([f"`{name}`", number(sc.years), number(pop.n), number(pop.generations),
                     len(sc.interventions), sc.description])
    return table(("scenario", "years", "people", "generations", "interventions", "description"), rows)


REGIONS: dict[str, Callable[[], str]] = {
    "patterns": region_patterns,
    "states": region_states,
    "schedule": region_schedule,
    "submodels": region_submodels,
    "interventions": region_interventions,
    "scenario": region_scenario,
    "scenarios": region_scenarios,
}


def generate(text: str) -> str:
    """``text`` with every generated region rebuilt; an unknown region name is an error."""
    def fill(m: re.Match[str]) -> str:
        name = m.group(2)
        if name not in REGIONS:
            raise SystemExit(f"docs/odd.md: unknown generated region '{name}'. Known: {', '.join(REGIONS)}.")
        return f"{m.group(1)}\n{REGIONS[name]().strip()}\n\n{m.group(4)}"

    return REGION.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite docs/odd.md, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/odd.md is stale; write nothing")
    parser.add_argument("--path", type=Path, default=ODD, help="the ODD file (default: docs/odd.md)")
    args = parser.parse_args(argv)
    old = args.path.read_text(encoding="utf-8")
    new = generate(old)
    if args.check:
        if new != old:
            print(f"{args.path} is stale: run `python3 scripts/gen_odd.py`.", file=sys.stderr)
            return 1
        print(f"{args.path} is up to date.")
        return 0
    if new != old:
        fd, tmp = tempfile.mkstemp(dir=args.path.parent, prefix=".odd-", suffix=".md")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new)
        os.replace(tmp, args.path)
    print(f"wrote {args.path} ({len(REGION.findall(new))} generated regions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
