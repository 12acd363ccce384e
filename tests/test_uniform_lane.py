"""Vectorisable uniforms (`core.rng.uniform_bits_f64`, the relief kernel's `uniform_lane`) give the generator's bits."""

from __future__ import annotations

import numba as nb
import numpy as np

from attachsim.adulthood._kernel import uniform_lane
from attachsim.core.rng import uniform_bits_f64, uniform_nb


@nb.njit(cache=True)
def _units(h):  # type: ignore[no-untyped-def]
    out = np.empty(h.size)
    for i in range(h.size):
        out[i] = uniform_bits_f64(h[i] << np.uint64(11))  # the hash whose top 53 bits are h[i]
    return out


@nb.njit(cache=True)
def _both(keys, draws):  # type: ignore[no-untyped-def]
    a, b = np.empty(keys.size), np.empty(keys.size)
    for i in range(keys.size):
        a[i] = uniform_nb(keys[i], draws[i])
        b[i] = uniform_lane(keys[i], draws[i])
    return a, b


def test_uniform_bits_f64_is_the_exact_conversion_at_every_edge() -> None:
    """Each half's edges (0, 2^32 - 1, 2^32, 2^52, 2^53 - 1 and neighbours) and random 53-bit integers."""
    edges = [0, 1, 2, 2**32 - 1, 2**32, 2**32 + 1, 2**52 - 1, 2**52, 2**52 + 1, 2**53 - 2, 2**53 - 1]
    rng = np.random.default_rng(7)
    h = np.concatenate([np.array(edges, dtype=np.uint64), rng.integers(0, 2**53, 200_000, dtype=np.uint64),
                        rng.integers(0, 2**32, 50_000, dtype=np.uint64)])
    expected = h.astype(np.float64) * (1.0 / 9007199254740992.0)
    assert np.array_equal(_units(h).view(np.uint64), expected.view(np.uint64))


def test_uniform_lane_has_the_generators_bits() -> None:
    """Random person keys and draw numbers: the same float64, bit for bit, as ``core.rng.uniform_nb``."""
    rng = np.random.default_rng(11)
    keys = rng.integers(0, 2**64, 500_000, dtype=np.uint64, endpoint=False)
    draws = rng.integers(0, 20, keys.size)
    a, b = _both(keys, draws)
    assert np.array_equal(a.view(np.uint64), b.view(np.uint64))
