"""Fusing the development and relief kernels into one pass over the people: what it saves (issue 16).

The two kernels run one after the other each week (``kernel:development``, then the ``liability`` hook, which has
no weekly work, then ``kernel:relief``), and relief reads only the person's own rows, several of which the
development kernel has just written (arousal, regulation, hyperactivation, deactivation, life stress, partner
responsiveness). Fused, each block of :data:`~attachsim.adulthood._kernel.RELIEF_BLOCK` people runs the
development step (its blocks of :data:`~attachsim.development._kernel.BLOCK`) and then relief while its rows are
still in the caches. Every person's operations are the same, in the same order, so the results must be identical:
the study checks that after every week.

A population saved by ``benchmarks/adult_kernels.py --save`` (everyone the same age, as in the bench's cohort) is
copied ``--tile`` times (``--shuffle``: in a random order); each of ``--weeks`` weeks runs the two kernels one
after the other and the fused kernel, alternately first, from the same state; CPU seconds of the process.

    python benchmarks/adult_kernels.py --save state.npz --n 20000 --years 40
    NUMBA_NUM_THREADS=1 python benchmarks/fusion_study.py --state state.npz --tile 5 --weeks 20
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numba as nb
import numpy as np
from adult_kernels import build, relief_args  # type: ignore[import-not-found]

from attachsim.adulthood import _kernel as ak
from attachsim.core.rng import step_key_np
from attachsim.core.timeline import WEEKS_PER_YEAR, weekly_chance
from attachsim.development import _kernel as dk
from attachsim.development._runner import LIFESPAN_END_WEEKS, kernel_inputs


@nb.njit(parallel=True, error_model="numpy")
def fused_step(F, I, B, rf, ri, rb, p, skeys, step, n, plasticity, base_rates,  # type: ignore[no-untyped-def]
               rs, rt_f, rt_i, rt_b, rp, thresholds, weights, access, rkey):
    """``development_step`` then ``relief_step``, block by block: each relief block's people run the development
    step (in blocks of ``dk.BLOCK``) and then relief, in one parallel loop."""
    start_w = rp.start_age * WEEKS_PER_YEAR
    quit_w = weekly_chance(rp.quit_per_year)
    event_w = weekly_chance(rp.life_events_per_year)
    rblock = ak.RELIEF_BLOCK
    n_blocks = (n + rblock - 1) // rblock
    group = ak.RELIEF_GROUP
    for g in nb.prange((n_blocks + group - 1) // group):
        s = ak._relief_scratch()
        Wf = np.empty((dk.N_WF, dk.BLOCK))
        Wi = np.empty((dk.N_WI, dk.BLOCK), dtype=np.int64)
        Wu = np.empty((3, dk.BLOCK), dtype=np.uint64)
        for b in range(g * group, min(n_blocks, (g + 1) * group)):
            lo = b * rblock
            hi = min(n, lo + rblock)
            for d in range(lo, hi, dk.BLOCK):
                dk._block(F, I, B, rf, ri, rb, p, skeys, step, d, min(hi - d, dk.BLOCK), plasticity, base_rates,
                          Wf, Wi, Wu)
            ak._relief_block(F, I, B, rs, rt_f, rt_i, rt_b, rp, thresholds, weights, access, rkey, step, lo, hi,
                             start_w, quit_w, event_w, s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--state", required=True)
    ap.add_argument("--tile", type=int, default=1)
    ap.add_argument("--weeks", type=int, default=20)
    ap.add_argument("--years", type=float, default=40.0)
    ap.add_argument("--shuffle", action="store_true", help="people in a random order (partners far apart)")
    args = ap.parse_args()
    assert ak.RELIEF_BLOCK % dk.BLOCK == 0, "a relief block must hold whole development blocks"
    sim, step0 = build(args)
    pop, n = sim.pop, sim.pop.n
    rf, ri, rb, par, keys = kernel_inputs(sim)
    plasticity, base_rates = dk.age_tables(par, np.int64(LIFESPAN_END_WEEKS))
    rs, rt_f, rt_i, rt_b, rp, thresholds, weights, access, rkey = relief_args(sim)
    start = (pop.f32.copy(), pop.i32.copy(), pop.i8.copy())
    secs = {"separate": 0.0, "fused": 0.0, "development": 0.0, "relief": 0.0}
    for w in range(args.weeks + 1):  # week 0: compile or load from the cache, untimed
        step = step0 + w
        skeys = np.array([step_key_np(k, step) for k in keys], dtype=np.uint64)
        sk = step_key_np(rkey, step)
        outs: dict[str, Any] = {}
        for label in ("separate", "fused") if w % 2 else ("fused", "separate"):
            pop.f32[:], pop.i32[:], pop.i8[:] = start
            t = time.process_time()
            if label == "fused":
                fused_step(pop.f32, pop.i32, pop.i8, rf, ri, rb, par, skeys, np.int64(step), np.int64(n), plasticity,
                           base_rates, rs, rt_f, rt_i, rt_b, rp, thresholds, weights, access, sk)
            else:
                dk.development_step(pop.f32, pop.i32, pop.i8, rf, ri, rb, par, skeys, np.int64(step), np.int64(n),
                                    plasticity, base_rates)
                t_mid = time.process_time()
                ak.relief_step(pop.f32, pop.i32, pop.i8, rs, rt_f, rt_i, rt_b, rp, thresholds, weights, access, sk,
                               np.int64(step), np.int64(n))
                if w:
                    secs["development"] += t_mid - t
                    secs["relief"] += time.process_time() - t_mid
            if w:
                secs[label] += time.process_time() - t
            outs[label] = (pop.f32[:, :n].copy(), pop.i32[:, :n].copy(), pop.i8[:, :n].copy())
        if not all(np.array_equal(x, y, equal_nan=True) for x, y in zip(outs["fused"], outs["separate"], strict=True)):
            raise SystemExit(f"week {step}: the fused kernel's states differ from the two kernels'")
    pw = n * args.weeks
    print(f"{n:,} people ({'shuffled' if args.shuffle else 'tiles in order'}), {args.weeks} weeks, "
          f"{nb.get_num_threads()} thread(s); fused and separate states identical after every week")
    for label, s in secs.items():
        print(f"{label:12s} {s:8.3f} s CPU  {s / pw * 1e9:7.1f} ns/person-week")
    print(f"separate / fused: {secs['separate'] / secs['fused']:.3f}")


if __name__ == "__main__":
    main()
