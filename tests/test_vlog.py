"""The kernels' log (attachsim.core.vlog) gives np.log's bits: Box-Muller's 1 - u, around 1, subnormals, edges."""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from attachsim.core.rng import box_muller_np, normal_lanes
from attachsim.core.vlog import is_positive_normal, log_nb, log_normal_nb, log_table_nb, on_table_path

_TINY = 2.0 ** -1022  # the smallest normal double
#: Where glibc's log changes path (1 - 2^-4 and 1 + 0x1.09p-4: the near-1 polynomial), 1 itself, the table's
#: range [0x1.6p-1, 0x1.6p0) and a subinterval boundary, powers of two, the smallest normal and the largest double.
_EDGES = (1.0 - 2.0 ** -4, 1.0 + float.fromhex("0x1.09p-4"), 1.0, float.fromhex("0x1.6p-1"), float.fromhex("0x1.6p0"),
          float.fromhex("0x1.6p-1") + 2.0 ** -8, 0.5, 2.0, 2.0 ** -53, _TINY, 1.7976931348623157e308)


@nb.njit
def _log_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # a loop LLVM vectorises
    for j in range(x.shape[0]):
        out[j] = log_nb(x[j])


@nb.njit
def _log_table(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # NaN off the table path
    for j in range(x.shape[0]):
        out[j] = log_table_nb(x[j]) if on_table_path(x[j]) else np.nan


@nb.njit
def _log_normal(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # NaN off the positive normals
    for j in range(x.shape[0]):
        out[j] = log_normal_nb(x[j]) if is_positive_normal(x[j]) else np.nan


@nb.njit
def _log_libm(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:  # the C library, as kernels had it
    for j in range(x.shape[0]):
        out[j] = np.log(x[j])


def _values(n: int, seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    box_muller = 1.0 - rng.integers(0, 2 ** 53, n).astype(np.float64) * 2.0 ** -53  # 1 - uniform_nb, in (0, 1]
    small_u = 1.0 - rng.integers(0, 2 ** 49, n // 4).astype(np.float64) * 2.0 ** -53  # u < 1/16: the near-1 path
    edges = [(np.float64(e).view(np.int64) + np.arange(-40_000, 40_000)).view(np.float64) for e in _EDGES]
    return np.concatenate([box_muller, small_u, rng.uniform(0.85, 1.15, n // 4), 10.0 ** rng.uniform(-300, 300, n // 4),
                           rng.uniform(0.0, _TINY, n // 8), np.arange(1, 100_000, dtype=np.int64).view(np.float64),
                           *edges])


def _same_bits(out: npt.NDArray[np.float64], ref: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    return (out.view(np.uint64) == ref.view(np.uint64)) | (np.isnan(out) & np.isnan(ref))


def test_log_and_its_table_and_two_path_forms_are_bit_identical_to_numpy_and_the_c_library():
    for seed in (1, 2):
        x = _values(1_500_000, seed)  # 2 x 3.5 million values
        out, lib = np.empty_like(x), np.empty_like(x)
        _log_all(x, out)
        _log_libm(x, lib)
        with np.errstate(invalid="ignore"):  # past the largest double: inf, then NaNs
            numpy_log = np.log(x)
        for ref in (numpy_log, lib):
            same = _same_bits(out, ref)
            assert same.all(), f"{(~same).sum()} values differ, e.g. log({x[~same][:3]!r})"
        _log_table(x, out)
        table = ~np.isnan(out)
        assert 0.5 < table.mean() < 0.95  # both paths are exercised
        same = _same_bits(out[table], lib[table])
        assert same.all(), f"table path: {(~same).sum()} values differ, e.g. log({x[table][~same][:3]!r})"
        _log_normal(x, out)
        normal = ~np.isnan(out)
        assert normal.sum() == ((x >= _TINY) & (x < np.inf)).sum()
        same = _same_bits(out[normal], lib[normal])
        assert same.all(), f"both paths: {(~same).sum()} values differ, e.g. log({x[normal][~same][:3]!r})"


def test_special_values():
    x = np.array([0.0, -0.0, 1.0, -1.0, -_TINY, np.inf, -np.inf, np.nan, 5e-324, -5e-324])
    out = np.empty_like(x)
    _log_all(x, out)
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = np.log(x)
    assert _same_bits(out, ref).all(), (out, ref)
    assert out[0] == out[1] == -np.inf and out[2] == 0.0 and not np.signbit(out[2]) and out[5] == np.inf


def test_block_normals_are_the_reference_normals():
    rng = np.random.default_rng(7)
    u1 = rng.integers(0, 2 ** 53, 200_000).astype(np.float64) * 2.0 ** -53
    u1[:50_000] *= 2.0 ** -4  # 1 - u1 near 1: log's near-1 path
    u1[50_000] = 0.0  # log(1) = 0
    u1[50_001:50_004] = (2.0 ** -4, 2.0 ** -4 - 2.0 ** -53, 1.0 - 2.0 ** -53)  # the near-1 edge; 1 - u = 2^-53
    u2 = rng.integers(0, 2 ** 53, 200_000).astype(np.float64) * 2.0 ** -53
    out = np.empty_like(u1)
    normal_lanes(u1, u2, out, u1.shape[0])
    assert np.array_equal(out.view(np.uint64), box_muller_np(u1, u2).view(np.uint64))
