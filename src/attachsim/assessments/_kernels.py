"""Numba kernels of the lifespan assessments: how the instruments' answers are computed, not their rules.

Each kernel does the NumPy code's arithmetic in the same order, person by person, with the same counter-based
draws (:mod:`attachsim.core.rng`), so its results are bit-identical to that code's; people are shared out over
threads (``prange``) and each writes only its own row, so the results do not depend on the number of threads.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..core.laws import guard_cache, sigmoid
from ..core.rng import normal_nb, uniform_nb
from ..core.vexp import exp_lanes

#: People per block of :func:`graded_answers`: each item's thresholds run over the block's lanes (vector loops).
BLOCK = 256


@nb.njit(cache=True, parallel=True, error_model="numpy")
def graded_answers(anxiety, avoidance, pk, a, b, on_anxiety, reverse, out):  # type: ignore[no-untyped-def]
    """Answers 1-7 of each person to each item of a graded-response questionnaire (``ecrr.simulate_items``).

    Item ``col`` reads latent ``anxiety`` where ``on_anxiety[col]``, else ``avoidance``, negated where
    ``reverse[col]``; with ``u`` the person's draw number ``col`` (person keys ``pk``), the answer is 1 plus the
    number of thresholds ``k`` with ``u < 1 / (1 + exp(-a[col] * (theta - b[col, k])))``. ``out``: (people, items).
    People run in blocks of :data:`BLOCK`, each item's draws and thresholds over the block's lanes (``exp``:
    :mod:`attachsim.core.vexp`, the C library's bits in vectorisable code).
    """
    n = pk.shape[0]
    for blk in nb.prange((n + BLOCK - 1) // BLOCK):
        lo = blk * BLOCK
        m = min(n, lo + BLOCK) - lo
        theta, u, passed, e = np.empty(m), np.empty(m), np.empty(m), np.empty(m)
        for col in range(b.shape[0]):
            src = anxiety if on_anxiety[col] else avoidance
            sign = -1.0 if reverse[col] else 1.0
            for j in range(m):
                theta[j] = src[lo + j] * sign  # multiplying by -1.0 is the exact negation
                u[j] = uniform_nb(pk[lo + j], np.int64(col))
                passed[j] = 1.0
            slope = -a[col]
            for k in range(b.shape[1]):
                bk = b[col, k]
                for j in range(m):
                    e[j] = slope * (theta[j] - bk)
                exp_lanes(e, e, m)  # exp's special cases only where an argument needs them
                for j in range(m):
                    passed[j] += 1.0 if u[j] < 1.0 / (1.0 + e[j]) else 0.0
            for j in range(m):
                out[lo + j, col] = passed[j]


guard_cache(graded_answers)  # see attachsim.core.laws.guard_cache


@nb.njit(cache=True, error_model="numpy")
def _sigmoid(x):  # type: ignore[no-untyped-def]
    """:func:`attachsim.core.laws.sigmoid` as a called function, not inlined into Numba's IR (compile time)."""
    return sigmoid(x)


@nb.njit(inline="always")
def _min(a, b):  # type: ignore[no-untyped-def]
    """``np.minimum`` of two floats (NaN if either is NaN)."""
    return a if (a != a or a < b) else b


@nb.njit(cache=True, parallel=True, error_model="numpy")
def reunion_counts(pk, m, hyper, deact, conflict, threat, regulation, gain, arousal, stress, parent, stranger,  # type: ignore[no-untyped-def]
                   reunion, separation, intervals, q, counts, disorg):
    """The Strange Situation's interval counts, person by person (``strange_situation.reunion_counts_np``).

    Person keys ``pk``; the states as float64; per episode its ``stress``, whether the ``parent`` and the
    ``stranger`` are present, its ``reunion`` number (-1: none) and whether it is a ``separation``; ``q`` the
    parameters (:data:`strange_situation.KERNEL_PARAMS` order). Writes ``counts`` (people, 4 behaviours, 2
    reunions: proximity seeking, contact maintaining, avoidance, resistance) and ``disorg`` (people).
    """
    soothing, person_noise, b, momentary, d_thr, a_thr, r_thr, ap_thr, comfort = (
        q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8])
    for i in nb.prange(pk.shape[0]):
        key = pk[i]
        mi, hy, de, co, th, rg, ga = m[i], hyper[i], deact[i], conflict[i], threat[i], regulation[i], gain[i]
        k = 2
        d_person = person_noise * normal_nb(key, np.int64(1))
        x = 0.3 * _min(arousal[i], 1.0)
        dis = 0
        for r in range(2):
            for c in range(4):
                counts[i, c, r] = 0
        for e in range(stress.shape[0]):
            ru = reunion[e]
            eps = momentary * normal_nb(key, np.int64(k + 1))
            k += 2
            in_contact = False
            for _ in range(intervals):
                x = x + _min(stress[e] * ga, 1.0) * (1.0 - x)
                x = x * (1.0 - soothing * rg)
                if stranger[e] and not parent[e]:
                    x = x * (1.0 - 0.15 * (1.0 - de) * mi)
                fear = co * (0.5 + x) * (1.0 + th)
                if ru < 0:
                    if separation[e]:
                        d_sep = b * (fear - d_thr - 0.2 + eps + d_person)
                        k += 1
                        dis += uniform_nb(key, np.int64(k)) < _sigmoid(d_sep)
                    continue
                drive_seek = (1.0 - de) * (0.4 + 0.6 * x) * (0.5 + 0.5 * mi + 0.5 * hy)
                u_approach = uniform_nb(key, np.int64(k + 1))
                avoid = uniform_nb(key, np.int64(k + 2)) < _sigmoid(b * (de * (0.5 + 0.5 * x) - a_thr + eps))
                resist = uniform_nb(key, np.int64(k + 3)) < _sigmoid(b * (hy * x * (1.5 - mi) - r_thr + eps))
                d_beh = uniform_nb(key, np.int64(k + 4)) < _sigmoid(b * (fear - d_thr + eps + d_person))
                k += 4
                approach = (u_approach < _sigmoid(b * (drive_seek - ap_thr + eps))) and not avoid and not d_beh
                in_contact = (in_contact or approach) and not avoid
                counts[i, 0, ru] += approach
                counts[i, 1, ru] += in_contact and (x > 0.2)
                counts[i, 2, ru] += avoid
                counts[i, 3, ru] += resist and (in_contact or approach)
                dis += 2 * d_beh
                relief = comfort * mi * (1.0 - hy) * (1.0 - 0.5 * co)
                x = x * (1.0 - relief) if in_contact else x
        disorg[i] = dis


guard_cache(reunion_counts)  # see attachsim.core.laws.guard_cache
