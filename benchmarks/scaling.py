"""Cost grows linearly with people: agent-steps per second of the whole weekly step at several sizes.

Every kernel and hook runs on people whose ages are spread evenly over 40 years (the average mix
of ages of a lifespan run), for a few weeks after one untimed week (compile or cache load). A
constant rate across sizes means cost proportional to people; the years of a run multiply it.

The sizes take turns (``--rounds`` rounds of ``--weeks`` weeks each, every population continuing its own
weeks), so that a slow spell of the machine falls on every size alike; each size's rate is the median over
the rounds, and every round's rate is printed beside it (single readings varied 10-20% from run to run).

    python benchmarks/scaling.py [--sizes 100000 1000000 4000000] [--weeks 5] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import time

import numba
import numpy as np

from attachsim.bench import _weekly_step


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 4_000_000])
    ap.add_argument("--weeks", type=int, default=5)
    ap.add_argument("--years", type=float, default=40.0)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    steps = {}
    for n in args.sizes:
        steps[n] = _weekly_step(n, "normative", args.years, "numba", False)
        steps[n](0)  # untimed: compile or cache load
    rates: dict[int, list[float]] = {n: [] for n in args.sizes}
    for r in range(args.rounds):
        for n, week in steps.items():
            t = time.perf_counter()
            for w in range(1 + r * args.weeks, 1 + (r + 1) * args.weeks):
                week(w)
            rates[n].append(n * args.weeks / (time.perf_counter() - t))
    rows = []
    base = float(np.median(rates[args.sizes[0]]))
    for n in args.sizes:
        med = float(np.median(rates[n]))
        rows.append({"n": n, "agent_steps_per_s": med, "by_round": rates[n], "relative_to_smallest": med / base})
        rounds = " ".join(f"{x / 1e6:.2f}" for x in rates[n])
        print(f"{n:>10,} people: {med / 1e6:7.2f} M agent-steps/s (median; rounds {rounds}; "
              f"{med / base:.2f} of the smallest; {numba.get_num_threads()} threads)", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
