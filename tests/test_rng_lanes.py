"""The block (lane) inversions of core/rng.py give the scalar functions' counts, lane for lane."""

from __future__ import annotations

import numba as nb
import numpy as np
import pytest

from attachsim.core.rng import binomial_inv_lanes, binomial_inv_nb, poisson_inv_lanes, poisson_inv_nb


@nb.njit  # not cached: the cache would not see changes to core/rng.py
def _scalar_counts(u, n, p, lam):  # type: ignore[no-untyped-def]
    kb = np.empty(u.shape[0], dtype=np.int64)
    kp = np.empty(u.shape[0], dtype=np.int64)
    for i in range(u.shape[0]):
        kb[i] = binomial_inv_nb(u[i], n[i], p[i])
        kp[i] = poisson_inv_nb(u[i], lam[i])
    return kb, kp


@nb.njit  # not cached: the cache would not see changes to core/rng.py
def _lane_counts(u, n, p, lam, block):  # type: ignore[no-untyped-def]
    size = u.shape[0]
    kb = np.empty(size, dtype=np.int64)
    kp = np.empty(size, dtype=np.int64)
    prob, s, r, nwf = np.empty(block), np.empty(block), np.empty(block), np.empty(block)
    nw, idx, kd = np.empty(block, dtype=np.int64), np.empty(block, dtype=np.int64), np.empty(block, dtype=np.int64)
    ud, lamd = np.empty(block), np.empty(block)
    for lo in range(0, size, block):
        m = min(block, size - lo)
        binomial_inv_lanes(u[lo:lo + m], n[lo:lo + m], p[lo:lo + m], kb[lo:lo + m], prob, s, r, nw, nwf, ud, idx, kd, m)
        poisson_inv_lanes(u[lo:lo + m], lam[lo:lo + m], kp[lo:lo + m], prob, s, ud, lamd, idx, kd, m)
    return kb, kp


@pytest.mark.parametrize("block", [1, 5, 128])
def test_lane_inversions_equal_the_scalar_ones_on_every_lane(block):
    """Counts of every lane (odd and even step counts, two-step passes, compacted last lanes) are the scalar loop's."""
    rng = np.random.default_rng(3)
    size = 20_000
    u = rng.random(size)
    u[:50] = 0.0
    u[50:100] = np.nextafter(1.0, 0.0)
    n = rng.integers(-2, 60, size)
    n[100:200] = 400
    p = rng.random(size)
    p[200:300] = rng.choice([0.0, 1.0, -0.5, 1.5, 1e-300, 1 - 1e-16], 100)
    lam = rng.random(size) * 40.0
    lam[300:400] = rng.choice([0.0, 1e-300, 59.9], 100)  # rates are >= 0 (a negative rate is outside the domain)
    lam[400:500] = rng.random(100) * 0.01
    kb, kp = _scalar_counts(u, n, p, lam)
    lb, lp = _lane_counts(u, n, p, lam, block)
    assert np.array_equal(kb, lb)
    assert np.array_equal(kp, lp)
    assert kb.max() == 400 and kp.max() >= 60  # the long inversions were exercised
