"""Glue between the simulation and the fused development kernel (Numba) or its NumPy reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.laws import for_engine
from ..core.parallel import threads_for
from ..core.rng import step_key_np, stream_key
from ..core.timeline import weeks
from ._kernel import (
    B_STATES,
    F_STATES,
    I_STATES,
    PARAM_ORDER,
    STREAMS,
    BRows,
    FRows,
    IRows,
    KernelParams,
    age_tables,
    development_step,
)

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from ..scenarios.schema import Parameters

LIFESPAN_END_WEEKS = weeks(years=100)


def kernel_params(parameters: Parameters) -> Any:
    """The kernel's :data:`KernelParams` record, each field looked up by its dotted name in ``PARAM_ORDER``."""
    values = []
    for dotted in PARAM_ORDER:
        group, name = dotted.split(".")
        values.append(float(getattr(getattr(parameters, group), name)))
    return KernelParams(*values)


def kernel_inputs(sim: Simulation) -> tuple[Any, Any, Any, Any, list[np.uint64]]:
    """State rows by name (float32, int32 and int8 matrices), parameters by name and stream keys for the kernel."""
    rf = FRows(*(np.int64(sim.layout.row(name)) for name in F_STATES))
    ri = IRows(*(np.int64(sim.layout.row(name)) for name in I_STATES))
    rb = BRows(*(np.int64(sim.layout.row(name)) for name in B_STATES))
    keys = [stream_key(sim.seed, s) for s in STREAMS]
    return rf, ri, rb, kernel_params(sim.scenario.parameters), keys


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


def make_development(sim: Simulation) -> Callable[[Simulation, int], None]:
    """The development step for the simulation's engine: the fused Numba kernel or the NumPy reference."""

    def numpy() -> Callable[[Simulation, int], None]:
        from ._reference import make_infancy as make_reference

        return make_reference(sim)

    return for_engine(sim.engine, lambda: make_infancy(sim), numpy)
