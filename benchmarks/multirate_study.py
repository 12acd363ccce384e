"""Design study (issue 16): a multi-rate development step, what it saves and what it does to every target.

The model as shipped steps every person every week. The variant kernel in ``benchmarks/_multirate_kernel.py``
updates the slow states once per 4 weeks from an age on (variant a: draws weekly; variant b: draws once a
month; variant c: as b, with the month's bids spread back over its weeks for the response trackers). This
script swaps it in at run time (``attachsim.development._runner.make_infancy`` is replaced for the duration
of an arm; nothing under ``src/`` changes) and measures:

    python benchmarks/multirate_study.py check                   # variant with the switch never reached == shipped
    python benchmarks/multirate_study.py time [--n 20000] [--years 40] [--rounds 2]
    python benchmarks/multirate_study.py validate ARM --out DIR [--n 10000] [--seeds 2]
    python benchmarks/multirate_study.py table DIR               # per-target table, weekly vs each arm

Arms: ``weekly`` (the shipped kernel), ``a5``, ``b5``, ``c5``, ``a2``, ``b2``, ``c2`` (variant a, b or c,
monthly from 5 or 2 years; see ``docs/multirate.md``).
Run it with ``NUMBA_NUM_THREADS=1``: timings are one thread, all arms in one process (ratios, not absolutes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import attachsim
from attachsim.core.parallel import threads_for
from attachsim.core.rng import step_key_np
from attachsim.core.timeline import weeks
from attachsim.development import _runner as dev_runner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _multirate_kernel as mk

ARMS: dict[str, tuple[int, float]] = {"weekly": (0, 0.0), "a5": (1, 5.0), "b5": (2, 5.0), "c5": (3, 5.0),
                                      "a2": (1, 2.0), "b2": (2, 2.0), "c2": (3, 2.0)}


def _variant_factory(mode: int, switch_years: float) -> Callable[[Any], Callable[[Any, int], None]]:
    switch_w = np.int64(weeks(years=switch_years))

    def make(sim: Any) -> Callable[[Any, int], None]:
        rf, ri, rb, par, keys = dev_runner.kernel_inputs(sim)
        plasticity, base_rate = dev_runner.age_tables(par, np.int64(dev_runner.LIFESPAN_END_WEEKS))
        acc = [np.zeros((mk.N_ACC, sim.pop.f32.shape[1]))]

        def run(s: Any, step: int) -> None:
            if s.pop.f32.shape[1] > acc[0].shape[1]:  # the population grew (births): new people start at zero
                grown = np.zeros((mk.N_ACC, s.pop.f32.shape[1]))
                grown[:, : acc[0].shape[1]] = acc[0]
                acc[0] = grown
            skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
            with threads_for(s.pop.n):
                mk.development_step(s.pop.f32, s.pop.i32, s.pop.i8, rf, ri, rb, par, skeys, np.int64(step),
                                    np.int64(s.pop.n), plasticity, base_rate, acc[0], switch_w, np.int64(mode))

        return run

    return make


#: CPU seconds (the process) spent in development kernel calls since the last reset: one thread and a shared,
#: busy machine make CPU time a steadier measure than wall time (which ``Simulation.sections`` gives)
KERNEL_CPU = [0.0]


def _cpu_timed(factory: Callable[[Any], Callable[[Any, int], None]]) -> Callable[[Any], Callable[[Any, int], None]]:
    def make(sim: Any) -> Callable[[Any, int], None]:
        step_fn = factory(sim)

        def run(s: Any, step: int) -> None:
            t = time.process_time()
            step_fn(s, step)
            KERNEL_CPU[0] += time.process_time() - t

        return run

    return make


@contextlib.contextmanager
def arm(name: str, switch_years: float | None = None) -> Iterator[None]:
    """Run the enclosed simulations with the arm's development kernel (``weekly``: the shipped one)."""
    mode, years = ARMS[name]
    saved = dev_runner.make_infancy
    if name == "weekly" and switch_years is None:
        dev_runner.make_infancy = _cpu_timed(saved)
    else:
        dev_runner.make_infancy = _cpu_timed(_variant_factory(mode, years if switch_years is None else switch_years))
    try:
        yield
    finally:
        dev_runner.make_infancy = saved


def _people(n: int, years: float, seed: int = 3, scenario: str = "normative") -> Any:
    return attachsim.simulation(scenario, n=n, seed=seed, years=years).run().people


def check(n: int = 1500, years: float = 8.0) -> None:
    """The variant kernel reproduces the shipped one exactly where its switch is not reached."""
    import pandas as pd

    base = _people(n, years)
    for name in ("weekly", "a5", "b5", "c5"):
        for switch in (0.0, 100.0) if name == "weekly" else (100.0,):
            with arm(name, switch_years=switch):
                other = _people(n, years)
            pd.testing.assert_frame_equal(base, other, check_exact=True)
            print(f"check: variant {name} (mode {ARMS[name][0]}), switch at {switch:g} years: identical", flush=True)
    for name in ("a5", "b5", "c5", "a2", "b2", "c2"):
        with arm(name):
            other = _people(n, years)
        cols = ["regulation", "hyperactivation", "deactivation", "conflict", "self_worth", "stress_gain"]
        diff = {c: round(float(other[c].mean() - base[c].mean()), 4) for c in cols if c in base}
        print(f"check: {name} at {years:g} years, mean differences from weekly: {diff}", flush=True)


def _timed(n: int, years: float) -> dict[str, float]:
    sim = attachsim.simulation("normative", n=n, seed=0, years=years)
    KERNEL_CPU[0] = 0.0
    t, c = time.perf_counter(), time.process_time()
    sim.run()
    return {"wall_s": time.perf_counter() - t, "cpu_s": time.process_time() - c,
            "development_wall_s": float(sim.sections.get("kernel:development", float("nan"))),
            "development_cpu_s": KERNEL_CPU[0]}


def timing(n: int, years: float, rounds: int, names: list[str]) -> dict[str, Any]:
    import numba

    out: dict[str, Any] = {"n": n, "years": years, "threads": numba.get_num_threads(), "rounds": {}}
    for name in names:  # compile (or load from cache) and warm each arm before timing
        with arm(name):
            _timed(500, 8.0)
    for r in range(rounds):
        for name in names:
            with arm(name):
                m = _timed(n, years)
            out["rounds"].setdefault(name, []).append(m)
            print(f"round {r + 1} {name:>6}: " + ", ".join(f"{k} {v:7.2f}" for k, v in m.items()), flush=True)
    keys = ("cpu_s", "development_cpu_s", "wall_s", "development_wall_s")
    best = {k: {m: min(x[m] for x in v) for m in keys} for k, v in out["rounds"].items()}
    out["best"] = best
    w = best["weekly"]
    print("best of rounds, and as a share of weekly (CPU seconds, one thread):")
    for name in names:
        b = best[name]
        print(f"{name:>6}: development kernel {b['development_cpu_s']:6.2f} s "
              f"({b['development_cpu_s'] / w['development_cpu_s']:.2f}), whole run {b['cpu_s']:6.2f} s "
              f"({b['cpu_s'] / w['cpu_s']:.2f}); wall {b['wall_s']:6.1f} s ({b['wall_s'] / w['wall_s']:.2f})")
    return out


def validate_arm(name: str, out: Path, n: int, seeds: int, first_seed: int) -> None:
    from attachsim.validation.targets import get_targets, needed
    from attachsim.validation.validate import rows, validate

    # a target whose scenarios all end before the switch is bit-identical to weekly (see ``check``): not rerun
    switch = ARMS[name][1]
    chosen = [t.name for t in get_targets(None, "all") if max(needed([t]).values()) >= switch]
    with arm(name):
        v = validate(chosen, n=n, seeds=seeds, first_seed=first_seed,
                     progress=lambda d, t, k, s: print(f"  {name}: {d}/{t} {k} seed {s}", flush=True))
    keep = ("target", "set", "label", "unit", "model", "per_seed", "passed", "accepted_low", "accepted_high",
            "published")
    recs = [{k: r[k] for k in keep} for r in rows(v)]
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f"{name}.json.tmp"
    tmp.write_text(json.dumps({"arm": name, "n": n, "seeds": v.seeds, "elapsed_s": v.elapsed_s,
                               "summary": v.summary(), "rows": recs}, indent=1))
    tmp.replace(out / f"{name}.json")
    print(f"{name}: {v.summary()} ({v.elapsed_s:.0f} s)")


def _fmt(unit: str, x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    return f"{100 * x:.1f}%" if unit == "share" else f"{x:.3f}"


def _dfmt(unit: str, d: float) -> str:
    if not np.isfinite(d):
        return "n/a"
    return f"{100 * d:+.1f}" if unit == "share" else f"{d:+.3f}"


def table(folder: Path) -> str:
    """Markdown: each target under the weekly model and each arm found in ``folder`` (difference, pass change)."""
    runs = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    base = runs.pop("weekly")
    names = [a for a in ARMS if a in runs]
    head = "| set | target | weekly | " + " | ".join(f"{a} (diff)" for a in names) + " |"
    lines = [head, "|" + "---|" * (3 + len(names))]
    flips: dict[str, list[str]] = {a: [] for a in names}
    by_arm = {a: {o["target"]: o for o in runs[a]["rows"]} for a in names}
    passes = {a: 0 for a in names}
    for r in base["rows"]:
        cells = [r["set"][:5], r["target"], _fmt(r["unit"], r["model"]) + ("" if r["passed"] else " ✗")]
        for a in names:
            o = by_arm[a].get(r["target"])
            if o is None:  # all its scenarios end before the switch: identical to weekly by construction
                cells.append("= weekly")
                passes[a] += r["passed"]
                continue
            passes[a] += o["passed"]
            mark = ""
            if o["passed"] != r["passed"]:
                mark = " **pass→fail**" if r["passed"] else " **fail→pass**"
                flips[a].append(f"{r['target']} ({'pass→fail' if r['passed'] else 'fail→pass'})")
            cells.append(f"{_fmt(r['unit'], o['model'])} ({_dfmt(r['unit'], o['model'] - r['model'])}){mark}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"weekly: {base['summary']}")
    for a in names:
        lines.append(f"{a}: {passes[a]} of {len(base['rows'])} targets pass (rerun: {runs[a]['summary']}); "
                     f"pass/fail changed: {', '.join(flips[a]) or 'none'}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check")
    t = sub.add_parser("time")
    t.add_argument("--n", type=int, default=20_000)
    t.add_argument("--years", type=float, default=40.0)
    t.add_argument("--rounds", type=int, default=2)
    t.add_argument("--arms", nargs="+", default=list(ARMS))
    t.add_argument("--json", type=Path)
    v = sub.add_parser("validate")
    v.add_argument("arm", choices=list(ARMS))
    v.add_argument("--out", type=Path, required=True)
    v.add_argument("--n", type=int, default=10_000)
    v.add_argument("--seeds", type=int, default=2)
    v.add_argument("--first-seed", type=int, default=1)
    tb = sub.add_parser("table")
    tb.add_argument("folder", type=Path)
    args = ap.parse_args()
    if args.cmd == "check":
        check()
    elif args.cmd == "time":
        res = timing(args.n, args.years, args.rounds, args.arms)
        if args.json:
            args.json.write_text(json.dumps(res, indent=1))
    elif args.cmd == "validate":
        validate_arm(args.arm, args.out, args.n, args.seeds, args.first_seed)
    else:
        print(table(args.folder))


if __name__ == "__main__":
    main()
