"""How fast could the lifespan run be if random numbers cost nothing? A floor for the speed targets.

Runs the same lifespan simulation twice on this machine, side by side in one process:

1. as shipped;
2. with every random draw in the two largest kernels (the development step, M1-M7, and relief-seeking,
   M8) replaced by a fixed value: weekly counts become their expected values rounded, normal draws 0,
   uniform draws 0.5. What is left is the model's own arithmetic and memory traffic, person by person,
   week by week.

It prints each kernel's and hook's seconds in both runs and the whole run's time projected to
1,000,000 people (cost is linear in people: see ``benchmarks/scaling.py``). Run 2 is not a
model anyone should use (it has no randomness); it bounds from below what any cheaper random
number scheme could reach with the model as specified (weekly steps, counts drawn per week).

    python benchmarks/kernel_floor.py [--n 100000] [--years 40]

The variant kernels are built from the shipped kernels' source by text substitution; every
substitution must match, so a change to a kernel makes this script fail instead of measuring
something else.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import re
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numba

import attachsim
from attachsim.adulthood import _kernel as adult_kernel
from attachsim.adulthood import _runner as adult_runner
from attachsim.development import _kernel as dev_kernel
from attachsim.development import _runner as dev_runner

MEAN_COUNT = '''

@nb.njit(cache=True, inline="always")
def _mean_count(n, p):  # type: ignore[no-untyped-def]
    """The expected count of a binomial, rounded (the floor's stand-in for a draw)."""
    if n <= 0 or p <= 0.0:
        return 0
    return min(n, np.int64(n * min(p, 1.0) + 0.5))


@nb.njit(cache=True)
def _mean_poisson_lanes(lam, k, m):  # type: ignore[no-untyped-def]
    """The expected counts of a block's Poisson draws, rounded."""
    for lane in range(m):
        k[lane] = np.int64(lam[lane] + 0.5)


@nb.njit(cache=True)
def _mean_count_lanes(n, p, k, prob, s, r, nw, nwf, ud, idx, kd, m):  # type: ignore[no-untyped-def]
    """The expected counts of a block's binomial draws, rounded."""
    for lane in range(m):
        k[lane] = _mean_count(n[lane], p[lane])
'''


def _substitute(source: str, pairs: list[tuple[str, str]], regexes: list[tuple[str, str, int]],
                package: str) -> str:
    for old, new in pairs:
        if old not in source:
            raise SystemExit(f"kernel_floor: '{old}' is no longer in the kernel; update this script.")
        source = source.replace(old, new)
    for pattern, new, expected in regexes:
        source, count = re.subn(pattern, new, source)
        if count != expected:
            raise SystemExit(f"kernel_floor: pattern {pattern!r} matched {count} times, expected {expected}.")
    # the variant is loaded as a top-level module: its relative imports become absolute
    source = re.sub(r"^from \.\.", "from attachsim.", source, flags=re.M)
    source = re.sub(r"^from \. import", f"from {package} import", source, flags=re.M)
    return re.sub(r"^from \.", f"from {package}.", source, flags=re.M)


def _load(name: str, source: str, where: Path) -> ModuleType:
    path = where / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def floor_kernels(where: Path) -> tuple[ModuleType, ModuleType]:
    """The development and relief kernels with their random draws replaced by fixed values."""
    dev = _substitute(
        inspect.getsource(dev_kernel),
        [("normal_lanes(Wf[W_UC0], Wf[W_UC1], V[V_Z0], m)", "V[V_Z0, :m] = 0.0"),
         ("normal_lanes(Wf[W_UC2], Wf[W_UC3], z2, m)", "z2[:m] = 0.0"),
         ("normal_nb(pkc, 6)", "0.0"),
         ("uniform_nb(pkc_l[lane], 4) < div_h", "False"), ("uniform_nb(pkc_l[lane], 5) < inc_h", "False"),
         ("uniform_nb(pkc_l[lane], 5) < turnover_h", "False"), ("uniform_nb(pk2_l[lane], 8)", "0.5"),
         ("V[V_U4, lane] < div_h", "False"), ("V[V_U5, lane] < inc_h", "False"),
         ("V[V_U5, lane] < turnover_h", "False"),
         ("poisson_inv_lanes(Wf[W_U10], V[V_LAM], n_ep_l, prob, s, ud, r, idx, kd, m)",
          "_mean_poisson_lanes(V[V_LAM], n_ep_l, m)")],
        [(r"binomial_inv_lanes\((?:Wf\[W_U\d\d\]|u28), ", "_mean_count_lanes(", 6),
         (r"uniform_nb\(pk2, (?:4 \+ k|7)\)", "0.5", 2),
         (r"    uniform_lanes\(pk[c12]_l, \d, Wf\[W_U\w+\], m\)\n", "", 10),
         (r" *uniform_lanes\(pkc_l, [45], V\[V_U[45]\], m\)\n", "", 3)],
        "attachsim.development",
    )
    dev = dev.replace("\nPARAM_ORDER = (", MEAN_COUNT + "\n\nPARAM_ORDER = (", 1)
    relief = _substitute(inspect.getsource(adult_kernel), [],
                         [(r"uniform_from_offset\(pk\[j\], use_offset \+ lapse_offset\)"
                           r"|uniform_nb\(pk\[j\], 3 \* t \+ 2\)", "0.5", 2)],
                         "attachsim.adulthood")
    return _load("attachsim_floor_development", dev, where), _load("attachsim_floor_relief", relief, where)


def run_once(n: int, years: float) -> tuple[float, dict[str, float]]:
    sim = attachsim.simulation("normative", n=n, seed=0, years=years)
    t = time.perf_counter()
    sim.run()
    return time.perf_counter() - t, dict(sim.sections)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--years", type=float, default=40.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dev_floor, relief_floor = floor_kernels(Path(tmp))
        # compile both versions before timing (a short run that reaches adulthood)
        run_once(5_000, 19.0)
        shipped_wall, shipped = run_once(args.n, args.years)
        saved = dev_runner.development_step, adult_runner.relief_step
        dev_runner.development_step = dev_floor.development_step
        adult_runner.relief_step = relief_floor.relief_step
        try:
            run_once(5_000, 19.0)
            floor_wall, floor = run_once(args.n, args.years)
        finally:
            dev_runner.development_step, adult_runner.relief_step = saved
    scale = 1_000_000 / args.n
    print(f"{args.n:,} people x {args.years:g} years, {numba.get_num_threads()} threads; seconds")
    print(f"{'section':<32}{'shipped':>10}{'no draws':>10}")
    for key in shipped:
        print(f"{key:<32}{shipped[key]:>10.2f}{floor.get(key, float('nan')):>10.2f}")
    print(f"{'whole run':<32}{shipped_wall:>10.2f}{floor_wall:>10.2f}")
    print(f"projected to 1,000,000 people: shipped {shipped_wall * scale:.0f} s, "
          f"without any random draws {floor_wall * scale:.0f} s (issue 16 target: 100 s)")
    dev_floor_1m = floor["kernel:development"] * scale
    print(f"the development kernel alone, without random draws: {dev_floor_1m:.0f} s for 1,000,000 people")


if __name__ == "__main__":
    main()
