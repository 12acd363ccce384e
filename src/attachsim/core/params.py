"""Model parameters with bounds, units and sources in one schema; their values live in data files.

A parameter group is a :class:`ParamModel` whose class declares each parameter by name and type only
(``rate_newborn: float``); its default, bounds, unit, meaning and source are a row of the module's data
file, ``<module>.params.yaml`` beside the module (``development/infancy.params.yaml`` for
``development/infancy.py``), one table per class::

    DistressParams:
      rate_newborn:
        default: 14.0
        bounds: [0.0, 60.0]
        unit: episodes/week
        meaning: Expected distress episodes per week at birth for average reactivity.
        source: Brazelton 1962; St James-Roberts & Halil 1991

When the class is created each row becomes the pydantic field :func:`param` makes, so validation,
error messages, ``describe()`` and the generated docs are those of a parameter written in Python. A
parameter may still be written in Python (``x: float = param(...)``); that value wins, and
``scripts/params_to_data.py`` moves it into the data file. The class keeps the typed names (mypy checks
``p.rate_newborn``); since mypy cannot see defaults that come from data, typed code builds a group at its
defaults with :meth:`ParamModel.defaults` rather than ``Group()`` (both work at run time).
"""

from __future__ import annotations

import functools
import importlib.resources
import inspect
import math
import types
import typing
from typing import Annotated, Any, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from ..errors import UserError
from ..io import load_yaml

#: A module's parameter data file: ``<module stem>`` + this suffix, in the module's package.
PARAMS_SUFFIX = ".params.yaml"
#: The keys of one parameter's row in a data file, in the order the files are written.
ROW_KEYS = ("default", "bounds", "unit", "meaning", "source")
#: The keys of a plain bounded field's row (a setting such as an intervention's sessions, without unit or source).
PLAIN_KEYS = ("default", "bounds", "description")


class ParamsDataError(UserError):
    """A parameter data file that does not match its classes (a packaging or editing mistake)."""


def _takes_number_not_bool(annotation: Any) -> bool:
    """True if ``annotation`` accepts an int or float but not a bool (through Optional and Annotated)."""
    if annotation is bool:
        return False
    if annotation in (int, float):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_number_not_bool(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = get_args(annotation)
        return bool(args) and bool not in args and any(_takes_number_not_bool(a) for a in args)
    return False


def _bools_in(value: Any, annotation: Any) -> bool:
    """Whether ``value`` puts a bool where ``annotation`` expects a number (also inside lists and mappings)."""
    if isinstance(value, bool):
        return _takes_number_not_bool(annotation)
    origin = get_origin(annotation)
    if origin is Annotated:
        return _bools_in(value, get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_bools_in(value, a) for a in get_args(annotation) if a is not type(None))
    if origin in (list, tuple, typing.Sequence) and isinstance(value, list | tuple) and get_args(annotation):
        item = get_args(annotation)[0]
        return any(_bools_in(v, item) for v in value)
    if origin is dict and isinstance(value, dict) and len(get_args(annotation)) == 2:
        item = get_args(annotation)[1]
        return any(_bools_in(v, item) for v in value.values())
    return False


class NoBoolNumbers(BaseModel):
    """Mixin for schemas: ``true``/``false`` is not accepted where a number is expected.

    Pydantic (lax mode) reads ``n: true`` as 1; a scenario with ``population: {n: true}`` would
    silently run one person. The error type ``bool_not_number`` lets messages add the allowed range.
    """

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            bad = [key for key, value in data.items()
                   if key in cls.model_fields and _bools_in(value, cls.model_fields[key].annotation)]
            if bad:
                raise PydanticCustomError("bool_not_number", "{field}: a number is expected, not true or false",
                                          {"field": bad[0]})
        return data


def params_file(module: str) -> str:
    """The data file of a dotted module name, as a path inside the package (for messages)."""
    return module.replace(".", "/") + PARAMS_SUFFIX


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_row(origin: str, group: str, name: str, row: Any) -> dict[str, Any]:
    where = f"{origin}: {group}.{name}"
    plain = isinstance(row, dict) and set(row) <= set(PLAIN_KEYS)
    if not isinstance(row, dict) or not (plain or set(row) == set(ROW_KEYS)):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise ParamsDataError(f"{where}: expected the keys {', '.join(ROW_KEYS)} (a parameter) or default, bounds "
                              f"and perhaps description (a plain bounded field); found {keys}.")
    bounds = row["bounds"]
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(_number(b) for b in bounds)
            and bounds[0] <= bounds[1]):
        raise ParamsDataError(f"{where}: bounds must be [lower, upper], two numbers, lower <= upper; "
                              f"found {bounds!r}.")
    if not (_number(row["default"]) and bounds[0] <= row["default"] <= bounds[1]):
        raise ParamsDataError(f"{where}: default must be a number within bounds {bounds}; found {row['default']!r}.")
    for key in ("unit", "meaning", "source", "description"):
        if key in row and not isinstance(row[key], str):
            raise ParamsDataError(f"{where}: {key} must be text; found {row[key]!r}.")
    return row


def module_data(module: str, suffix: str) -> dict[str, dict[str, Any]]:
    """The data file ``<module stem><suffix>`` beside a module (dotted name): {class: table}; {} if none."""
    package, _, stem = module.rpartition(".")
    try:
        resource = importlib.resources.files(package).joinpath(stem + suffix)
    except (ModuleNotFoundError, TypeError, ValueError):  # a class made in a script or a test (no package)
        return {}
    if not resource.is_file():
        return {}
    origin = module.replace(".", "/") + suffix
    data = load_yaml(resource.read_text(encoding="utf-8"), origin, ParamsDataError) or {}
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise ParamsDataError(f"{origin}: expected one table (a mapping) per class.")
    return data


@functools.cache
def params_data(module: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The parameter tables of ``module`` (dotted name) from its data file: {class: {parameter: row}}; {} if none."""
    origin = params_file(module)
    return {group: {name: _check_row(origin, group, name, row) for name, row in table.items()}
            for group, table in module_data(module, PARAMS_SUFFIX).items()}


def field_from_row(row: dict[str, Any]) -> Any:
    """The pydantic field of one data-file row: what :func:`param` makes, or a plain bounded ``Field``."""
    lo, hi = row["bounds"]
    if "source" not in row:
        return Field(default=row["default"], ge=lo, le=hi, description=row.get("description"))
    return param(row["default"], lo, hi, unit=row["unit"], meaning=row["meaning"], source=row["source"])


class DataFields(BaseModel):
    """Mixin: the fields a class declares by annotation only take their row from the module's data file.

    A row whose name the class does not declare is an error (a renamed or removed parameter), so the class
    and its data file cannot drift apart.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = params_data(cls.__module__).get(cls.__name__, {})
        declared = inspect.get_annotations(cls)
        for name, row in table.items():
            if name not in declared:
                raise ParamsDataError(f"{params_file(cls.__module__)}: {cls.__name__}.{name} is not declared in "
                                      f"the class; add `{name}: float` to {cls.__name__} or remove the row.")
            if name not in cls.__dict__:  # a value written in Python wins until the conversion script moves it
                setattr(cls, name, field_from_row(row))

    @classmethod
    def defaults(cls, **changes: Any) -> Self:
        """The model at its defaults, with ``changes`` (validated): ``cls(**changes)``, typed for mypy."""
        return cls.model_validate(changes)


class ParamModel(DataFields, NoBoolNumbers, BaseModel):
    """Base of every parameter group: unknown keys are errors; assignments are checked.

    Every parameter has a default (from the module's data file, see the module docstring).
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in inspect.get_annotations(cls):
            if name not in cls.__dict__ and name != "model_config":
                raise ParamsDataError(f"{cls.__module__}.{cls.__name__}.{name}: no default; give its row in "
                                      f"{params_file(cls.__module__)}.")


    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One record per parameter: name, default, bounds, unit, source."""
        rows = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            lo = hi = None
            for meta in field.metadata:
                lo = getattr(meta, "ge", lo)
                hi = getattr(meta, "le", hi)
            rows.append(
                {
                    "name": name,
                    "default": field.default,
                    "min": lo,
                    "max": hi,
                    "unit": extra.get("unit", ""),
                    "source": extra.get("source", ""),
                    "meaning": field.description or "",
                }
            )
        return rows


def param(default: float, lo: float, hi: float, *, unit: str, meaning: str, source: str) -> Any:
    """A bounded parameter; ``source`` cites the paper or states the rationale (or calibration)."""
    return Field(
        default=default,
        ge=lo,
        le=hi,
        description=meaning,
        json_schema_extra={"unit": unit, "source": source},
    )
