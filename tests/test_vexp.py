"""The kernels' exp (attachsim.core.vexp) gives np.exp's bits, over the whole range and at the special values."""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from attachsim.core.laws import sigmoid
from attachsim.core.vexp import exp, exp_nb


@nb.njit
def _exp_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # a loop LLVM vectorises
    for j in range(x.shape[0]):
        out[j] = exp_nb(x[j])


@nb.njit
def _sigmoid_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:
    for j in range(x.shape[0]):
        out[j] = sigmoid(x[j])


def _values(n: int, seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    mag = np.exp(rng.uniform(np.log(2.0 ** -1074), np.log(1e4), n))  # every scale, subnormal to huge
    edges = np.array([np.nextafter(v, s) for v in (512.0, -512.0, 1024.0, -1024.0, 709.782712893384,
                                                   -708.3964185322641, -745.1332191019411, 2.0 ** -54)
                      for s in (0.0, np.inf, -np.inf)])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 2.0 ** -54, -(2.0 ** -54), 5e-324, -5e-324, 1e308, -1e308])
    return np.concatenate([rng.uniform(-60.0, 60.0, n), rng.uniform(-800.0, 800.0, n),
                           np.where(rng.uniform(size=n) < 0.5, -mag, mag), rng.uniform(-2e-3, 2e-3, n), edges, special])


def test_exp_is_bit_identical_to_numpy():
    for seed in (1, 2):
        x = _values(1_000_000, seed)
        out = np.empty_like(x)
        _exp_all(x, out)
        with np.errstate(over="ignore", under="ignore"):
            ref = np.exp(x)
        same = (out.view(np.uint64) == ref.view(np.uint64)) | (np.isnan(out) & np.isnan(ref))
        assert same.all(), f"{(~same).sum()} values differ, e.g. exp({x[~same][:3]!r})"


def test_exp_outside_kernels_is_numpy_exp():
    x = np.linspace(-5.0, 5.0, 11)
    assert np.array_equal(exp(x), np.exp(x))


def test_sigmoid_in_a_kernel_is_bit_identical_to_numpy():
    x = _values(200_000, 3)
    out = np.empty_like(x)
    _sigmoid_all(x, out)
    with np.errstate(over="ignore", under="ignore"):
        ref = sigmoid(x)
    assert ((out.view(np.uint64) == ref.view(np.uint64)) | (np.isnan(out) & np.isnan(ref))).all()
