"""The population: a struct of arrays with preallocated capacity and stable ids."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .state import Layout


class Population:
    """People as rows of three state matrices (float32, int32 and int8), one row per state.

    Capacity is allocated up front; ``add`` appends people at the end and never
    reindexes, so a person's id is their column and never changes.
    """

    def __init__(self, layout: Layout, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"The 'capacity' of a population must be at least 1. Got {capacity} instead.")
        self.layout = layout
        self.capacity = int(capacity)
        self.n = 0
        self.f32 = np.empty((len(layout.f32), self.capacity), dtype=np.float32)
        self.i32 = np.empty((len(layout.i32), self.capacity), dtype=np.int32)
        self.i8 = np.empty((len(layout.i8), self.capacity), dtype=np.int8)

    def add(self, count: int) -> npt.NDArray[np.int32]:
        """Append ``count`` people with every state at its declared default; return their ids."""
        if count < 0 or self.n + count > self.capacity:
            raise ValueError(
                f"Cannot add {count} people: {self.n} of {self.capacity} places are used."
            )
        start, stop = self.n, self.n + count
        for name in self.layout.f32:
            self.f32[self.layout.row(name), start:stop] = self.layout.specs[name].default
        for name in self.layout.i32:
            self.i32[self.layout.row(name), start:stop] = self.layout.specs[name].default
        for name in self.layout.i8:
            self.i8[self.layout.row(name), start:stop] = self.layout.specs[name].default
        self.n = stop
        ids = np.arange(start, stop, dtype=np.int32)
        self["id"][start:stop] = ids
        return ids

    def __getitem__(self, name: str) -> npt.NDArray[np.float32] | npt.NDArray[np.int32] | npt.NDArray[np.int8]:
        """A writable view of one state over the active people."""
        spec = self.layout.specs.get(name)
        if spec is None:
            self.layout.row(name)  # raises a KeyError listing the declared states
            raise AssertionError("unreachable")
        row = self.layout.row(name)
        if spec.dtype == "f32":
            return self.f32[row, : self.n]
        if spec.dtype == "i32":
            return self.i32[row, : self.n]
        return self.i8[row, : self.n]

    def copy(self) -> Population:
        """A deep copy (used to run two engines from the same starting state)."""
        other = Population(self.layout, self.capacity)
        other.n = self.n
        other.f32[:] = self.f32
        other.i32[:] = self.i32
        other.i8[:] = self.i8
        return other
