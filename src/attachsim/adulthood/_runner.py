"""Glue between the simulation and the adult kernels (M8 relief-seeking, M9 relationships): Numba or NumPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numba as nb
import numpy as np
import numpy.typing as npt

from ..core.laws import for_engine, guard_cache
from ..core.parallel import threads_for
from ..core.rng import step_key_np, stream_key
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, weekly_chance
from ._kernel import (
    M9_CHUNK,
    M9_DERIVED,
    M9_F,
    M9_I,
    M9_PARAMS,
    PER_TYPE_B,
    PER_TYPE_F,
    PER_TYPE_I,
    REGULATORS,
    SCALARS,
    SHARED_B,
    SHARED_F,
    SHARED_I,
    M9FRows,
    M9IRows,
    M9KernelParams,
    ReliefKernelParams,
    SharedRows,
    m9_scratch,
    match_step,
    relationships_step,
    relief_step,
)
from ._reference import relief_step_np
from .relationships import PartnerParams, partner_availability, stress_memory, stress_weekly, weekly_seek
from .relief import pull_weights

if TYPE_CHECKING:
    from ..core.engine import Simulation

#: A weekly step of M9 that has updated couples and singles: the number of single adults and the seekers' ids.
M9Step = Callable[["Simulation", int], tuple[int, npt.NDArray[np.int64]]]


def relief_inputs(sim: Simulation) -> tuple[Any, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows of the shared states (by name) and of the per-regulator states (``PER_TYPE_*`` x ``REGULATORS``)."""
    lay = sim.layout
    rs = SharedRows(*(np.int64(lay.row(x)) for x in (*SHARED_F, *SHARED_I, *SHARED_B)))
    rt_f = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_F], dtype=np.int64)
    rt_i = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_I], dtype=np.int64)
    rt_b = np.array([[lay.row(p.format(t)) for t in REGULATORS] for p in PER_TYPE_B], dtype=np.int64)
    return rs, rt_f, rt_i, rt_b


def make_relief(sim: Simulation) -> Callable[[Simulation, int], None]:
    """A callable that runs one week of M8 with the engine chosen for the simulation."""
    rs, rt_f, rt_i, rt_b = relief_inputs(sim)
    p = sim.scenario.parameters.relief
    par = ReliefKernelParams(*(float(getattr(p, name)) for name in SCALARS))
    thresholds = np.array([[getattr(p, f"threshold_{t}_{sex}") for t in REGULATORS] for sex in ("male", "female")],
                          dtype=np.float64)
    weights = pull_weights(p)
    access = np.array([getattr(sim.scenario.regulators.access, t) for t in REGULATORS], dtype=np.float64)
    key = stream_key(sim.seed, "m8.use")
    start_w = p.start_age * WEEKS_PER_YEAR

    def numba_step(s: Simulation, step: int) -> None:
        with threads_for(s.pop.n):
            relief_step(s.pop.f32, s.pop.i32, s.pop.i8, rs, rt_f, rt_i, rt_b, par, thresholds, weights, access,
                        step_key_np(key, step), np.int64(step), np.int64(s.pop.n))

    def numpy_step(s: Simulation, step: int) -> None:
        relief_step_np(s.pop.f32, s.pop.i32, s.pop.i8, rs, rt_f, rt_i, rt_b, par, thresholds, weights, access,
                       step_key_np(key, step), step, s.pop.n)

    weekly = for_engine(sim.engine, lambda: numba_step, lambda: numpy_step)

    def run(s: Simulation, step: int) -> None:
        if s.oldest_age(step) < start_w:
            return  # nobody has reached the start age: nothing to scan
        weekly(s, step)

    return run


def m9_params(p: PartnerParams, availability: float = 0.85) -> Any:
    """The M9 kernel's :data:`M9KernelParams` record: the parameters by name and the derived weekly values.

    ``availability``: the scenario's ``relationships.partner_availability``.
    """
    derived = {"memory_rate": 1.0 / p.memory_weeks, "breakup_weekly": weekly_chance(p.breakup_per_year),
               "seek_weekly": weekly_seek(p), "stress_weekly": stress_weekly(p), "stress_memory": stress_memory(p),
               "availability": availability}
    return M9KernelParams(*(float(getattr(p, name)) for name in M9_PARAMS), *(derived[k] for k in M9_DERIVED))


def make_relationships(sim: Simulation, p: PartnerParams) -> M9Step:
    """A callable that runs the M9 kernel for one week and returns the number of singles and the seekers' ids."""
    lay = sim.layout
    rf = M9FRows(*(np.int64(lay.row(x)) for x in M9_F))
    ri = M9IRows(*(np.int64(lay.row(x)) for x in M9_I))
    par = m9_params(p, partner_availability(sim))
    keys = [stream_key(sim.seed, name) for name in ("m9.oscillation", "m9.breakup", "m9.seek", "m9.stress")]
    adult_w = np.int64(ADULT_W)
    seekers = np.zeros(sim.pop.capacity, dtype=np.int64)
    counts = np.zeros((sim.pop.capacity + M9_CHUNK - 1) // M9_CHUNK, dtype=np.int64)
    scratch = m9_scratch(sim.pop.capacity)  # couples' scratch (32 + 64 bytes a person)

    def run(s: Simulation, step: int) -> tuple[int, npt.NDArray[np.int64]]:
        skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
        n = s.pop.n
        with threads_for(n):
            singles = relationships_step(s.pop.f32, s.pop.i32, rf, ri, par, skeys, np.int64(step), np.int64(n),
                                         adult_w, seekers, counts, *scratch)
        return int(singles), _gather(seekers, counts[: (n + M9_CHUNK - 1) // M9_CHUNK], np.int64(M9_CHUNK))

    return run


def make_match(sim: Simulation, p: PartnerParams) -> Callable[[Simulation, int, npt.NDArray[np.int64]], None]:
    """A callable that pairs one week's seekers with the kernel :func:`._kernel.match_step`."""
    lay = sim.layout
    rf = M9FRows(*(np.int64(lay.row(x)) for x in M9_F))
    ri = M9IRows(*(np.int64(lay.row(x)) for x in M9_I))
    par = m9_params(p, partner_availability(sim))
    key = stream_key(sim.seed, "m9.match")
    partnerships, sex = np.int64(lay.row("partnerships")), np.int64(lay.row("sex"))

    def run(s: Simulation, step: int, seekers: npt.NDArray[np.int64]) -> None:
        match_step(s.pop.f32, s.pop.i32, s.pop.i8, rf, ri, partnerships, sex, par, step_key_np(key, step), seekers,
                   float(p.match_hyperactivation), float(p.assortment_noise), float(p.start_quality),
                   float(p.start_conflict))

    return run


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


guard_cache(_gather)  # see attachsim.core.laws.guard_cache
