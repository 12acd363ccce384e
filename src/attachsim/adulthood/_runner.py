"""Glue between the simulation and the M8 relief-seeking kernel (Numba or NumPy reference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.rng import step_key_np, stream_key
from ._kernel import PER_TYPE_F, PER_TYPE_I, REGULATORS, SCALARS, SHARED_F, SHARED_I, relief_step
from ._reference import relief_step_np

if TYPE_CHECKING:
    from ..core.engine import Simulation


def relief_inputs(sim: Simulation) -> tuple[npt.NDArray[np.int64], ...]:
    """Row indices of the shared and per-regulator states."""
    lay = sim.layout
    rs = np.array([lay.row(x) for x in (*SHARED_F, *SHARED_I)], dtype=np.int64)
    rt_f = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_F], dtype=np.int64)
    rt_i = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_I], dtype=np.int64)
    return rs, rt_f, rt_i


def make_relief(sim: Simulation) -> Callable[[Simulation, int], None]:
    """A callable that runs one week of M8 with the engine chosen for the simulation."""
    rs, rt_f, rt_i = relief_inputs(sim)
    p = sim.scenario.parameters.relief
    sc = np.array([float(getattr(p, name)) for name in SCALARS], dtype=np.float64)
    thresholds = np.array([[getattr(p, f"threshold_{t}_{sex}") for t in REGULATORS] for sex in ("male", "female")],
                          dtype=np.float64)
    access = np.array([getattr(sim.scenario.regulators.access, t) for t in REGULATORS], dtype=np.float64)
    key = stream_key(sim.seed, "m8.use")

    def run(s: Simulation, step: int) -> None:
        skey = step_key_np(key, step)
        if s.engine == "numba":
            relief_step(s.pop.f32, s.pop.i32, rs, rt_f, rt_i, sc, thresholds, access, skey, np.int64(step),
                        np.int64(s.pop.n))
        else:
            relief_step_np(s.pop.f32, s.pop.i32, rs, rt_f, rt_i, sc, thresholds, access, skey, step, s.pop.n)

    return run
