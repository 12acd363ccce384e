"""Declared states: each mechanism names the arrays it owns in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

DType = Literal["f32", "i32", "i8"]
#: Bytes per person of one state of each type.
ITEM_BYTES = {"f32": 4, "i32": 4, "i8": 1}


@dataclass(frozen=True)
class StateSpec:
    """One per-person array: its name, type, default at birth, unit and meaning."""

    name: str
    dtype: DType
    default: float
    unit: str
    meaning: str
    owner: str = ""


class Layout:
    """Row indices of every declared state in the population's three state matrices.

    Float states live in one ``float32`` matrix and integer states (links, counters,
    weeks) in one ``int32`` matrix, one row per state, so that a kernel streams over
    contiguous rows and a state is a zero-copy view. Flags and small codes (sex, ACE
    flags, use state, assessment classifications and ratings: -128..127) live in a
    third, ``int8``, matrix; kernels that read or write them take it as an argument.
    """

    def __init__(self, specs: Iterable[StateSpec]) -> None:
        self.specs: dict[str, StateSpec] = {}
        for spec in specs:
            if spec.name in self.specs:
                other = self.specs[spec.name].owner
                raise ValueError(f"State '{spec.name}' is declared twice (by '{other}' and '{spec.owner}').")
            self.specs[spec.name] = spec
        self.f32 = [s.name for s in self.specs.values() if s.dtype == "f32"]
        self.i32 = [s.name for s in self.specs.values() if s.dtype == "i32"]
        self.i8 = [s.name for s in self.specs.values() if s.dtype == "i8"]
        self._row = ({name: i for i, name in enumerate(self.f32)} | {name: i for i, name in enumerate(self.i32)}
                     | {name: i for i, name in enumerate(self.i8)})

    def row(self, name: str) -> int:
        """Row of ``name`` in its matrix."""
        try:
            return self._row[name]
        except KeyError:
            raise KeyError(f"Unknown state '{name}'. Declared states: {', '.join(sorted(self.specs))}.") from None

    def __contains__(self, name: object) -> bool:
        return name in self.specs

    @property
    def bytes_per_person(self) -> int:
        """Bytes of state per person (4 bytes per float32 or int32 state, 1 per int8 state)."""
        return sum(ITEM_BYTES[s.dtype] for s in self.specs.values())
