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
from .adulthood import _kernel as adult
from .core.state import ITEM_BYTES
from .development._kernel import B_STATES, F_STATES, I_STATES, READ_ONLY_F, READ_ONLY_I


def bytes_by_kernel() -> dict[str, int]:
    """Bytes one adult's weekly step reads and writes in each kernel, from the kernels' state lists.

    Every state a kernel reads counts once (4 bytes, 1 for an int8 code) and every state it writes in a usual
    week once more: the development step writes all but its read-only states; relief-seeking reads arousal,
    regulation, birth week, sex and seven states per regulator and writes arousal and habit, tolerance and recent
    use per regulator; the relationships pass reads its states and writes quality, conflict, the partner's
    responsiveness, pursuit, withdrawal, intrusion and external stress (or the single weeks), and for a partnered
    adult writes a 32-byte and a 64-byte scratch row, reads its own and the partner's of each, and rewrites the
    64-byte row once (the partner's states are read through those rows).
    """
    n_reg = len(adult.REGULATORS)
    return {
        "development": 4 * (len(F_STATES) + len(I_STATES)) + len(B_STATES)
        + 4 * (len(F_STATES) - len(READ_ONLY_F) + len(I_STATES) - len(READ_ONLY_I)) + len(B_STATES),
        "relief": 4 * (len(adult.SHARED_F) + len(adult.SHARED_I)
                       + n_reg * (len(adult.PER_TYPE_F) + len(adult.PER_TYPE_I)))
        + len(adult.SHARED_B) + n_reg * len(adult.PER_TYPE_B)
        + 4 * (1 + 3 * n_reg),
        "relationships": 4 * (len(adult.M9_F) + len(adult.M9_I)) + 3 * 8 * adult.M9_P1_WIDTH
        + 4 * 8 * adult.M9_P2_WIDTH + 4 * 7,
    }


def bytes_per_agent_step() -> int:
    """Bytes one person's weekly step reads and writes, summed over the kernels (an adult runs all three)."""
    return sum(bytes_by_kernel().values())


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


#: Owners of states that are assessment results (written once, at the age of assessment), not model state.
RESULTS = ("strange_situation", "lifespan_assessments")


def _rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _current_rss_bytes() -> int:
    """Resident memory now (Linux /proc; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:
        return _rss_bytes()


def _weekly_step(n: int, scenario: str, years: float, engine: str,
                 interleaved: bool) -> Callable[[int], None]:
    """The whole weekly step (every kernel and hook) of ``n`` people whose ages are spread over ``years``.

    People are in birth order, as in every run (ids are given at birth: a cohort's people are neighbours, so a
    block of the wide kernels shares one age); ``interleaved`` scatters the ages instead (id x 7919 modulo the
    span), so that every block of 128 people holds ages from the whole lifespan: a layout no run has, kept to show
    what it costs. Returns a function that runs week ``w``.
    """
    sim = simulation(scenario, n=n, seed=0, engine=engine, years=years)  # type: ignore[arg-type]
    ids = sim.pop.add(n)
    for m in sim.mechanisms:
        m.init_people(sim, ids)
    span = max(1, sim.n_steps)
    if interleaved:
        sim.pop["birth_step"][:] = -((ids.astype(np.int64) * 7919) % span)  # no cohort index: no age is skipped
    else:
        sim.pop["birth_step"][:] = -((ids.astype(np.int64) * span) // n)  # oldest first, every age (n >= span)
    groups = sim._groups()

    def week(step: int) -> None:
        sim.step_now = step
        for kernel, members in groups:
            if kernel is not None:
                sim._kernel(kernel)(sim, step)
            else:
                for m in members:
                    m.step(sim, step)

    return week


def full_step_rate(n: int, weeks: int = 3, scenario: str = "normative", years: float = 40.0,
                   engine: str = "numba", interleaved: bool = False) -> float:
    """Agent-steps per second of the whole weekly step (every kernel and hook) with one engine.

    The ``n`` people's ages are spread evenly over ``years`` (so that every kernel and hook has its share
    of work, as on average over a lifespan run; see :func:`_weekly_step`); they run ``weeks`` weeks after one
    untimed week that compiles the kernels or loads them from the cache.
    """
    week = _weekly_step(n, scenario, years, engine, interleaved)
    week(0)
    t = time.perf_counter()
    for w in range(1, weeks + 1):
        week(w)
    return n * weeks / (time.perf_counter() - t)


#: Rounds of :func:`kernel_vs_reference`: the engines take turns this many times, so that the ratio is read
#: side by side in one run and its spread shows (the NumPy reference's rate varies by about 20% from run to run).
REFERENCE_ROUNDS = 3


def kernel_vs_reference(n: int, weeks: int = 3, scenario: str = "normative", years: float = 40.0,
                        rounds: int = REFERENCE_ROUNDS) -> dict[str, Any]:
    """Agent-steps per second of the whole weekly step with the Numba kernels and with the NumPy reference.

    Both run on the same people (ages spread over ``years``, in birth order; see :func:`_weekly_step`);
    ``numba_interleaved`` is the kernels' rate with the ages scattered over the blocks. After an untimed first
    week each, the three take turns for ``rounds`` rounds of ``weeks`` weeks (each continuing its own weeks);
    the rates are the medians over the rounds, and ``ratios`` the kernels-to-reference ratio of every round.
    """
    engines = {"numba": ("numba", False), "numpy": ("numpy", False), "numba_interleaved": ("numba", True)}
    steps = {k: _weekly_step(n, scenario, years, engine, inter) for k, (engine, inter) in engines.items()}
    for week in steps.values():
        week(0)
    per_round: dict[str, list[float]] = {k: [] for k in engines}
    for r in range(rounds):
        for k, week in steps.items():
            t = time.perf_counter()
            for w in range(1 + r * weeks, 1 + (r + 1) * weeks):
                week(w)
            per_round[k].append(n * weeks / (time.perf_counter() - t))
    out: dict[str, Any] = {k: float(np.median(v)) for k, v in per_round.items()}
    out["ratios"] = [a / b for a, b in zip(per_round["numba"], per_round["numpy"], strict=True)]
    out["ratios_interleaved"] = [a / b for a, b in zip(per_round["numba_interleaved"], per_round["numpy"],
                                                       strict=True)]
    return out


def run_bench(n: int = 1_000_000, years: float = 40.0, scenario: str = "normative", reference_n: int = 100_000,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run the benchmark and return the measured figures."""
    rss0 = _rss_bytes()
    now0 = _current_rss_bytes()
    at_end: list[int] = []

    def watch(done: int, total: int) -> None:
        if done == total:
            at_end.append(_current_rss_bytes())  # after the last week, before the results table is built
        if progress is not None:
            progress(done, total)

    t0 = time.perf_counter()
    sim = simulation(scenario, n=n, seed=0, years=years)
    sim.run(progress=watch)
    wall = time.perf_counter() - t0
    peak = max(_rss_bytes() - rss0, 0)
    simulating = max(at_end[0] - now0, 0) if at_end else peak
    # steady state: the first week (kernel compile or cache load) is left out of the rate, kept in wall_s
    loop_s = sim.timings["steps_s"] - sim.timings["first_step_s"]
    rate = n * max(sim.n_steps - 1, 1) / max(loop_s, 1e-9)
    bw = stream_bandwidth()
    per_step = bytes_per_agent_step()
    bound = bw / per_step
    ref = kernel_vs_reference(min(n, reference_n), scenario=scenario, years=years)
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
        "speedup_vs_numpy_reference": float(np.median(ref["ratios"])),
        "speedup_vs_numpy_reference_interleaved_ages": float(np.median(ref["ratios_interleaved"])),
        "speedup_vs_numpy_reference_by_round": ref["ratios"],
        "state_bytes_per_person": sim.layout.bytes_per_person,
        "model_state_bytes_per_person": sum(ITEM_BYTES[spec.dtype] for spec in sim.layout.specs.values()
                                            if spec.owner not in RESULTS),
        "peak_bytes_per_person": peak / n,
        "simulation_bytes_per_person": simulating / n,
        "bytes_per_agent_step_by_kernel": bytes_by_kernel(),
        "sections_s": dict(sim.sections),
        "collect_s": sim.timings["collect_s"],
    }
