"""The kernels' exp (attachsim.core.vexp) gives np.exp's bits, over the whole range and at the special values."""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt

from attachsim.core.laws import sigmoid, sigmoid_lanes
from attachsim.core.vexp import exp, exp_lanes, exp_main_nb, exp_nb, main_range


@nb.njit
def _exp_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # a loop LLVM vectorises
    for j in range(x.shape[0]):
        out[j] = exp_nb(x[j])


@nb.njit
def _sigmoid_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:
    for j in range(x.shape[0]):
        out[j] = sigmoid(x[j])


@nb.njit
def _exp_main_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:
    for j in range(x.shape[0]):
        out[j] = exp_main_nb(x[j])


def _rows_of(lanes: Any) -> Any:
    """A kernel running ``lanes`` (sigmoid_lanes or exp_lanes) in place on rows of ``k`` of a copy of ``x`` (the
    last row shorter); it returns how many rows took the main-path loop."""

    @nb.njit
    def rows(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64], k: int) -> int:
        fast = 0
        for lo in range(0, x.shape[0], k):
            m = min(k, x.shape[0] - lo)
            fast += main_range(x[lo:], m)
            out[lo:lo + m] = x[lo:lo + m]
            lanes(out[lo:], out[lo:], m)
        return fast

    return rows


_sigmoid_rows, _exp_rows = _rows_of(sigmoid_lanes), _rows_of(exp_lanes)


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


def _same(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    return (a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))


def test_exp_main_path_is_bit_identical_in_its_range():
    x = _values(1_000_000, 4)
    x = x[np.isfinite(x) & (np.abs(x) >= 2.0 ** -54) & (np.abs(x) < 512.0)]
    edges = np.array([np.nextafter(512.0, 0.0), -np.nextafter(512.0, 0.0), 2.0 ** -54, -(2.0 ** -54)])
    x = np.concatenate([x, edges])
    out = np.empty_like(x)
    _exp_main_all(x, out)
    assert _same(out, np.exp(x)).all()


def test_main_range_rejects_every_special_case():
    inside = np.full(8, 3.0)
    assert main_range(inside, 8)
    for bad in (np.nan, np.inf, -np.inf, 512.0, -512.0, 2.0 ** -55, 0.0, -0.0, 5e-324, 1e308):
        row = inside.copy()
        row[5] = bad
        assert not main_range(row, 8), bad
        assert main_range(row, 5)  # lanes past m are not looked at


def test_sigmoid_lanes_is_bit_identical_on_both_branches():
    rng = np.random.default_rng(5)
    ordinary = rng.uniform(-40.0, 40.0, 64 * 200)  # every row in range: the main-path loop
    mixed = _values(20_000, 6)  # rows with a special value: the full exp
    for x, main_rows in ((ordinary, "all"), (mixed, "not all"), (np.concatenate([ordinary, mixed]), "some")):
        out = np.empty_like(x)
        fast, rows = _sigmoid_rows(x, out, 64), -(-x.shape[0] // 64)
        with np.errstate(over="ignore", under="ignore"):
            assert _same(out, sigmoid(x)).all()
        assert {"all": fast == rows, "not all": fast < rows, "some": 0 < fast < rows}[main_rows]


def test_exp_lanes_is_bit_identical_on_both_branches():
    x = np.concatenate([np.random.default_rng(7).uniform(-700.0, 500.0, 64 * 100), _values(20_000, 8)])
    out = np.empty_like(x)
    fast, rows = _exp_rows(x, out, 64), -(-x.shape[0] // 64)
    with np.errstate(over="ignore", under="ignore"):
        ref = np.exp(x)
    assert _same(out, ref).all()
    assert 0 < fast < rows
