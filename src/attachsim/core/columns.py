"""Result columns: what a mechanism puts in the people table, declared beside its states.

A :class:`Column` names one column of the people table with its dtype, unit, label and how it aggregates
across people or seeds, and knows how to read its values from the final population. The people table is the
columns of every mechanism in plan order; the core assembles them and knows no instrument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .engine import Simulation

Aggregate = Literal["mean", "share", "sum", "none"]
Reader = Callable[["Simulation"], Any]


@dataclass(frozen=True)
class Column:
    """One column of the people table.

    ``dtype`` is the pandas dtype of the column (``float32``, ``int32``, ``int16``, ``int8``, ``bool``,
    ``boolean``, ``Int8``, ``Int16``, ``category``, ``str`` (``object`` before pandas 3)); ``aggregate`` says how
    it summarises over people (``mean`` of
    a quantity, ``share`` of each category or of true flags, ``sum`` of counts, ``none`` for ids).
    ``categories`` lists a categorical column's levels in order. ``read`` returns the values for the active people.
    """

    name: str
    dtype: str
    unit: str
    label: str
    aggregate: Aggregate
    read: Reader
    categories: tuple[str, ...] = ()
    owner: str = ""

    def meta(self) -> dict[str, Any]:
        """The column's metadata (no reader), for codebooks and reports."""
        return {"name": self.name, "dtype": self.dtype, "unit": self.unit, "label": self.label,
                "aggregate": self.aggregate, "categories": list(self.categories), "owner": self.owner}


def copy_of(name: str) -> Reader:
    """A reader of one state's values at the end of the run (a copy)."""
    return lambda sim: sim.pop[name].copy()


def is_one(name: str) -> Reader:
    """A reader of an int8 flag state as a boolean array (1: true)."""
    return lambda sim: sim.pop[name] == 1


def state(name: str, unit: str, label: str, aggregate: Aggregate = "mean") -> Column:
    """A float32 state copied as it is at the end of the run."""
    return Column(name, "float32", unit, label, aggregate, copy_of(name))


def categorical(codes: Any, labels: tuple[str, ...]) -> pd.Categorical[str]:
    """Integer codes (negative: not assessed) as a pandas categorical with ``labels`` in order."""
    codes = np.asarray(codes)
    out: pd.Categorical[str] = pd.Categorical.from_codes(np.where(codes < 0, -1, codes).astype(codes.dtype),
                                                         categories=pd.Index(list(labels)))
    return out


def coded(name: str, labels: tuple[str, ...], unit: str, label: str) -> Column:
    """An int8 code state read as a categorical column (negative codes: missing)."""
    return Column(name, "category", unit, label, "share", lambda sim: categorical(sim.pop[name], labels),
                  categories=labels)


def nullable(codes: Any, dtype: str) -> Any:
    """A pandas nullable array from int codes, with negative codes (not assessed) as missing."""
    values = pd.Series(codes == 1 if dtype == "boolean" else codes).astype(dtype)  # type: ignore[call-overload]
    return values.mask(pd.Series(codes < 0)).array


def flag(name: str, label: str) -> Column:
    """An int8 flag state (-1 not assessed, 0 no, 1 yes) as a nullable boolean column."""
    return Column(name, "boolean", "flag", label, "share", lambda sim: nullable(sim.pop[name], "boolean"))


def count(name: str, dtype: str, unit: str, label: str, aggregate: Aggregate = "mean") -> Column:
    """An integer state cast to ``dtype`` (``Int8``/``Int16`` nullable types read negative codes as missing)."""
    if dtype[0] == "I":
        return Column(name, dtype, unit, label, aggregate, lambda sim: nullable(sim.pop[name], dtype))
    return Column(name, dtype, unit, label, aggregate, lambda sim: sim.pop[name].astype(dtype))
