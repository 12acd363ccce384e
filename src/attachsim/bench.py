"""Measure the speed of the weekly step against the machine's memory bandwidth and the NumPy reference.

Everything is measured in the same process and run: the full simulation (every mechanism
that exists, kernel compile or cache load included in the wall time), a large array copy
for the stream bandwidth, and the Numba kernel and the NumPy reference side by side on
the same people and weeks.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from . import simulation
from .development._kernel import F_STATES, I_STATES, READ_ONLY_F, READ_ONLY_I


def bytes_per_agent_step() -> int:
    """Bytes one person's weekly step reads and writes: every kernel state read, the mutable ones written."""
    read = 4 * (len(F_STATES) + len(I_STATES))
    written = 4 * (len(F_STATES) - len(READ_ONLY_F) + len(I_STATES) - len(READ_ONLY_I))
    return read + written


def stream_bandwidth(nbytes: int = 512 * 2**20, repeats: int = 5) -> float:
    """Bytes per second of a large array copy (read + write counted), best of ``repeats``."""
    src = np.ones(nbytes // 8, dtype=np.float64)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2.0 * src.nbytes / best


def _rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def kernel_vs_reference(n: int, weeks: int = 3, scenario: str = "normative") -> dict[str, float]:
    """Agent-steps per second of the Numba kernel and of the NumPy reference on the same people and weeks."""
    rates = {}
    for engine in ("numba", "numpy"):
        sim = simulation(scenario, n=n, seed=0, engine=engine)  # type: ignore[arg-type]
        ids = sim.pop.add(n)
        for m in sim.mechanisms:
            m.init_people(sim, ids)
        step = sim._kernel("development")
        step(sim, 0)  # compile or load from cache; not timed
        t = time.perf_counter()
        for week in range(1, weeks + 1):
            step(sim, week)
        rates[engine] = n * weeks / (time.perf_counter() - t)
    return rates


def run_bench(n: int = 1_000_000, years: float = 40.0, scenario: str = "normative", reference_n: int = 100_000,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run the benchmark and return the measured figures."""
    rss0 = _rss_bytes()
    t0 = time.perf_counter()
    sim = simulation(scenario, n=n, seed=0, years=years)
    sim.run(progress=progress)
    wall = time.perf_counter() - t0
    peak = max(_rss_bytes() - rss0, 0)
    # steady state: the first week (kernel compile or cache load) is left out of the rate, kept in wall_s
    loop_s = sim.timings["steps_s"] - sim.timings["first_step_s"]
    rate = n * max(sim.n_steps - 1, 1) / max(loop_s, 1e-9)
    bw = stream_bandwidth()
    per_step = bytes_per_agent_step()
    bound = bw / per_step
    ref = kernel_vs_reference(min(n, reference_n))
    return {
        "n": n,
        "years": years,
        "steps": sim.n_steps,
        "threads": numba.get_num_threads(),
        "wall_s": wall,
        "steps_s": sim.timings["steps_s"],
        "first_step_s": sim.timings["first_step_s"],
        "agent_steps_per_s": rate,
        "bytes_per_agent_step": per_step,
        "stream_gb_per_s": bw / 1e9,
        "bound_agent_steps_per_s": bound,
        "fraction_of_bound": rate / bound,
        "kernel_agent_steps_per_s": ref["numba"],
        "numpy_reference_agent_steps_per_s": ref["numpy"],
        "speedup_vs_numpy_reference": ref["numba"] / ref["numpy"],
        "state_bytes_per_person": sim.layout.bytes_per_person,
        "peak_bytes_per_person": peak / n,
    }
