"""The mechanism module contract: declared states, parameters and a fixed set of hooks.

A mechanism's declaration (key, label, summary, stages, kernel, ``Params``, its states and, for an
intervention, what it writes and measures) is data: a table per class in ``<module>.mechanisms.yaml``
beside the module, applied when the class is created (a value written in the class wins;
``scripts/params_to_data.py`` moves literal declarations there). The class keeps its docstring and
its behaviour (hooks, columns).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from .columns import Column, state
from .params import ParamModel, ParamsDataError, module_data
from .state import StateSpec

if TYPE_CHECKING:
    from .engine import Simulation


class NoParams(ParamModel):
    """A mechanism without free parameters."""


#: A module's mechanism declarations: ``<module stem>`` + this suffix, in the module's package.
MECHANISMS_SUFFIX = ".mechanisms.yaml"
#: What a declaration table may set, in the order the files are written (``states`` last: it needs ``key``).
DECLARED = ("key", "label", "summary", "stages", "kernel", "Params", "writes", "target", "target_state",
            "caregiver_level", "states")
_TUPLES = ("stages", "writes")
_STATE_KEYS = ("dtype", "default", "unit", "meaning")


@functools.cache
def mechanisms_data(module: str) -> dict[str, dict[str, Any]]:
    """The declaration tables of ``module`` (dotted name): {class: {attribute: value}}; {} if none."""
    data = module_data(module, MECHANISMS_SUFFIX)
    origin = module.replace(".", "/") + MECHANISMS_SUFFIX
    for name, table in data.items():
        unknown = sorted(set(table) - set(DECLARED))
        if unknown:
            raise ParamsDataError(f"{origin}: {name}: unknown keys {unknown}; allowed: {', '.join(DECLARED)}.")
        for sname, row in (table.get("states") or {}).items():
            if not isinstance(row, dict) or set(row) != set(_STATE_KEYS) or row["dtype"] not in _SPECS:
                raise ParamsDataError(f"{origin}: {name}.states.{sname}: expected dtype (f32, i32 or i8), default, "
                                      "unit and meaning.")
    return data


def _declare(cls: type[Mechanism]) -> None:
    """Set the class attributes its module's declaration table gives and the class body does not."""
    table = mechanisms_data(cls.__module__).get(cls.__name__, {})
    for name in DECLARED:
        if name not in table or name in cls.__dict__:
            continue
        value = table[name]
        if name in _TUPLES:
            value = tuple(value)
        elif name == "Params":
            value = getattr(sys.modules[cls.__module__], value)
        elif name == "states":
            value = owned(cls.key, *(_SPECS[row["dtype"]](sname, row["default"], row["unit"], row["meaning"])
                                     for sname, row in value.items()))
        setattr(cls, name, value)


class Mechanism:
    """A small module of the model.

    Class attributes declare what it is: a short ``key`` (used in scenarios and in the
    plan), its MODEL.md ``label``, the life ``stages`` in which it acts, the ``states`` it
    owns, the states of other mechanisms it ``writes``, and its ``Params`` schema.
    Mechanisms that run inside one fused kernel name it in ``kernel``; the engine
    calls the kernel (made by the composition root, ``attachsim.model``) once per step
    for the whole group, in plan order.

    Results: ``columns(sim)`` declares the people-table columns the mechanism adds beyond
    its float states (which are copied as they are unless listed in ``internal``);
    ``result_columns(sim)`` is the full list, in the order the table shows them.

    Hooks (all optional):

    * ``init_people(sim, ids)``: set the owned states of newly added people;
    * ``step(sim, step)``: work done each week outside a fused kernel;
    * ``finish(sim)``: work done once after the last step.
    """

    key: ClassVar[str] = ""
    label: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    kernel: ClassVar[str | None] = None
    stages: ClassVar[tuple[str, ...]] = ("infancy",)
    states: ClassVar[tuple[StateSpec, ...]] = ()
    #: states owned by other mechanisms that this one writes (checked by the mechanism contract tests)
    writes: ClassVar[tuple[str, ...]] = ()
    #: float states kept out of the people table (scratch or raw counts that a declared column reads instead)
    internal: ClassVar[frozenset[str]] = frozenset()
    #: owned states that are standard-normal additive genetic liabilities: a mechanism that adds children
    #: (M10) passes half of the parent's value on (see :func:`inherit`)
    heritable: ClassVar[tuple[str, ...]] = ()
    Params: ClassVar[type[ParamModel]] = NoParams

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _declare(cls)

    def __init__(self, params: ParamModel | None = None) -> None:
        self.params = params if params is not None else self.Params()

    def written(self, mechanisms: Sequence[Mechanism]) -> set[str]:
        """States of other mechanisms this one writes in a model made of ``mechanisms`` (default: ``writes``)."""
        return set(self.writes)

    def extra_capacity(self, n: int) -> int:
        """Rows this mechanism may add to a population that starts with ``n`` people (births); 0 by default."""
        return 0

    def declared(self) -> tuple[StateSpec, ...]:
        """The states this mechanism owns (by default its class's ``states``)."""
        return type(self).states

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """People-table columns beyond the float states (none by default)."""
        return ()

    def result_columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Every column this mechanism puts in the people table: ``columns`` then its other float states."""
        explicit = self.columns(sim)
        named = {c.name for c in explicit}
        floats = tuple(state(s.name, s.unit, s.meaning) for s in self.declared()
                       if s.dtype == "f32" and s.name not in named and s.name not in self.internal)
        return tuple(Column(c.name, c.dtype, c.unit, c.label, c.aggregate, c.read, c.categories, self.key)
                     for c in (*explicit, *floats))

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Set owned states of new people (defaults are already in place)."""

    def step(self, sim: Simulation, step: int) -> None:
        """Weekly work outside a fused kernel."""

    def finish(self, sim: Simulation) -> None:
        """Work after the last step."""


def f32(name: str, default: float, unit: str, meaning: str) -> StateSpec:
    """A float32 state spec (the owner is filled in by ``owned``)."""
    return StateSpec(name, "f32", default, unit, meaning)


def i32(name: str, default: int, unit: str, meaning: str) -> StateSpec:
    """An int32 state spec."""
    return StateSpec(name, "i32", default, unit, meaning)


def i8(name: str, default: int, unit: str, meaning: str) -> StateSpec:
    """An int8 state spec: a flag or small code (-128..127), such as an assessment result.

    Writes into an int8 row are not range-checked (NumPy wraps silently), so counts that can grow stay int32.
    """
    if not -128 <= default <= 127:
        raise ValueError(f"The default of the int8 state '{name}' must be between -128 and 127. Got {default}.")
    return StateSpec(name, "i8", default, unit, meaning)


def owned(owner: str, *specs: StateSpec) -> tuple[StateSpec, ...]:
    """Stamp the owner's key on its state specs."""
    return tuple(StateSpec(s.name, s.dtype, s.default, s.unit, s.meaning, owner) for s in specs)


_SPECS = {"f32": f32, "i32": i32, "i8": i8}
