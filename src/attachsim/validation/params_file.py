"""Parameter files: dotted parameter paths -> values, checked against the schema's bounds.

A parameter file is a YAML mapping such as::

    # fitted by attachsim calibrate on 2025-01-01 (targets: ssp_low_risk_*)
    strategies.hyper_gain: 21.5
    strange_situation.disorg_threshold: 1.31

Each key names a group of the scenario's ``parameters`` section and a parameter in it (the
prefix ``parameters.`` may be written or left out). ``attachsim run``, ``validate`` and
``calibrate`` accept such a file with ``--params FILE``; ``calibrate`` writes one. The values
replace those of whatever scenario is run, so one file serves every scenario.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import UserError
from ..io import atomic_write_text, load_yaml, read_text_file
from ..scenarios import Scenario, load_scenario
from ..scenarios.schema import Parameters

MAX_PARAMS_BYTES = 1_000_000


class ParamsFileError(UserError):
    """A parameter file that cannot be used; the message names the key, the value and what is allowed."""


def parameter_bounds() -> dict[str, dict[str, Any]]:
    """Every model parameter as ``group.name`` -> its default, bounds, unit and source."""
    out: dict[str, dict[str, Any]] = {}
    for group, field in Parameters.model_fields.items():
        model = field.annotation
        for row in model.describe():  # type: ignore[union-attr]
            out[f"{group}.{row['name']}"] = row
    return out


def free_parameters() -> list[str]:
    """Parameters whose stated source is a calibration (the ones ``calibrate`` may fit by default)."""
    return [k for k, row in parameter_bounds().items() if "calibrated" in str(row["source"]).lower()]


def _normal_key(key: object, origin: str) -> str:
    if not isinstance(key, str):
        raise ParamsFileError(f"{origin}: key {key!r} must be a dotted parameter path such as "
                              "'strategies.hyper_gain'.")
    return key.removeprefix("parameters.")


def check_params(values: Mapping[str, Any], origin: str = "parameters") -> dict[str, float]:
    """Validate ``{dotted path: value}``; return it with normalised keys, or raise :class:`ParamsFileError`."""
    bounds = parameter_bounds()
    groups = list(Parameters.model_fields)
    out: dict[str, float] = {}
    problems: list[str] = []
    for raw_key, value in values.items():
        key = _normal_key(raw_key, origin)
        parts = key.split(".")
        if len(parts) != 2 or parts[0] not in groups:
            problems.append(f"  - {raw_key}: unknown parameter group '{parts[0]}'; a key is 'group.name' with group "
                            f"one of: {', '.join(groups)}." if parts[0] not in groups else
                            f"  - {raw_key}: a key is 'group.name' (e.g. 'strategies.hyper_gain'); got "
                            f"{len(parts)} parts.")
            continue
        if key not in bounds:
            names = [k.split('.', 1)[1] for k in bounds if k.startswith(parts[0] + ".")]
            problems.append(f"  - {raw_key}: '{parts[0]}' has no parameter '{parts[1]}'; allowed: {', '.join(names)}.")
            continue
        row = bounds[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
            problems.append(f"  - {raw_key}: the value must be a finite number between {row['min']} and "
                            f"{row['max']}; got {value!r}.")
            continue
        lo, hi = row["min"], row["max"]
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            problems.append(f"  - {raw_key}: value {value!r} is out of range; allowed range is {lo} to {hi} "
                            f"({row['unit']}).")
            continue
        if key in out:
            problems.append(f"  - {raw_key}: given twice (with and without the 'parameters.' prefix).")
            continue
        out[key] = float(value) if isinstance(row["default"], float) else value
    if problems:
        n = len(problems)
        raise ParamsFileError(f"{origin}: {n} problem{'s' if n > 1 else ''}:\n" + "\n".join(problems))
    return out


def load_params(source: str | Path | Mapping[str, Any]) -> dict[str, float]:
    """Read and validate a parameter file (YAML path) or mapping."""
    if isinstance(source, Mapping):
        return check_params(source)
    path = Path(source)
    origin = f"parameter file {path}"
    data = load_yaml(read_text_file(path, origin, "a parameter file", ParamsFileError, MAX_PARAMS_BYTES), origin,
                     ParamsFileError)
    if data is None or data == {}:
        raise ParamsFileError(f"{origin}: the file is empty; a parameter file maps dotted parameter paths to numbers, "
                              "e.g. 'strategies.hyper_gain: 20' (without --params the defaults are used).")
    if not isinstance(data, dict):
        raise ParamsFileError(f"{origin}: a parameter file must be a YAML mapping of dotted parameter paths to "
                              f"numbers, e.g. 'strategies.hyper_gain: 20'; got a {type(data).__name__}.")
    return check_params(data, origin)


def apply_params(scenario: str | Path | dict[str, Any] | Scenario, values: Mapping[str, Any]) -> Scenario:
    """The scenario with the given parameter values in place (validated again by the scenario schema)."""
    sc = load_scenario(scenario)
    if not values:
        return sc
    data = sc.model_dump(mode="json")
    for key, value in check_params(values).items():
        group, name = key.split(".")
        data["parameters"][group][name] = value
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:  # pragma: no cover - check_params already checked each bound
        raise ParamsFileError(str(exc)) from None


def write_params(path: str | Path, values: Mapping[str, Any], header: str = "") -> Path:
    """Write a parameter file atomically (temporary file, then rename); ``header`` becomes YAML comments."""
    checked = check_params(values)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    atomic_write_text(target, comments + yaml.safe_dump(checked, sort_keys=True))
    return target
