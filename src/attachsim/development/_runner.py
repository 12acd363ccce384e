"""Glue between the simulation and the fused infancy kernel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.parallel import threads_for
from ..core.rng import step_key_np, stream_key
from ..core.timeline import weeks
from ._kernel import B_STATES, F_STATES, I_STATES, PARAM_ORDER, STREAMS, age_tables, development_step

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from ..scenarios.schema import Parameters

LIFESPAN_END_WEEKS = weeks(years=100)


def param_vector(parameters: Parameters) -> npt.NDArray[np.float64]:
    """The kernel's parameter vector, looked up by name in ``PARAM_ORDER``."""
    values = []
    for dotted in PARAM_ORDER:
        group, name = dotted.split(".")
        values.append(float(getattr(getattr(parameters, group), name)))
    return np.array(values, dtype=np.float64)


def kernel_inputs(sim: Simulation) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64],
                                             npt.NDArray[np.float64], list[np.uint64]]:
    """Row indices (float32, int32 and int8 matrices), parameter vector and stream keys for the infancy kernel."""
    rf = np.array([sim.layout.row(name) for name in F_STATES], dtype=np.int64)
    ri = np.array([sim.layout.row(name) for name in I_STATES], dtype=np.int64)
    rb = np.array([sim.layout.row(name) for name in B_STATES], dtype=np.int64)
    keys = [stream_key(sim.seed, s) for s in STREAMS]
    return rf, ri, rb, param_vector(sim.scenario.parameters), keys


def make_infancy(sim: Simulation) -> Callable[[Simulation, int], None]:
    """A callable that advances the population one week with the fused Numba kernel."""
    rf, ri, rb, par, keys = kernel_inputs(sim)
    plasticity, base_rate = age_tables(par, np.int64(LIFESPAN_END_WEEKS))

    def run(s: Simulation, step: int) -> None:
        skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
        with threads_for(s.pop.n):
            development_step(s.pop.f32, s.pop.i32, s.pop.i8, rf, ri, rb, par, skeys, np.int64(step), np.int64(s.pop.n),
                             plasticity, base_rate)

    return run
