"""``exp`` for the kernels: the same bits as the C library's, in code that LLVM vectorises.

A Numba kernel's ``np.exp`` is a call into the C library (glibc's ``exp``), one value at a time: a loop
that calls it cannot be vectorised (no vector maths library is available to LLVM here). :func:`exp`
is what laws call instead: on NumPy arrays and Python numbers it *is* ``np.exp``; inside a Numba kernel
it is inlined as glibc's algorithm (Szabolcs Nagy's, glibc 2.28 and later: a 128-entry table of
2^(k/128) and a degree-5 polynomial, ARM optimized-routines ``exp.c``), written with the fused
multiply-adds of glibc's FMA build and with every special case (tiny, large, subnormal results,
infinities, NaN) as a select rather than a branch, so that a loop of exps over a block of people
becomes packed AVX2 instructions with the same results, bit for bit.

``tests/test_vexp.py`` checks the bits against ``np.exp`` on tens of millions of values across the
whole range (and the special values). A C library whose ``exp`` is another algorithm would fail it;
then :data:`EXACT` is the switch back to the library call.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
from llvmlite import ir  # type: ignore[import-untyped]
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

#: False: kernels call the C library's exp (one value at a time) instead of the inlined algorithm.
EXACT = True

_N = 128  # table entries (EXP_TABLE_BITS = 7)


def _table() -> np.ndarray:
    """The table of glibc's ``__exp_data.tab``: for k < 128, tab[2k] = bits of T, tab[2k + 1] = bits of H - (k << 45).

    H = 2^(k/128) rounded to double and T = (2^(k/128) - H) / H rounded, computed here in exact rational
    arithmetic from 2^(k/128) to 120 digits (mpmath would do the same; the table matches glibc's).
    """
    from decimal import Decimal, getcontext

    getcontext().prec = 120
    tab = np.empty(2 * _N, dtype=np.uint64)
    for k in range(_N):
        v = Decimal(2) ** (Decimal(k) / Decimal(_N))
        h = float(v)  # nearest double (Decimal -> float rounds correctly)
        t = float((v - Decimal(h)) / Decimal(h))
        tab[2 * k] = np.float64(t).view(np.uint64)
        tab[2 * k + 1] = np.uint64((int(np.float64(h).view(np.uint64)) - (k << 45)) % (1 << 64))
    return tab


TAB = _table()
_INVLN2N = float.fromhex("0x1.71547652b82fep0") * _N
_NEGLN2HI, _NEGLN2LO = -float.fromhex("0x1.62e42fefa0000p-8"), -float.fromhex("0x1.cf79abc9e3b3ap-47")
_SHIFT = float.fromhex("0x1.8p52")
#: The polynomial's coefficients (glibc's __exp_data.poly).
_C2, _C3, _C4, _C5 = (float.fromhex(c) for c in ("0x1.ffffffffffdbdp-2", "0x1.555555555543cp-3",
                                                 "0x1.55555cf172b91p-5", "0x1.1111167a4d017p-7"))
#: Integer constants as uint64 (the bit operations stay unsigned): the table mask, shifts, the exponent field,
#: the sign bit of k, and top12() of 2^-54, 512 and 1024.
_MASK, _ONE, _TWO, _S45, _S52, _EXPBITS, _SIGN, _TOP_TINY, _TOP_BIG, _TOP_HUGE = (
    np.uint64(v) for v in (_N - 1, 1, 2, 45, 52, 0x7FF, 0x80000000, 0x3C9, 0x408, 0x409))
_BIAS_HI, _BIAS_LO = np.uint64(1009) << _S52, np.uint64(1022) << _S52
_NEG_INF = np.uint64(0xFFF0000000000000)
_P1009 = 2.0 ** 1009
_PM1022 = 2.0 ** -1022


@intrinsic
def fma(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
    """``a * b + c`` with one rounding (``llvm.fma.f64``: vfmadd on an FMA machine)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        d = ir.DoubleType()
        fty = ir.FunctionType(d, [d, d, d])
        fn = cgutils.get_or_insert_function(builder.module, fty, "llvm.fma.f64")  # type: ignore[no-untyped-call]
        return builder.call(fn, args)

    return sig, codegen


@intrinsic
def as_u64(typingctx: Any, x: Any) -> Any:
    """The bits of a float64."""
    sig = types.uint64(types.float64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], ir.IntType(64))

    return sig, codegen


@intrinsic
def as_f64(typingctx: Any, u: Any) -> Any:
    """The float64 with these bits."""
    sig = types.float64(types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], ir.DoubleType())

    return sig, codegen


@nb.njit(cache=True, inline="always", error_model="numpy")
def _reduce(x: float) -> tuple[Any, Any, float]:
    """The main path of glibc's exp up to its last step: k (the bits of the shifted kd), the scale's bits, and tmp.

    exp(x) = 2^(k/N) exp(r): k the nearest integer to x N / ln2, |r| <= ln2 / 2N.
    """
    kd = fma(_INVLN2N, x, _SHIFT)  # type: ignore[call-arg,var-annotated]  # intrinsics: typed by Numba
    ki = as_u64(kd)
    kd = kd - _SHIFT
    r = fma(kd, _NEGLN2LO, fma(kd, _NEGLN2HI, x))
    idx = (ki & _MASK) * _TWO
    tail = as_f64(TAB[idx])
    sbits = TAB[idx + _ONE] + (ki << _S45)
    r2 = r * r
    tmp = fma(r2 * r2, fma(r, _C5, _C4), fma(r2, fma(r, _C3, _C2), tail + r))
    return ki, sbits, tmp


@nb.njit(cache=True, inline="always", error_model="numpy")
def exp_nb(x: float) -> float:
    """The ``exp(x)`` of glibc (FMA build), branch-free: every path computed, the right one selected."""
    bits = as_u64(x)  # type: ignore[call-arg,var-annotated]  # an intrinsic: typed by Numba
    abstop = (bits >> _S52) & _EXPBITS
    ki, sbits, tmp = _reduce(x)
    scale = as_f64(sbits)
    y = fma(scale, tmp, scale)
    # 512 <= |x| < 1024: glibc's specialcase (the scale's exponent may over- or underflow)
    s_hi = as_f64(sbits - _BIAS_HI)
    y_hi = _P1009 * fma(s_hi, tmp, s_hi)
    s_lo = as_f64(sbits + _BIAS_LO)
    st = s_lo * tmp  # one product, used twice: glibc's build does not fuse it
    y_lo = s_lo + st
    lo = s_lo - y_lo + st
    hi = 1.0 + y_lo
    lo = 1.0 - hi + y_lo + lo
    y_sub = (hi + lo) - 1.0
    y_sub = 0.0 if y_sub == 0.0 else y_sub
    y_lo = _PM1022 * (y_sub if y_lo < 1.0 else y_lo)
    y_special = y_lo if (ki & _SIGN) != 0 else y_hi
    # |x| >= 1024, infinities and NaN; |x| < 2^-54
    y_huge = 1.0 + x if abstop >= _EXPBITS else (0.0 if (bits >> np.uint64(63)) != 0 else np.inf)
    y_huge = 0.0 if bits == _NEG_INF else y_huge
    out = y_special if abstop >= _TOP_BIG else y
    out = y_huge if abstop >= _TOP_HUGE else out
    return 1.0 + x if abstop < _TOP_TINY else out


@nb.njit(cache=True, inline="always", error_model="numpy")
def exp_main_nb(x: float) -> float:
    """:func:`exp_nb`'s main path alone: the same operations, so the same bits wherever 2^-54 <= |x| < 512."""
    _, sbits, tmp = _reduce(x)
    scale = as_f64(sbits)  # type: ignore[call-arg,var-annotated]  # an intrinsic: typed by Numba
    return fma(scale, tmp, scale)  # type: ignore[no-any-return]


@nb.njit(cache=True, inline="always", error_model="numpy")
def main_range(x: Any, m: int) -> bool:
    """Whether every one of ``x[:m]`` is finite with 2^-54 <= |x| < 512 (where :func:`exp_main_nb` is :func:`exp_nb`).

    One vectorised reduction (a count of the lanes whose exponent field is outside the range; NaN and the
    infinities have the largest field), so that a block row pays the special cases only where one occurs.
    False where :data:`EXACT` is (then kernels call the C library).
    """
    if not EXACT:
        return False
    out = 0
    for j in range(m):
        top = (as_u64(x[j]) >> _S52) & _EXPBITS  # type: ignore[call-arg]  # an intrinsic: typed by Numba
        out += (top - _TOP_TINY) >= (_TOP_BIG - _TOP_TINY)  # unsigned: below the range wraps round to huge
    return out == 0  # type: ignore[no-any-return]


@nb.njit(cache=True, inline="always", error_model="numpy")
def exp_lanes(x: Any, out: Any, m: int) -> None:
    """``out[:m] = exp(x[:m])`` in a kernel, the same bits: the main path alone where :func:`main_range` holds.

    ``out`` may be ``x``.
    """
    if main_range(x, m):
        for j in range(m):
            out[j] = exp_main_nb(x[j])
    else:
        for j in range(m):
            out[j] = exp(x[j])


def exp(x: Any) -> Any:
    """``np.exp(x)``; inside a Numba kernel, :func:`exp_nb` for a float64 (the same bits, vectorisable)."""
    return np.exp(x)


@overload(exp, inline="always")
def _exp_overload(x):  # type: ignore[no-untyped-def]  # no annotations: Numba compares the signatures
    if EXACT and isinstance(x, types.Float) and x.bitwidth == 64:
        return lambda x: exp_nb(x)
    return lambda x: np.exp(x)
