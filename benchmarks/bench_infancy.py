"""Agent-steps per second of the infancy step (M1-M6): fused Numba kernel vs the NumPy reference.

Both are measured in the same run on the same population (1,000,000 people by default),
after a warm-up that compiles (or loads from cache) the kernel. Usage:

    python benchmarks/bench_infancy.py [--n 1000000] [--weeks 20]
"""

from __future__ import annotations

import argparse
import time

import numba

import attachsim


def measure(engine: str, n: int, weeks: int) -> float:
    sim = attachsim.simulation("normative", n=n, seed=0, engine=engine)  # type: ignore[arg-type]
    ids = sim.pop.add(n)
    for m in sim.mechanisms:
        m.init_people(sim, ids)
    step = sim._kernel("development")
    step(sim, 0)  # warm-up: compile or load the cached kernel
    t = time.perf_counter()
    for week in range(1, weeks + 1):
        step(sim, week)
    return n * weeks / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--weeks", type=int, default=20)
    args = ap.parse_args()
    fast = measure("numba", args.n, args.weeks)
    ref = measure("numpy", args.n, max(2, args.weeks // 4))
    print(f"infancy step, {args.n:,} people, {numba.get_num_threads()} Numba threads")
    print(f"  numba kernel      : {fast / 1e6:8.1f} M agent-steps/s")
    print(f"  numpy reference   : {ref / 1e6:8.1f} M agent-steps/s")
    print(f"  speed-up          : {fast / ref:8.1f} x")


if __name__ == "__main__":
    main()
