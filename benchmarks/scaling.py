"""Cost grows linearly with people: agent-steps per second of the whole weekly step at several sizes.

Every kernel and hook runs on people whose ages are spread evenly over 40 years (the average mix
of ages of a lifespan run), for a few weeks after one untimed week (compile or cache load). A
constant rate across sizes means cost proportional to people; the years of a run multiply it.

    python benchmarks/scaling.py [--sizes 100000 1000000 4000000] [--weeks 5]
"""

from __future__ import annotations

import argparse
import json

import numba

from attachsim.bench import full_step_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 4_000_000])
    ap.add_argument("--weeks", type=int, default=5)
    ap.add_argument("--years", type=float, default=40.0)
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        rate = full_step_rate(n, weeks=args.weeks, years=args.years)
        rows.append({"n": n, "agent_steps_per_s": rate})
        print(f"{n:>10,} people: {rate / 1e6:7.2f} M agent-steps/s ({numba.get_num_threads()} threads)", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
