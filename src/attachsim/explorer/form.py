"""The scenario form, generated from the pydantic schema, and the way back from a submitted form.

Every scalar parameter of :class:`~attachsim.scenarios.schema.Scenario` (through nested models)
becomes one input with its default, bounds, unit, meaning and source; lists of ages become a
comma-separated input; the structured parts (interventions, arms, outcomes, adversity
schedules, caregiving overrides and mixtures) travel in one YAML block. A submission is
validated by the schema itself, and each error is placed beside the input its location names.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from ..scenarios import Scenario, ScenarioError, builtin_names, load_scenario
from ..scenarios.loader import MAX_SCENARIO_BYTES

SEED_FIELD = "_seed"
YAML_FIELD = "_structured"
MAX_SEED = 2**31 - 1
#: The population and years a starting point is trimmed to, so that a first run takes seconds.
QUICK_PEOPLE = 2_000


@dataclass(frozen=True)
class FormField:
    """One input of the scenario form."""

    path: str  # dotted location in the scenario, e.g. "parameters.distress.cry_rate"
    kind: str  # float, int, str, optstr, intlist
    default: Any
    lo: float | None
    hi: float | None
    unit: str
    meaning: str
    source: str

    @property
    def section(self) -> str:
        """The heading the input is shown under."""
        parts = self.path.split(".")
        if parts[0] == "parameters" and len(parts) > 2:
            return f"parameters: {parts[1].replace('_', ' ')}"
        return "scenario" if len(parts) == 1 else parts[0]

    @property
    def label(self) -> str:
        """The input's label (the path within its section)."""
        parts = self.path.split(".")
        return ".".join(parts[2:] if parts[0] == "parameters" and len(parts) > 2 else parts[1:] or parts)

    @property
    def html_id(self) -> str:
        """A DOM id derived from the path (dots are not welcome in CSS selectors)."""
        return "f-" + self.path.replace(".", "--")

    @property
    def bounds(self) -> str:
        """The allowed range in words."""
        if self.lo is None and self.hi is None:
            return ""
        return f"{'-inf' if self.lo is None else f'{self.lo:g}'} to {'inf' if self.hi is None else f'{self.hi:g}'}"

    def display(self, value: Any) -> str:
        """The value as the input shows it."""
        if value is None:
            return ""
        if self.kind == "intlist":
            return ", ".join(str(v) for v in value)
        if isinstance(value, float):
            return f"{value:.10g}"
        return str(value)


def _bounds(info: Any) -> tuple[float | None, float | None]:
    lo = hi = None
    for meta in info.metadata:
        for attr in ("ge", "gt"):
            if getattr(meta, attr, None) is not None:
                lo = float(getattr(meta, attr))
        for attr in ("le", "lt"):
            if getattr(meta, attr, None) is not None:
                hi = float(getattr(meta, attr))
    return lo, hi


def _scalar_kind(ann: Any) -> str | None:
    if ann is float:
        return "float"
    if ann is int:
        return "int"
    if ann is str:
        return "str"
    origin = get_origin(ann)
    args = get_args(ann)
    if origin in (Union, types.UnionType) and set(args) == {str, type(None)}:
        return "optstr"
    if origin is list and len(args) == 1 and get_args(args[0])[:1] == (int,):
        return "intlist"
    return None


def _walk(model: type[BaseModel], prefix: str = "") -> tuple[list[FormField], list[str]]:
    fields: list[FormField] = []
    structured: list[str] = []
    for name, info in model.model_fields.items():
        path = prefix + name
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            sub_fields, sub_structured = _walk(ann, path + ".")
            fields += sub_fields
            structured += sub_structured
            continue
        kind = _scalar_kind(ann)
        if kind is None:
            structured.append(path)
            continue
        lo, hi = _bounds(info)
        if kind == "intlist":
            lo, hi = _bounds(get_args(get_args(ann)[0])[1])
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        meaning = info.description or ""
        source = str(extra.get("source", ""))
        if not source and "source:" in meaning:
            meaning, _, source = meaning.partition("source:")
            meaning = meaning.strip().rstrip(";,")
        default = info.get_default(call_default_factory=True)
        fields.append(FormField(path, kind, default, lo, hi, str(extra.get("unit", "")), meaning.strip(),
                                source.strip()))
    return fields, structured


FIELDS, STRUCTURED = _walk(Scenario)
BY_PATH = {f.path: f for f in FIELDS}


def sections() -> list[tuple[str, list[FormField]]]:
    """The inputs grouped by section, in schema order."""
    out: dict[str, list[FormField]] = {}
    for f in FIELDS:
        out.setdefault(f.section, []).append(f)
    return list(out.items())


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def structured_yaml(data: dict[str, Any]) -> str:
    """The structured parts of a scenario (those without an input of their own) as YAML."""
    part: dict[str, Any] = {}
    for path in STRUCTURED:
        value = _get(data, path)
        if value not in (None, [], {}):
            _set(part, path, value)
    return yaml.safe_dump(part, sort_keys=False) if part else ""


@dataclass
class FormState:
    """What the form shows: values by path, the YAML block, the seed, and errors by path."""

    start: str
    values: dict[str, str]
    structured: str
    seed: str
    errors: dict[str, str]
    general: list[str]
    has_arms: bool
    note: str = ""

    def value(self, f: FormField) -> str:
        """The value of one input."""
        return self.values.get(f.path, "")


def starting_point(name: str) -> FormState:
    """The form filled from a built-in scenario (unknown names fall back to 'normative')."""
    if name not in builtin_names():
        name = "normative"
    sc = load_scenario(name)
    data = sc.model_dump(mode="json")
    note = ""
    if sc.population.n > QUICK_PEOPLE:
        note = (f"Population trimmed from the scenario's {sc.population.n:,} to {QUICK_PEOPLE:,} for a quick first "
                "run; raise it in population.n.")
        data["population"]["n"] = QUICK_PEOPLE
    values = {f.path: f.display(_get(data, f.path)) for f in FIELDS}
    return FormState(start=name, values=values, structured=structured_yaml(data), seed="0", errors={}, general=[],
                     has_arms=bool(sc.arms), note=note)


def from_scenario(sc: Scenario, seed: int, start: str = "normative") -> FormState:
    """The form filled from a scenario (to edit and run again what a job ran)."""
    data = sc.model_dump(mode="json")
    values = {f.path: f.display(_get(data, f.path)) for f in FIELDS}
    start = start if start in builtin_names() else "normative"
    return FormState(start=start, values=values, structured=structured_yaml(data), seed=str(seed), errors={},
                     general=[], has_arms=bool(sc.arms), note="The scenario of an earlier job; edit and run again.")


@dataclass
class Submission:
    """A parsed form: the scenario (when valid) and the form state to show again when not."""

    scenario: Scenario | None
    seed: int
    state: FormState


def _message(err: dict[str, Any], field: FormField | None) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than") and field is not None:
        return f"{value} is out of range; allowed: {field.bounds}."
    if kind == "extra_forbidden":
        return f"unknown key '{err['loc'][-1]}'."
    if kind == "missing":
        return "required."
    msg = str(err["msg"]).removeprefix("Value error, ")
    return msg if msg.endswith(".") else msg + "."


def _field_for(loc: tuple[Any, ...]) -> FormField | None:
    for cut in range(len(loc), 0, -1):
        path = ".".join(str(p) for p in loc[:cut])
        if path in BY_PATH:
            return BY_PATH[path]
    return None


def parse(form: dict[str, str], max_people: int, compare: bool = False) -> Submission:
    """Build and validate a scenario from a submitted form; errors are keyed by the input they belong to.

    ``max_people`` caps the people simulated by the job: ``population.n``, times the number of arms
    when ``compare`` (every arm runs its own copy of the population).
    """
    start = form.get("_start", "normative")
    start = start if start in builtin_names() else "normative"
    values = {f.path: form.get(f.path, "") for f in FIELDS}
    text = form.get(YAML_FIELD, "")
    errors: dict[str, str] = {}
    general: list[str] = []
    seed_text = form.get(SEED_FIELD, "0").strip()
    seed = 0
    try:
        seed = int(seed_text)
        if not 0 <= seed <= MAX_SEED:
            raise ValueError
    except ValueError:
        errors[SEED_FIELD] = f"{seed_text!r} is not a seed; allowed: a whole number from 0 to {MAX_SEED}."
    data: dict[str, Any] = {}
    if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        errors[YAML_FIELD] = f"at most {MAX_SCENARIO_BYTES:,} bytes."
    elif text.strip():
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            errors[YAML_FIELD] = f"not valid YAML{where}: {getattr(exc, 'problem', None) or 'syntax error'}."
            loaded = {}
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            errors[YAML_FIELD] = "must be a YAML mapping of keys to values (or empty)."
        else:
            data = loaded
    for f in FIELDS:
        raw = values[f.path].strip()
        value: Any
        if f.kind == "intlist":
            value = [p.strip() for p in raw.split(",") if p.strip()]
        elif f.kind == "optstr":
            value = raw or None
        else:
            value = raw
        _set(data, f.path, value)
    scenario: Scenario | None = None
    if not errors:
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                field = _field_for(tuple(err["loc"]))
                where = ".".join(str(p) for p in err["loc"]) or "scenario"
                if field is not None:
                    errors.setdefault(field.path, _message(dict(err), field))
                elif err["loc"] and str(err["loc"][0]) in {p.split(".")[0] for p in STRUCTURED}:
                    errors.setdefault(YAML_FIELD, f"{where}: {_message(dict(err), None)}")
                else:
                    general.append(f"{where}: {_message(dict(err), None)}")
        except ScenarioError as exc:
            general.append(str(exc))
    copies = max(1, len(scenario.arms)) if scenario is not None and compare else 1
    if scenario is not None and scenario.population.n * copies > max_people:
        allowed = max_people // copies
        per = f" per arm ({copies} arms)" if copies > 1 else ""
        errors["population.n"] = (f"{scenario.population.n:,} is more than this explorer runs{per}; allowed: 1 to "
                                  f"{allowed:,} (set by the memory available; use the command line for more).")
        scenario = None
    state = FormState(start=start, values=values, structured=text, seed=seed_text, errors=errors, general=general,
                      has_arms=bool(scenario.arms) if scenario is not None else "arms:" in text)
    return Submission(scenario=None if errors or general else scenario, seed=seed, state=state)
