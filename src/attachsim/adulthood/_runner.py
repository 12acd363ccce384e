"""Glue between the simulation and the M8 relief-seeking kernel (Numba or NumPy reference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numba as nb
import numpy as np
import numpy.typing as npt

from ..core.parallel import threads_for
from ..core.rng import step_key_np, stream_key
from ..core.timeline import weeks
from ._kernel import (
    M9_BUF_WIDTH,
    M9_CHUNK,
    M9_F,
    M9_I,
    PER_TYPE_B,
    PER_TYPE_F,
    PER_TYPE_I,
    REGULATORS,
    SCALARS,
    SHARED_B,
    SHARED_F,
    SHARED_I,
    relationships_step,
    relief_step,
)
from ._reference import relief_step_np

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from .relationships import PartnerParams


def relief_inputs(sim: Simulation) -> tuple[npt.NDArray[np.int64], ...]:
    """Row indices of the shared and per-regulator states."""
    lay = sim.layout
    rs = np.array([lay.row(x) for x in (*SHARED_F, *SHARED_I, *SHARED_B)], dtype=np.int64)
    rt_f = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_F], dtype=np.int64)
    rt_i = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_I], dtype=np.int64)
    rt_b = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_B], dtype=np.int64)
    return rs, rt_f, rt_i, rt_b


def make_relief(sim: Simulation) -> Callable[[Simulation, int], None]:
    """A callable that runs one week of M8 with the engine chosen for the simulation."""
    rs, rt_f, rt_i, rt_b = relief_inputs(sim)
    p = sim.scenario.parameters.relief
    sc = np.array([float(getattr(p, name)) for name in SCALARS], dtype=np.float64)
    thresholds = np.array([[getattr(p, f"threshold_{t}_{sex}") for t in REGULATORS] for sex in ("male", "female")],
                          dtype=np.float64)
    access = np.array([getattr(sim.scenario.regulators.access, t) for t in REGULATORS], dtype=np.float64)
    key = stream_key(sim.seed, "m8.use")
    start_w = p.start_age * 52.1775

    def run(s: Simulation, step: int) -> None:
        if s.oldest_age(step) < start_w:
            return  # nobody has reached the start age: nothing to scan
        skey = step_key_np(key, step)
        if s.engine == "numba":
            with threads_for(s.pop.n):
                relief_step(s.pop.f32, s.pop.i32, s.pop.i8, rs, rt_f, rt_i, rt_b, sc, thresholds, access, skey,
                            np.int64(step),
                            np.int64(s.pop.n))
        else:
            relief_step_np(s.pop.f32, s.pop.i32, s.pop.i8, rs, rt_f, rt_i, rt_b, sc, thresholds, access, skey, step,
                           s.pop.n)

    return run


def make_relationships(sim: Simulation, p: PartnerParams) -> Callable[[Simulation, int],
                                                                       tuple[int, npt.NDArray[np.int64]]]:
    """A callable that runs the M9 kernel for one week and returns the number of singles and the seekers' ids."""
    lay = sim.layout
    rf = np.array([lay.row(x) for x in M9_F], dtype=np.int64)
    ri = np.array([lay.row(x) for x in M9_I], dtype=np.int64)
    par = np.array([
        p.oscillation, 1.0 / p.memory_weeks, 1.0 - (1.0 - p.breakup_per_year) ** (1.0 / 52.1775),
        p.breakup_conflict, p.breakup_quality, 1.0 - (1.0 - min(p.seek_per_year, 0.999)) ** (1.0 / 52.1775),
        p.seek_anxiety, p.seek_avoidance], dtype=np.float64)
    keys = [stream_key(sim.seed, name) for name in ("m9.oscillation", "m9.breakup", "m9.seek")]
    adult_w = np.int64(weeks(years=18))
    seekers = np.zeros(sim.pop.capacity, dtype=np.int64)
    counts = np.zeros((sim.pop.capacity + M9_CHUNK - 1) // M9_CHUNK, dtype=np.int64)
    buf = _aligned_rows(sim.pop.capacity, M9_BUF_WIDTH)  # couples' scratch (64 bytes a person, one cache line)

    def run(s: Simulation, step: int) -> tuple[int, npt.NDArray[np.int64]]:
        skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
        n = s.pop.n
        with threads_for(n):
            singles = relationships_step(s.pop.f32, s.pop.i32, rf, ri, par, skeys, np.int64(step), np.int64(n),
                                         adult_w, seekers, counts, buf)
        return int(singles), _gather(seekers, counts[: (n + M9_CHUNK - 1) // M9_CHUNK], np.int64(M9_CHUNK))

    return run


def _aligned_rows(rows: int, width: int, align: int = 64) -> npt.NDArray[np.float64]:
    """A zeroed C-contiguous (rows, width) float64 array whose first byte sits on an ``align``-byte boundary."""
    raw = np.zeros(rows * width + align // 8, dtype=np.float64)
    skip = (-raw.ctypes.data % align) // 8
    out: npt.NDArray[np.float64] = raw[skip: skip + rows * width].reshape(rows, width)
    return out


@nb.njit(cache=True)
def _gather(buffer, counts, chunk):  # type: ignore[no-untyped-def]
    """The seekers of every chunk, in chunk order (so in ascending ids)."""
    out = np.empty(counts.sum(), dtype=np.int64)
    k = 0
    for c in range(counts.shape[0]):
        for j in range(counts[c]):
            out[k] = buffer[c * chunk + j]
            k += 1
    return out
