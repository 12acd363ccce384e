"""The kernels' cos (attachsim.core.vcos) gives np.cos's bits over Box-Muller's range and beyond, range edges too."""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from attachsim.core.rng import box_muller_np, normal_lanes
from attachsim.core.vcos import cos_nb

#: Where glibc's cos changes method (2^-27, 0.855469, 2.426265), the quadrant boundaries up to 2 pi, the Taylor
#: branch's edge (|a| = 0.126 on either side of pi/2) and the top of the reduced range.
_EDGES = (2.0 ** -27, 0.85546875, 2.426265, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi, 5 * np.pi / 4,
          3 * np.pi / 2, 7 * np.pi / 4, 2 * np.pi, 0.126, np.pi / 2 - 0.126, np.pi / 2 + 0.126, 52707175.0)


@nb.njit
def _cos_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # a loop LLVM vectorises
    for j in range(x.shape[0]):
        out[j] = cos_nb(x[j])


def _values(n: int, seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    box_muller = 2.0 * np.pi * ((rng.integers(0, 2 ** 53, n).astype(np.float64)) * 2.0 ** -53)  # uniform_nb's grid
    edges = [(np.float64(e).view(np.int64) + np.arange(-40_000, 40_000)).view(np.float64) for e in _EDGES]
    return np.concatenate([box_muller, rng.uniform(0.0, 7.0, n // 4), rng.uniform(-7.0, 0.0, n // 8),
                           rng.uniform(-1e8, 1e8, n // 8), 10.0 ** rng.uniform(-12.0, 8.0, n // 8), *edges,
                           np.array([0.0, -0.0, 2.0 ** -28, 1e-300, 5e-324])])


def test_cos_is_bit_identical_to_numpy():
    for seed in (1, 2):
        x = _values(3_000_000, seed)  # 2 x 4.9 million values
        out = np.empty_like(x)
        _cos_all(x, out)
        ref = np.cos(x)
        same = out.view(np.uint64) == ref.view(np.uint64)
        assert same.all(), f"{(~same).sum()} values differ, e.g. cos({x[~same][:3]!r})"


def test_block_normals_are_the_reference_normals():
    rng = np.random.default_rng(5)
    u1 = rng.integers(0, 2 ** 53, 100_000).astype(np.float64) * 2.0 ** -53
    u2 = rng.integers(0, 2 ** 53, 100_000).astype(np.float64) * 2.0 ** -53
    out = np.empty_like(u1)
    normal_lanes(u1, u2, out, u1.shape[0])
    assert np.array_equal(out.view(np.uint64), box_muller_np(u1, u2).view(np.uint64))
