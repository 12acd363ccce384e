"""``cos`` for the kernels' Box-Muller: the same bits as the C library's, in code that LLVM vectorises.

As :mod:`.vexp` does for ``exp``: a Numba kernel's ``np.cos`` is a call into glibc, one value at a
time, and a loop that calls it cannot be vectorised. :func:`cos_nb` is glibc's ``cos`` (the IBM Accurate
Mathematical Library's ``__cos`` in ``sysdeps/ieee754/dbl-64/s_sin.c``, glibc 2.28 and later, as built for
x86-64 with FMA: ``__cos_fma``) for ``|x| < 105414350``, written branch-free: the argument reduction of
each range (none below 0.855469; ``pi/2 - |x|`` below 2.426265; ``reduce_sincos`` above), both of
``do_cos`` and ``do_sin`` (with its Taylor branch for ``|a| < 0.126``), and the quadrant's sign are all
computed, and the right one is selected. The fused multiply-adds are where that build's machine code
has them (read from its disassembly); the table of ``sin`` and ``cos`` at ``i/128`` (``__sincostab``, as
double-double pairs) is computed here at import and then corrected where the library's table is not
the nearest double-double (the low parts of 18 entries, listed in :data:`_LOW_FIXES`).

``tests/test_vcos.py`` compares the bits with ``np.cos`` on millions of values over ``[0, 2 pi)`` (the
Box-Muller range) and beyond, including each range's edges. A C library with another ``cos`` would fail
it; :data:`EXACT` then switches :func:`cos_nb` back to the library call.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .vexp import as_f64, as_u64, fma

#: False: :func:`cos_nb` is the C library's cos (one value at a time).
EXACT = True

#: Corrections, in units of the last place of the double's bit pattern, of the table entries (all low parts)
#: where glibc's ``__sincostab`` differs from the nearest double-double of sin(i/128) / cos(i/128).
_LOW_FIXES = {9: 1, 41: 1, 93: 39, 107: 1, 109: 1, 133: 1, 137: 1, 145: 1, 161: -2, 179: 1, 283: 1, 301: 1,
              303: -2, 319: 1, 341: 1, 361: -2, 377: 1, 429: 1}


def _table() -> np.ndarray:
    """``[sin hi, sin lo, cos hi, cos lo]`` of i/128 for i < 110 (440 doubles, the layout of ``__sincostab``)."""
    import mpmath  # type: ignore[import-untyped]

    with mpmath.workprec(300):
        tab = np.empty(440, dtype=np.float64)
        for i in range(110):
            x = mpmath.mpf(i) / 128
            for j, f in enumerate((mpmath.sin, mpmath.cos)):
                v = f(x)
                hi = float(v)
                tab[4 * i + 2 * j] = hi
                tab[4 * i + 2 * j + 1] = float(v - mpmath.mpf(hi))
    bits = tab.view(np.int64)
    for k, d in _LOW_FIXES.items():
        bits[k] += d
    return tab


TAB = _table()
_MAX_K = np.uint64(436)
_BIG = float.fromhex("0x1.8p45")
_HP0, _HP1 = float.fromhex("0x1.921FB54442D18p0"), float.fromhex("0x1.1A62633145C07p-54")
_HPINV, _TOINT = float.fromhex("0x1.45F306DC9C883p-1"), float.fromhex("0x1.8p52")
_MP1, _MP2 = float.fromhex("0x1.921FB58000000p0"), -float.fromhex("0x1.DDE973C000000p-27")
_PP3, _PP4 = -float.fromhex("0x1.CB3B398000000p-55"), -float.fromhex("0x1.d747f23e32ed7p-83")
#: do_sin's and do_cos's polynomials (the decimal constants of s_sin.c, rounded)
_SN3, _SN5 = -1.66666666666664880952546298448555E-01, 8.33333214285722277379541354343671E-03
_CS2, _CS4, _CS6 = 0.5, -4.16666666666664434524222570944589E-02, 1.38888874007937613028114285595617E-03
#: TAYLOR_SIN's polynomial (usncs.h)
_S1, _S2, _S3, _S4, _S5 = (float.fromhex(c) for c in ("-0x1.5555555555555p-3", "0x1.1111111110ECEp-7",
                                                      "-0x1.A01A019DB08B8p-13", "0x1.71DE27B9A7ED9p-19",
                                                      "-0x1.ADDFFC2FCDF59p-26"))
_ABSMASK = np.uint64(0x7FFFFFFFFFFFFFFF)
_SIGNMASK = np.uint64(0x8000000000000000)
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_ONE, _TWO, _THREE = np.uint64(1), np.uint64(2), np.uint64(3)
_K_TINY, _K_A, _K_B = np.uint64(0x3E400000), np.uint64(0x3FEB6000), np.uint64(0x400368FD)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _index(ax: float) -> tuple[float, np.uint64]:
    """``|x| - (u - big)`` and the table offset ``4 round(128 |x|)`` (``u = big + |x|``), offset clamped in range."""
    u = _BIG + ax
    k = (as_u64(u) & _LOW32) << np.uint64(2)  # type: ignore[call-arg]
    return ax - (u - _BIG), (k if k < _MAX_K else _MAX_K)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _do_cos(x: float, dx: float) -> float:
    """The C library's ``do_cos(x, dx)`` (FMA build)."""
    dx = -dx if x < 0.0 else dx
    xr, k = _index(abs(x))
    xr = xr + dx
    xx = xr * xr
    s = fma(xr * xx, fma(xx, _SN5, _SN3), xr)  # type: ignore[call-arg,var-annotated]
    c = xx * fma(xx, fma(xx, _CS6, _CS4), _CS2)
    sn, ssn, cs, ccs = TAB[k], TAB[k + _ONE], TAB[k + _TWO], TAB[k + _THREE]
    cor = fma(-s, sn, fma(-c, cs, fma(-s, ssn, ccs)))
    return cs + cor


@nb.njit(cache=True, inline="always", error_model="numpy")
def _do_sin(x: float, dx: float) -> float:
    """The C library's ``do_sin(x, dx)`` (FMA build), Taylor branch (``|x| < 0.126``) selected."""
    xx0 = x * x
    poly = fma(fma(fma(fma(_S5, xx0, _S4), xx0, _S3), xx0, _S2), xx0, _S1)  # type: ignore[call-arg,var-annotated]
    taylor = x + fma(xx0, fma(poly, x, -(dx * 0.5)), dx)
    dxs = -dx if x <= 0.0 else dx
    xr, k = _index(abs(x))
    xx = xr * xr
    s = xr + fma(xr * xx, fma(xx, _SN5, _SN3), dxs)
    c = fma(xr, dxs, xx * fma(xx, fma(xx, _CS6, _CS4), _CS2))
    sn, ssn, cs, ccs = TAB[k], TAB[k + _ONE], TAB[k + _TWO], TAB[k + _THREE]
    cor = fma(s, cs, fma(-c, sn, fma(s, ccs, ssn)))
    res = sn + cor
    res = as_f64((as_u64(res) & _ABSMASK) | (as_u64(x) & _SIGNMASK))  # type: ignore[call-arg]  # copysign
    return taylor if abs(x) < 0.126 else res


@nb.njit(cache=True, inline="always", error_model="numpy")
def cos_nb(x: float) -> float:
    """The ``cos(x)`` of glibc (FMA build) for ``|x| < 105414350``, branch-free (other ``x``: not this function's).

    Kernels call it where the NumPy reference calls ``np.cos`` (Box-Muller: ``core.rng.normal_lanes``).
    """
    kx = (as_u64(x) >> _S32) & np.uint64(0x7FFFFFFF)  # type: ignore[call-arg]
    ax = abs(x)
    # 0.855469 <= |x| < 2.426265: sin(pi/2 - |x|), pi/2 as hp0 + hp1
    y = _HP0 - ax
    a_b = y + _HP1
    da_b = (y - a_b) + _HP1
    # 2.426265 <= |x|: reduce_sincos (x = xn pi/2 + a + da), quadrant n; cos is do_sincos(a, da, n + 1)
    t = fma(x, _HPINV, _TOINT)
    xn = t - _TOINT
    n = as_u64(t) & _THREE  # type: ignore[call-arg]
    yr = fma(-xn, _MP2, fma(-xn, _MP1, x))
    t2 = fma(-xn, _PP3, yr)
    db = fma(-xn, _PP3, yr - t2)
    b = fma(-xn, _PP4, t2)
    db = db + fma(-xn, _PP4, t2 - b)
    use_a = kx < _K_A
    use_c = kx >= _K_B
    a = x if use_a else (b if use_c else a_b)
    da = 0.0 if use_a else (db if use_c else da_b)
    # which of do_cos / do_sin, and the sign: range A do_cos; B do_sin; C do_cos for n even, else do_sin
    want_cos = use_a or (use_c and (n & _ONE) == 0)
    negate = use_c and ((n + _ONE) & _TWO) != 0
    rc = _do_cos(a, da)
    rs = _do_sin(a, da)
    r = rc if want_cos else rs
    r = -r if negate else r
    r = 1.0 if kx < _K_TINY else r
    return r if EXACT else float(np.cos(x))  # EXACT is a compile-time constant: one of the two is compiled

