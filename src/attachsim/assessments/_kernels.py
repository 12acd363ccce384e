"""Numba kernels of the lifespan assessments: how the instruments' answers are computed, not their rules.

Each kernel does the NumPy code's arithmetic in the same order, person by person, with the same counter-based
draws (:mod:`attachsim.core.rng`), so its results are bit-identical to that code's; people are shared out over
threads (``prange``) and each writes only its own row, so the results do not depend on the number of threads.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..core.laws import guard_cache
from ..core.rng import uniform_nb
from ..core.vexp import exp

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
        theta, u, passed = np.empty(m), np.empty(m), np.empty(m)
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
                    passed[j] += 1.0 if u[j] < 1.0 / (1.0 + exp(slope * (theta[j] - bk))) else 0.0
            for j in range(m):
                out[lo + j, col] = passed[j]


guard_cache(graded_answers)  # see attachsim.core.laws.guard_cache
