"""Load scenarios from built-in names, YAML files or dicts, with clear errors."""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import ValidationError

from ..errors import UserError
from ..io import load_yaml, read_text_file
from .schema import Scenario

MAX_SCENARIO_BYTES = 1_000_000


class ScenarioError(UserError):
    """A scenario that cannot be used, with a message that names the field and what is allowed."""


def _unknown(name: str) -> ScenarioError:
    close = difflib.get_close_matches(name, builtin_names(), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ScenarioError(f"Unknown scenario '{name}'.{hint} Built-in scenarios: {', '.join(builtin_names())}; "
                         "or give a path to a YAML file.")


def builtin_names() -> list[str]:
    """Names of the built-in scenarios."""
    folder = resources.files("attachsim.scenarios") / "builtin"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    """The YAML text of a built-in scenario."""
    if name not in builtin_names():
        raise _unknown(name)
    return (resources.files("attachsim.scenarios") / "builtin" / f"{name}.yaml").read_text("utf-8")


def describe_builtins() -> list[tuple[str, str]]:
    """(name, one-line description) of each built-in scenario."""
    out = []
    for name in builtin_names():
        data = load_yaml(builtin_text(name), name, ScenarioError)
        out.append((name, str(data.get("description", "")).strip().splitlines()[0]))
    return out


def parse_yaml(text: str, origin: str) -> dict[str, Any]:
    """Parse scenario YAML text into a mapping, or raise a :class:`ScenarioError`."""
    if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{origin}: the file is {len(text.encode('utf-8')):,} bytes; a scenario may be at most "
                            f"{MAX_SCENARIO_BYTES:,} bytes.")
    data = load_yaml(text, origin, ScenarioError)
    if data is None:
        raise ScenarioError(f"{origin}: the scenario is empty; it must be a YAML mapping such as 'name: my-run'.")
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: a scenario must be a YAML mapping of keys to values; got a "
                            f"{type(data).__name__}.")
    return data


def format_validation_error(exc: ValidationError, origin: str) -> str:
    """One line per problem: the dotted field, the value given, and what is allowed."""
    lines = [f"{origin}: invalid scenario ({exc.error_count()} problem{'s' if exc.error_count() > 1 else ''}):"]
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
        kind = err["type"]
        ctx = err.get("ctx", {})
        value = err.get("input")
        if kind == "extra_forbidden":
            parent = ".".join(str(p) for p in err["loc"][:-1])
            allowed = _allowed_keys(err["loc"][:-1])
            where = f" in '{parent}'" if parent else ""
            lines.append(f"  - {loc}: unknown key '{err['loc'][-1]}'{where}; allowed keys: {allowed}.")
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            lo, hi = _bounds(err["loc"])
            lines.append(f"  - {loc}: value {value!r} is out of range; allowed range is {lo} to {hi}.")
        elif kind == "bool_not_number":
            at = (*err["loc"], ctx.get("field", ""))
            lo, hi = _bounds(at)
            lines.append(f"  - {'.'.join(str(p) for p in at)}: a number is expected, not true or false; allowed "
                         f"range is {lo} to {hi}.")
        elif kind == "missing":
            lines.append(f"  - {loc}: required field is missing.")
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
            got = f" (got {value!r})" if err["loc"] and not isinstance(value, dict) else ""
            lines.append(f"  - {msg}{got}." if not err["loc"] else f"  - {loc}: {msg}{got}.")
        del ctx
    if len(lines) == 2:  # one problem: one line
        return f"{origin}: invalid scenario: {lines[1].removeprefix('  - ')}"
    return "\n".join(lines)


def _models_in(ann: Any) -> list[Any]:
    """The pydantic models an annotation can hold (through Optional, list, dict, Annotated and unions)."""
    if hasattr(ann, "model_fields"):
        return [ann]
    return [m for arg in get_args(ann) for m in _models_in(arg)]


def _model_at(loc: tuple[Any, ...]) -> Any:
    models: list[Any] = [Scenario]
    for part in loc:
        if isinstance(part, int):  # an item of a list: the item's model
            continue
        owner = next((m for m in models if part in m.model_fields), None)
        if owner is not None:
            ann = owner.model_fields[part].annotation
            models = _models_in(ann) or [ann]
            continue
        # the tag of a discriminated union (e.g. interventions.0.tf_cbt)
        tagged = [m for m in models if "kind" in getattr(m, "model_fields", {})
                  and part in get_args(m.model_fields["kind"].annotation)]
        if not tagged:
            return None
        models = tagged
    return models[0] if models else None


def _allowed_keys(loc: tuple[Any, ...]) -> str:
    model = _model_at(loc)
    fields = getattr(model, "model_fields", None)
    return ", ".join(fields) if fields else "(none)"


def _bounds(loc: tuple[Any, ...]) -> tuple[str, str]:
    parent = _model_at(loc[:-1])
    fields = getattr(parent, "model_fields", None)
    lo, hi = "-inf", "inf"
    if fields and loc[-1] in fields:
        for meta in fields[loc[-1]].metadata:
            for attr, side in (("ge", "lo"), ("gt", "lo>"), ("le", "hi"), ("lt", "hi<")):
                v = getattr(meta, attr, None)
                if v is None:
                    continue
                text = f"{v:,}" if isinstance(v, int) else f"{v:g}"
                if side.startswith("lo"):
                    lo = text + (" (exclusive)" if side == "lo>" else "")
                else:
                    hi = text + (" (exclusive)" if side == "hi<" else "")
    elif isinstance(loc[-1], int):  # an item of a list: bounds of the item type
        return _bounds(loc[:-1])
    return lo, hi


def load_scenario(source: str | Path | dict[str, Any] | Scenario) -> Scenario:
    """A validated :class:`Scenario` from a built-in name, a YAML path, a dict or a Scenario."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, dict):
        data, origin = source, "scenario"
    else:
        path = Path(source)
        if isinstance(source, str) and source in builtin_names():
            data, origin = parse_yaml(builtin_text(source), f"built-in scenario '{source}'"), source
        elif path.suffix.lower() in (".yaml", ".yml") or path.exists() or "/" in str(source):
            text = read_text_file(path, str(path), "a scenario file", ScenarioError, MAX_SCENARIO_BYTES)
            data, origin = parse_yaml(text, str(path)), str(path)
            data.setdefault("name", path.stem)
        else:
            raise _unknown(str(source))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, origin)) from None


def resolved_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario (every default filled in) as YAML."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False)
