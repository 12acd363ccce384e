"""Helpers to declare model parameters with bounds, units and sources in one schema."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


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


class ParamModel(NoBoolNumbers, BaseModel):
    """Base of every parameter group: unknown keys are errors; assignments are checked."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

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
