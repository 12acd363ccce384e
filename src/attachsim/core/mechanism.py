"""The mechanism module contract: declared states, parameters and a fixed set of hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
import numpy.typing as npt

from .params import ParamModel
from .state import StateSpec

if TYPE_CHECKING:
    from .engine import Simulation


class NoParams(ParamModel):
    """A mechanism without free parameters."""


class Mechanism:
    """A small module of the model.

    Class attributes declare what it is: a short ``key`` (used in scenarios and in the
    plan), its MODEL.md ``label``, the ``states`` it owns and its ``Params`` schema.
    Mechanisms that run inside one fused kernel name it in ``kernel``; the engine
    calls the kernel once per step for the whole group, in plan order.

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
    Params: ClassVar[type[ParamModel]] = NoParams

    def __init__(self, params: ParamModel | None = None) -> None:
        self.params = params if params is not None else self.Params()

    def declared(self) -> tuple[StateSpec, ...]:
        """The states this mechanism owns (by default its class's ``states``)."""
        return type(self).states

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
