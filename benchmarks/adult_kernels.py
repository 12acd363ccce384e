"""The adult kernels (M8 relief, M9 relationships) against an earlier revision's, in one process, on one state.

A population saved at the end of a run (``--state``, written by ``--save`` after a run of ``--n`` people and
``--years`` years) is copied ``--tile`` times (partners offset; ``--shuffle``: people then put in a random order, so
that partners sit at random places, as in a run of that size), and each of ``--weeks`` weeks is run by the
earlier revision's kernels (loaded from ``git show REV:src/attachsim/adulthood/_kernel.py``) and by this
tree's, each from the same state; the results must be identical, and the seconds of each are summed.

    python benchmarks/adult_kernels.py --save state.npz --n 20000 --years 40      # run once, keep the state
    python benchmarks/adult_kernels.py --state state.npz [--before 3dc5258] [--tile 10] [--shuffle] [--weeks 26]
    python benchmarks/adult_kernels.py --state state.npz --assessments [--tile 10] [--weeks 3]
    python benchmarks/adult_kernels.py --state state.npz --variants --before ea6e7a2 [--also 1ad9fe9^] [--tile 25]

``--variants``: the relief kernel only: this tree's, ``--before``'s (results compared), this tree's with one piece
left out (:data:`VARIANTS`) and the revisions of ``--also`` (timed only), round-robin week by week.

``--assessments``: the lifespan-assessment hook instead (everyone completes age 18, then age 5: the adult
instruments, then the preschool reunion), as computed at c232b67 against this tree's (:func:`assessments`),
alternating, results compared.

Seconds are CPU time of the process (the machine may be shared); the two variants alternate week by week.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import attachsim
from attachsim.adulthood import _kernel as new_kernel
from attachsim.adulthood import _runner
from attachsim.core.rng import step_key_np, stream_key
from attachsim.core.timeline import ADULT_W, WEEKS_PER_YEAR

ROOT = Path(__file__).resolve().parent.parent


def load_before(rev: str, path: str = "adulthood/_kernel.py", name: str = "attachsim.adulthood._kernel_before",
                edit: dict[str, str] | None = None) -> ModuleType:
    """The module ``path`` (under src/attachsim) of git revision ``rev``, imported as ``name``.

    ``edit``: text replacements applied to the source first (to point its relative imports at other such modules).
    """
    if rev == "tree":  # this tree's file (edited below: a variant)
        src = (ROOT / "src" / "attachsim" / path).read_text()
    else:
        src = subprocess.run(["git", "show", f"{rev}:src/attachsim/{path}"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    for a, b in (edit or {}).items():
        src = src.replace(a, b)
    folder = Path(tempfile.gettempdir()) / f"attachsim_kernel_{rev}_{name.rsplit('.', 1)[1]}"
    folder.mkdir(exist_ok=True)
    file = folder / f"{name.rsplit('.', 1)[1]}.py"
    if not file.exists() or file.read_text() != src:
        file.write_text(src)
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def assessments(args: argparse.Namespace) -> None:
    """The lifespan-assessment hook as it was at ``--before`` (c232b67) against this tree's, on the same people.

    The earlier hook is this tree's with the three pieces of computation changed since put back (its parameter
    models cannot be loaded twice): the ECR-R answers in NumPy (``ecrr.simulate_items_np``, the earlier code), the
    Strange Situation's counts in NumPy (``strange_situation.reunion_counts_np``, the earlier loop), the reunion
    categories' codes and the adult codes by a lookup per person.
    """
    import inspect
    import textwrap

    from attachsim.assessments import ecrr, lifespan, strange_situation
    from attachsim.core.rng import person_key_np
    from attachsim.core.timeline import weeks

    def simulate_items_before(anx: Any, avo: Any, ids: Any, seed: int, step: int, bank: Any = None,
                              stream: str = "ecrr") -> Any:
        pk = person_key_np(step_key_np(stream_key(seed, stream), step), ids)
        return ecrr.simulate_items_np(anx, avo, pk, bank or ecrr.default_item_bank())

    def reunion_counts_before(pk: Any, m: Any, hyper: Any, deact: Any, conflict: Any, threat: Any, regulation: Any,
                              gain: Any, arousal: Any, *rest: Any) -> None:
        q, table, disorg = rest[-3:]
        params = strange_situation.StrangeSituationParams.defaults().model_copy(
            update=dict(zip(strange_situation.KERNEL_PARAMS, q.tolist(), strict=True)))
        counts, disorg[:] = strange_situation.reunion_counts_np(pk, m, hyper, deact, conflict, threat, regulation,
                                                                gain, arousal, params)
        for c, key in enumerate(strange_situation.BEHAVIOURS):
            for r, values in enumerate(counts[key]):
                table[:, c, r] = values

    def category_codes_before(letters: Any) -> Any:
        return np.array([strange_situation.SSPCategory[c] for c in letters], dtype=np.int32)

    src = textwrap.dedent(inspect.getsource(lifespan.LifespanAssessments.step))
    at = src.index("if name in CODES:")
    indent = " " * (at - src.rindex("\n", 0, at) - 1 + 4)
    new_codes = src[at:src.index("value = codes") + len("value = codes")]
    lookup = "value = np.array([CODES[name].get(v, -1) for v in value], dtype=np.int32)"
    src = src.replace(new_codes, f"if name in CODES:\n{indent}{lookup}")
    space: dict[str, Any] = dict(vars(lifespan))
    exec(compile(src, "lifespan_before", "exec"), space)  # this tree's hook, with the earlier lookup
    step_before = space["step"]
    sim, _ = build(args)
    pop, n = sim.pop, sim.pop.n
    hook = next(m for m in sim.mechanisms if m.key == "lifespan_assessments")
    ids = np.arange(n, dtype=np.int32)
    start = (pop.f32.copy(), pop.i32.copy(), pop.i8.copy())
    secs = {(age, label): 0.0 for age in (18, 5) for label in ("before", "after")}
    after = (ecrr.simulate_items, lifespan.category_codes, strange_situation.reunion_counts)
    for w in range(args.weeks + 1):  # week 0: compile or load from the cache, untimed
        for age in (18, 5):
            step = 2000 + w
            hook.adult_years, hook.preschool_years = ((age,), ()) if age == 18 else ((), (age,))
            hook.checklist_years = ()
            outs = []
            order = (("before", step_before, (simulate_items_before, category_codes_before, reunion_counts_before)),
                     ("after", lifespan.LifespanAssessments.step, after))
            for label, run, parts in order if w % 2 else order[::-1]:
                ecrr.simulate_items, lifespan.category_codes, strange_situation.reunion_counts = parts
                pop.f32[:], pop.i32[:], pop.i8[:] = start
                pop["birth_step"][:] = step + 1 - weeks(years=age)
                sim.cohorts.clear()
                sim.cohorts[step + 1 - weeks(years=age)] = ids
                t = time.process_time()
                run(hook, sim, step)
                if w:
                    secs[(age, label)] += time.process_time() - t
                outs.append((pop.f32[:, :n].copy(), pop.i32[:, :n].copy(), pop.i8[:, :n].copy()))
            ecrr.simulate_items, lifespan.category_codes, strange_situation.reunion_counts = after
            if not all(np.array_equal(x, y, equal_nan=True) for x, y in zip(*outs, strict=True)):
                raise SystemExit(f"age {age}: the hooks' results differ")
    print(f"{n:,} people, {args.weeks} repeats, results identical every time")
    for age, what in ((18, "adult instruments (18 y)"), (5, "preschool reunion (5 y)")):
        before, after = secs[(age, "before")] / args.weeks, secs[(age, "after")] / args.weeks
        print(f"{what:26s} before {before:7.3f} s   after {after:7.3f} s   ratio {before / after:5.2f}")


#: ``--variants``: this tree's relief kernel with one piece of the week left out (text replacements in its source),
#: to see what each piece costs; such a variant's results differ, so only the timing is compared.
VARIANTS: dict[str, dict[str, str]] = {
    "no life events": {"        event = 1.0 if (age[j] >= ADULT_W) & (uniform_lane(k, 15) < event_w) else 0.0\n":
                       "        event = 0.0\n"},
    "no supervised access": {"relief.chance_of_use(acc * ramp[j],": "relief.chance_of_use(acc,"},
    "no rare pass": {"        if n_rare:\n": "        if n_rare < 0:\n"},
    "no exp phase": {"        sigmoid_lanes(chance, chance, m)\n": ""},
    "no use draws": {"uniform_from_offset(pk[j], use_offset + lapse_offset)": "0.5"},
}


def relief_args(sim: Any) -> tuple[Any, ...]:
    """The relief kernel's inputs for ``sim``, as the runner passes them (rows, parameters, stream key)."""
    rs, rt_f, rt_i, rt_b = _runner.relief_inputs(sim)
    p = sim.scenario.parameters.relief
    par = new_kernel.ReliefKernelParams(*(float(getattr(p, name)) for name in new_kernel.SCALARS))
    thresholds = np.array([[getattr(p, f"threshold_{t}_{s}") for t in new_kernel.REGULATORS]
                           for s in ("male", "female")])
    weights = _runner.pull_weights(p)
    access = np.array([getattr(sim.scenario.regulators.access, t) for t in new_kernel.REGULATORS])
    return rs, rt_f, rt_i, rt_b, par, thresholds, weights, access, stream_key(sim.seed, "m8.use")


def variants(args: argparse.Namespace) -> None:
    """This tree's relief kernel, ``--before``'s and :data:`VARIANTS`, round-robin week by week on the same state."""
    mods = {"tree": new_kernel, f"before ({args.before})": load_before(args.before)}
    for i, (label, edit) in enumerate(VARIANTS.items()):
        src = (ROOT / "src" / "attachsim" / "adulthood" / "_kernel.py").read_text()
        assert all(a in src for a in edit), f"variant {label!r}: its text is no longer in the kernel"
        mods[label] = load_before("tree", edit=edit, name=f"attachsim.adulthood._kernel_variant{i}")
    for i, rev in enumerate(args.also):  # earlier revisions whose results differ (timing only)
        mods[f"rev {rev}"] = load_before(rev, name=f"attachsim.adulthood._kernel_also{i}")
    sim, step0 = build(args)
    pop, n = sim.pop, sim.pop.n
    rs, rt_f, rt_i, rt_b, par, thresholds, weights, access, key = relief_args(sim)
    start = (pop.f32.copy(), pop.i32.copy(), pop.i8.copy())
    secs = dict.fromkeys(mods, 0.0)
    labels = list(mods)
    for w in range(args.weeks + 1):  # week 0: compile or load from the cache, untimed
        step = step0 + w
        sk = step_key_np(key, step)
        ref: tuple[Any, ...] = ()
        for label in labels[w % len(labels):] + labels[: w % len(labels)]:  # rotate which goes first
            pop.f32[:], pop.i32[:], pop.i8[:] = start
            t = time.process_time()
            mods[label].relief_step(pop.f32, pop.i32, pop.i8, rs, rt_f, rt_i, rt_b, par, thresholds, weights, access,
                                    sk, np.int64(step), np.int64(n))
            if w:
                secs[label] += time.process_time() - t
            if label in ("tree", f"before ({args.before})"):  # this tree's and the earlier revision's must agree
                out = (pop.f32[:, :n].copy(), pop.i32[:, :n].copy(), pop.i8[:, :n].copy())
                if ref and not all(np.array_equal(x, y, equal_nan=True) for x, y in zip(ref, out, strict=True)):
                    raise SystemExit(f"week {step}: this tree's relief kernel and {args.before}'s differ")
                ref = out
    pw = n * args.weeks
    print(f"{n:,} people, {args.weeks} weeks, relief kernel (this tree's and {args.before}'s results identical)")
    for label in labels:
        print(f"{label:24s} {secs[label]:7.3f} s  {secs[label] / pw * 1e9:6.1f} ns/person-week  "
              f"tree / this {secs['tree'] / secs[label]:5.2f}")


def build(args: argparse.Namespace) -> tuple[Any, int]:
    """A simulation whose population is the saved state, tiled (and shuffled); returns it and the next step."""
    st = np.load(args.state)
    n0 = st["f32"].shape[1]
    n = n0 * args.tile
    sim = attachsim.simulation("normative", n=n, seed=11, years=args.years)
    sim.pop.add(n)
    # new position j holds tiled person order[j]; where[k]: the new position of tiled person k
    order = np.random.default_rng(5).permutation(n) if args.shuffle else np.arange(n)
    where = np.empty(n, dtype=np.int64)
    where[order] = np.arange(n)
    for name in ("f32", "i32", "i8"):
        getattr(sim.pop, name)[:, :n] = np.tile(st[name], args.tile)[:, order]
    row = sim.layout.row("partner")
    partner = np.tile(st["i32"][row], args.tile).astype(np.int64)
    partner = np.where(partner >= 0, partner + np.repeat(np.arange(args.tile) * n0, n0), -1)[order]
    sim.pop.i32[row, :n] = np.where(partner >= 0, where[np.maximum(partner, 0)], -1)
    return sim, int(st["step"])


def m9_scratch(mod: ModuleType, capacity: int) -> tuple[Any, ...]:
    """A kernel module's M9 scratch: its ``m9_scratch`` where it has one, else the earlier 128-byte rows."""
    if hasattr(mod, "m9_scratch"):
        return tuple(mod.m9_scratch(capacity))
    return (np.zeros((capacity, mod.M9_BUF_WIDTH)),)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--state")
    ap.add_argument("--save")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--years", type=float, default=40.0)
    ap.add_argument("--before", default="3dc5258", help="revision whose kernels are timed as 'before' (git show)")
    ap.add_argument("--tile", type=int, default=1)
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--shuffle", action="store_true", help="people in a random order (partners far apart)")
    ap.add_argument("--also", nargs="*", default=[], help="with --variants: earlier revisions, timed only")
    ap.add_argument("--variants", action="store_true", help="the relief kernel without one piece each (timing)")
    ap.add_argument("--assessments", action="store_true", help="the lifespan-assessment hook, not the kernels")
    args = ap.parse_args()
    if args.save:
        sim = attachsim.simulation("normative", n=args.n, seed=11, years=args.years)
        sim.run()
        pop = sim.pop
        np.savez(args.save, f32=pop.f32[:, :pop.n], i32=pop.i32[:, :pop.n], i8=pop.i8[:, :pop.n], step=sim.n_steps)
        print({k: round(v, 2) for k, v in sim.sections.items()})
        return
    if args.assessments:
        assessments(args)
        return
    if args.variants:
        variants(args)
        return
    old = load_before(args.before)
    sim, step0 = build(args)
    n = sim.pop.n
    pop = sim.pop
    rs, rt_f, rt_i, rt_b, par, thresholds, weights, access, key = relief_args(sim)
    m9p = next(m for m in sim.mechanisms if m.key == "m9_relationships").params
    rf = new_kernel.M9FRows(*(np.int64(sim.layout.row(x)) for x in new_kernel.M9_F))
    ri = new_kernel.M9IRows(*(np.int64(sim.layout.row(x)) for x in new_kernel.M9_I))
    mpar = _runner.m9_params(m9p, attachsim.adulthood.relationships.partner_availability(sim))
    keys = [stream_key(sim.seed, s) for s in ("m9.oscillation", "m9.breakup", "m9.seek", "m9.stress")]
    start = (pop.f32.copy(), pop.i32.copy(), pop.i8.copy())
    secs = {("relief", "before"): 0.0, ("relief", "after"): 0.0, ("m9", "before"): 0.0, ("m9", "after"): 0.0}

    def restore() -> None:
        pop.f32[:], pop.i32[:], pop.i8[:] = start

    # the M9 kernel's buffers, allocated (and touched) once per variant, as the runner does
    scratch = {label: (np.zeros(pop.capacity, dtype=np.int64),
                       np.zeros((pop.capacity + mod.M9_CHUNK - 1) // mod.M9_CHUNK, dtype=np.int64),
                       m9_scratch(mod, pop.capacity))
               for label, mod in (("before", old), ("after", new_kernel))}
    for w in range(args.weeks + 1):  # week 0: compile or load from the cache, untimed
        step = step0 + w
        sk = step_key_np(key, step)
        skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
        order = (("before", old), ("after", new_kernel))
        first: list[Any] = []
        for label, mod in order if w % 2 else order[::-1]:  # alternate which goes first
            restore()
            t = time.process_time()
            mod.relief_step(pop.f32, pop.i32, pop.i8, rs, rt_f, rt_i, rt_b, par, thresholds, weights, access, sk,
                            np.int64(step), np.int64(n))
            dt = time.process_time() - t
            relief_out = (pop.f32[:, :n].copy(), pop.i8[:, :n].copy(), pop.i32[:, :n].copy())
            seekers, counts, bufs = scratch[label]
            t = time.process_time()
            singles = mod.relationships_step(pop.f32, pop.i32, rf, ri, mpar, skeys, np.int64(step), np.int64(n),
                                             np.int64(ADULT_W), seekers, counts, *bufs)
            dm = time.process_time() - t
            found = _runner._gather(seekers, counts[: (n + mod.M9_CHUNK - 1) // mod.M9_CHUNK], np.int64(mod.M9_CHUNK))
            out = (*relief_out, pop.f32[:, :n], pop.i32[:, :n], singles, found)
            if w:
                secs[("relief", label)] += dt
                secs[("m9", label)] += dm
            if not first:
                first.append(tuple(x.copy() if isinstance(x, np.ndarray) else x for x in out))
                continue
            same = all(np.array_equal(x, y, equal_nan=isinstance(x, np.ndarray) and x.dtype.kind == "f")
                       for x, y in zip(first[0], out, strict=True))
            if not same:
                raise SystemExit(f"week {step}: the kernels' results differ")
    pw = n * args.weeks
    adults = int(((step0 - pop.i32[sim.layout.row("birth_step"), :n]) >= 12 * WEEKS_PER_YEAR).sum())
    print(f"{n:,} people ({adults:,} past 12){', shuffled' if args.shuffle else ''}, {args.weeks} weeks, results "
          "identical every week")
    for k in ("relief", "m9"):
        before, after = secs[(k, "before")], secs[(k, "after")]
        print(f"{k:6s} before {before:7.3f} s ({before / pw * 1e9:6.1f} ns/person-week)   after {after:7.3f} s "
              f"({after / pw * 1e9:6.1f} ns/person-week)   ratio {before / after:5.2f}")


if __name__ == "__main__":
    main()
