"""The blocked (wide) development kernel against the scalar one it replaced, side by side in one process.

The scalar kernel (one person at a time, as shipped before issue 16) is loaded from git history
(commit ``SCALAR_COMMIT``) into a module of its own; both kernels then run the same lifespan
simulation, alternately, and the script prints the development kernel's seconds in each run, their
ratio, and whether the people tables are identical (they must be: the wide kernel keeps every draw).

    python benchmarks/wide_development.py [--n 20000] [--years 40] [--repeats 1]
    python benchmarks/wide_development.py --weeks 20 [--n 20000]      # kernel calls only, interleaved
    python benchmarks/wide_development.py --weeks 6 --stage childhood --against c232b67   # one life stage,
        # this tree's kernel against the blocked kernel of an earlier commit (instead of the scalar one)

Run it with ``NUMBA_NUM_THREADS=1`` for a per-core figure. The machine may be shared: the ratio of
the two kernels within one process is the figure to read, not the seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import inspect
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numba
import numpy as np

import attachsim
from attachsim.core.rng import step_key_np
from attachsim.development import _runner as dev_runner

#: The last commit with the scalar development kernel.
SCALAR_COMMIT = "6882e65"
KERNEL_PATH = "src/attachsim/development/_kernel.py"


#: Ages (weeks) of each life stage for ``--stage``: the kernel's three paths (caregiver as drawn, caregiver with
#: drift and family events, close others and partners).
STAGES = {"infancy": (0, 104), "childhood": (104, 939), "adulthood": (939, 2087)}


def _module_from_git(commit: str, path_in_repo: str, name: str, edit: Callable[[str], str]) -> ModuleType:
    """The file ``path_in_repo`` of ``commit``, its source passed through ``edit``, as module ``name``."""
    root = Path(__file__).resolve().parent.parent
    source = edit(subprocess.run(["git", "show", f"{commit}:{path_in_repo}"], cwd=root, check=True,
                                 capture_output=True, text=True).stdout)
    where = Path(tempfile.gettempdir()) / name  # a stable folder: Numba's cache is kept
    where.mkdir(exist_ok=True)
    path = where / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def scalar_kernel(commit: str = SCALAR_COMMIT) -> ModuleType:
    """The development kernel of ``commit`` (by default the scalar one) with that commit's ``core/rng.py``.

    Both are loaded as modules of their own, so that the lane helpers (Box-Muller, the inversions) are the
    commit's too; the laws and ``core/vexp.py`` are this tree's.
    """
    rng = _module_from_git(commit, "src/attachsim/core/rng.py", f"attachsim_rng_{commit}",
                           lambda src: re.sub(r"^from \.", "from attachsim.core.", src, flags=re.M))

    def edit(source: str) -> str:
        source = source.replace("from ..core.rng import", f"from {rng.__name__} import")
        source = re.sub(r"^from \.\.", "from attachsim.", source, flags=re.M)
        return re.sub(r"^from \. import", "from attachsim.development import", source, flags=re.M)

    name = "attachsim_scalar_development" if commit == SCALAR_COMMIT else f"attachsim_development_{commit}"
    return _module_from_git(commit, KERNEL_PATH, name, edit)


def blocked_kernel(block: int) -> ModuleType:
    """The shipped (wide) development kernel with ``BLOCK = block``, as a module of its own (for block sizes)."""
    from attachsim.development import _kernel as wide

    source = inspect.getsource(wide)
    if "\nBLOCK = " not in source:
        raise SystemExit("wide_development: the kernel no longer sets BLOCK; update this script.")
    source = re.sub(r"^BLOCK = \d+", f"BLOCK = {block}", source, flags=re.M)
    source = re.sub(r"^from \.\.", "from attachsim.", source, flags=re.M)
    source = re.sub(r"^from \. import", "from attachsim.development import", source, flags=re.M)
    name = f"attachsim_wide_development_{block}"
    where = Path(tempfile.gettempdir()) / name
    where.mkdir(exist_ok=True)
    path = where / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def run_once(step: Callable[..., Any], n: int, years: float) -> tuple[float, float, str]:
    """Kernel seconds, whole-run seconds and the people table's digest of one run with ``step`` as the kernel."""
    saved = dev_runner.development_step
    dev_runner.development_step = step
    try:
        sim = attachsim.simulation("normative", n=n, seed=0, years=years)
        t = time.perf_counter()
        res = sim.run()
        wall = time.perf_counter() - t
    finally:
        dev_runner.development_step = saved
    people = res.people
    digest = hashlib.sha256(people.to_csv(index=False).encode()).hexdigest()
    return sim.sections["kernel:development"], wall, digest


def weekly_calls(variants: dict[str, Callable[..., Any]], n: int, weeks: int, years: float,
                 stage: str = "") -> None:
    """Kernel-only timing: the same week of ``n`` people (ages spread over ``years``) run by each kernel in turn.

    Each week every variant starts from the same states (a copy) and must end with the same states; the
    best of the week's repeats is kept, so that other load on the machine counts as little as possible.
    """
    sim = attachsim.simulation("normative", n=n, seed=0, years=years)
    ids = sim.pop.add(n)
    for m in sim.mechanisms:
        m.init_people(sim, ids)
    # with --stage, every age stays inside the stage for all the weeks run (so every block is in one stage, as in a
    # cohort run); otherwise ages are spread over the years
    lo, hi = (STAGES[stage][0], STAGES[stage][1] - weeks) if stage else (0, max(1, sim.n_steps))
    sim.pop["birth_step"][:] = -(lo + (ids.astype(np.int64) * 7919) % (hi - lo))
    if stage == "adulthood":  # half of the adults partnered (neighbours), as M9 leaves about half of them
        part = ids[(ids.astype(np.int64) * 2654435761) % 100 < 50]
        sim.pop["partner"][part] = (part + 1) % n
        sim.pop["partner_responsiveness"][part] = 0.6
        sim.pop["intrusion"][part] = 0.1
    rf, ri, rb, par, keys = dev_runner.kernel_inputs(sim)
    plasticity, base_rate = dev_runner.age_tables(par, np.int64(dev_runner.LIFESPAN_END_WEEKS))
    pop = sim.pop
    total = dict.fromkeys(variants, 0.0)
    for step in range(weeks + 1):
        skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
        start = (pop.f32.copy(), pop.i32.copy(), pop.i8.copy())
        ends = {}
        for name, kernel in variants.items():
            best = np.inf
            for _ in range(3):
                F, I, B = (a.copy() for a in start)
                t = time.process_time()  # CPU time: on a shared machine, time spent waiting for a core is not counted
                kernel(F, I, B, rf, ri, rb, par, skeys, np.int64(step), np.int64(n), plasticity, base_rate)
                best = min(best, time.process_time() - t)
            ends[name] = (F, I, B)
            if step > 0:  # week 0 compiles
                total[name] += best
        first = next(iter(ends.values()))
        if any(any(a.tobytes() != b.tobytes() for a, b in zip(first, e, strict=True)) for e in ends.values()):
            raise SystemExit(f"wide_development: the kernels' states differ after week {step}")
        pop.f32[:], pop.i32[:], pop.i8[:] = first
    ages = f"ages of {stage}" if stage else f"ages spread over {years:g} years"
    print(f"{n:,} people, {ages}, {weeks} weeks, {numba.get_num_threads()} thread(s); "
          "kernel only, CPU seconds, best of 3 per week")
    for name, t in total.items():
        print(f"{name:<8} {t:8.3f} s  {t / (n * weeks) * 1e9:7.1f} ns per person-week")
    first = next(iter(total))
    print(f"speed-up {total[first] / total['wide']:.2f}x over {first}; states identical after every week")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--years", type=float, default=40.0)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--weeks", type=int, default=0, help="kernel-only timing over this many weeks instead of a "
                    "lifespan run (ages spread over --years)")
    ap.add_argument("--blocks", type=int, nargs="*", default=[], help="also time the wide kernel with these block "
                    "sizes (with --weeks)")
    ap.add_argument("--stage", choices=sorted(STAGES), default="", help="with --weeks: everyone's age in this life "
                    "stage (a cohort run spends 2, 16 and 22 of its 40 years in them)")
    ap.add_argument("--against", default="", help="with --weeks: compare with the kernel of this commit instead "
                    f"of the scalar kernel ({SCALAR_COMMIT})")
    args = ap.parse_args()
    before = args.against or "scalar"
    variants = {before: scalar_kernel(args.against or SCALAR_COMMIT).development_step,
                "wide": dev_runner.development_step}
    for block in args.blocks:
        variants[f"wide{block}"] = blocked_kernel(block).development_step
    if args.weeks:
        weekly_calls(variants, args.n, args.weeks, args.years, args.stage)
        return
    for step in variants.values():  # compile (or load from cache) before timing, with a run that reaches adulthood
        run_once(step, 300, 19.0)
    times: dict[str, list[float]] = {k: [] for k in variants}
    digests: dict[str, str] = {}
    for _ in range(args.repeats):
        for name, step in variants.items():
            kernel_s, wall, digest = run_once(step, args.n, args.years)
            times[name].append(kernel_s)
            digests[name] = digest
            print(f"{name:<8} kernel:development {kernel_s:8.2f} s   whole run {wall:8.2f} s", flush=True)
    weeks = args.n * args.years * 52.1775
    best = {k: min(v) for k, v in times.items()}
    print(f"{args.n:,} people x {args.years:g} years, {numba.get_num_threads()} thread(s); best of {args.repeats}")
    for name, t in best.items():
        print(f"{name:<8} {t:8.2f} s  {t / weeks * 1e9:7.1f} ns per person-week")
    print(f"speed-up {best[before] / best['wide']:.2f}x; people tables identical: "
          f"{digests[before] == digests['wide']}")


if __name__ == "__main__":
    main()
