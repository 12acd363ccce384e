"""``log`` for the kernels' Box-Muller: the same bits as the C library's, in code that LLVM vectorises.

As :mod:`.vexp` does for ``exp`` and :mod:`.vcos` for ``cos``: a Numba kernel's ``np.log`` is a call into
glibc, one value at a time, and a loop that calls it cannot be vectorised. :func:`log_nb` is glibc's
``log`` (Szabolcs Nagy's algorithm, glibc 2.28 and later, ARM optimized-routines ``log.c``; as built for
x86-64 with FMA: ``__log_fma``), written branch-free. ``x = 2^k z`` with ``z`` in ``[0x1.6p-1, 0x1.6p0)``;
a 128-entry table gives ``1/c`` and ``log(c)`` for the subinterval of ``z``; ``r = z/c - 1`` (one fused
multiply-add) goes into a degree-6 polynomial, ``k ln2 + log(c)`` is added in two parts. Inputs near 1
(``1 - 2^-4 <= x < 1 + 0x1.09p-4``) take a degree-12 polynomial in ``x - 1`` with ``x - 1`` split in two
halves for the leading term. Both are computed and the right one selected; so are the special cases
(subnormals normalised by ``2^52``; ``0 -> -inf``, negative and NaN ``-> NaN``, ``inf -> inf``, ``1 -> 0``).
The fused multiply-adds are where that build's machine code has them (read from its disassembly).

The table (:data:`TAB`, ``__log_data.tab``: ``invc, logc`` pairs) is glibc's, copied as hex literals: its
entries are the result of a search (``c`` near each subinterval's centre such that ``k ln2hi + logc`` is
exact and ``log(c)`` rounds well), not a formula that could be recomputed here.

``tests/test_vlog.py`` compares the bits with ``np.log`` on millions of values (Box-Muller's ``1 - u``
on the 2^-53 grid, values around 1 and the near-1 range's edges, subnormals, the whole range, special
values); ``scripts/check_vlog.py`` on tens of millions. A C library with another ``log`` would fail them;
:data:`EXACT` then switches :func:`log_nb` back to the library call.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .vexp import as_f64, as_u64, fma

#: False: :func:`log_nb` is the C library's log (one value at a time).
EXACT = True

#: glibc's ``__log_data.tab`` (e_log_data.c, N = 128): invc, logc for each subinterval, in order.
_TAB_HEX = (
    "0x1.734f0c3e0de9fp+0 -0x1.7cc7f79e69p-2 0x1.713786a2ce91fp+0 -0x1.76feec20dp-2 "
    "0x1.6f26008fab5ap+0 -0x1.713e31351ep-2 0x1.6d1a61f138c7dp+0 -0x1.6b85b382878p-2 "
    "0x1.6b1490bc5b4d1p+0 -0x1.65d55908078p-2 0x1.69147332f0cbap+0 -0x1.602d07618p-2 "
    "0x1.6719f18224223p+0 -0x1.5a8ca86909p-2 0x1.6524f99a51ed9p+0 -0x1.54f4356035p-2 "
    "0x1.63356aa8f24c4p+0 -0x1.4f637c36b4p-2 0x1.614b36b9ddc14p+0 -0x1.49da7fda85p-2 "
    "0x1.5f66452c65c4cp+0 -0x1.445923989a8p-2 0x1.5d867b5912c4fp+0 -0x1.3edf439b0b8p-2 "
    "0x1.5babccb5b90dep+0 -0x1.396ce448f7p-2 0x1.59d61f2d91a78p+0 -0x1.3401e17bdap-2 "
    "0x1.5805612465687p+0 -0x1.2e9e2ef468p-2 0x1.56397cee76bd3p+0 -0x1.2941b3830ep-2 "
    "0x1.54725e2a77f93p+0 -0x1.23ec58cda88p-2 0x1.52aff42064583p+0 -0x1.1e9e129279p-2 "
    "0x1.50f22dbb2bddfp+0 -0x1.1956d2b48f8p-2 0x1.4f38f4734ded7p+0 -0x1.141679ab9f8p-2 "
    "0x1.4d843cfde284p+0 -0x1.0edd094ef98p-2 0x1.4bd3ec078a3c8p+0 -0x1.09aa518db1p-2 "
    "0x1.4a27fc3e0258ap+0 -0x1.047e65263b8p-2 0x1.4880524d48434p+0 -0x1.feb224586fp-3 "
    "0x1.46dce1b192d0bp+0 -0x1.f474a7517bp-3 0x1.453d9d3391854p+0 -0x1.ea4443d103p-3 "
    "0x1.43a2744b4845ap+0 -0x1.e020d44e9bp-3 0x1.420b54115f8fbp+0 -0x1.d60a22977fp-3 "
    "0x1.40782da3ef4b1p+0 -0x1.cc00104959p-3 0x1.3ee8f5d57fe8fp+0 -0x1.c202956891p-3 "
    "0x1.3d5d9a00b4ce9p+0 -0x1.b81178d811p-3 0x1.3bd60c010c12bp+0 -0x1.ae2c9ccd3dp-3 "
    "0x1.3a5242b75dab8p+0 -0x1.a45402e129p-3 0x1.38d22cd9fd002p+0 -0x1.9a877681dfp-3 "
    "0x1.3755bc5847a1cp+0 -0x1.90c6d69483p-3 0x1.35dce49ad36e2p+0 -0x1.87120a645cp-3 "
    "0x1.34679984dd44p+0 -0x1.7d68fb4143p-3 0x1.32f5cceffcb24p+0 -0x1.73cb83c627p-3 "
    "0x1.3187775a10d49p+0 -0x1.6a39a9b376p-3 0x1.301c8373e399p+0 -0x1.60b3154b7ap-3 "
    "0x1.2eb4ebb95f841p+0 -0x1.5737d76243p-3 0x1.2d50a0219a9d1p+0 -0x1.4dc7b8fc23p-3 "
    "0x1.2bef9a8b7fd2ap+0 -0x1.4462c51d2p-3 0x1.2a91c7a0c1babp+0 -0x1.3b08abc83p-3 "
    "0x1.293726014b53p+0 -0x1.31b996b49p-3 0x1.27dfa5757a1f5p+0 -0x1.2875490a44p-3 "
    "0x1.268b39b1d3bbfp+0 -0x1.1f3b9f879ap-3 0x1.2539d838ff5bdp+0 -0x1.160c8252cap-3 "
    "0x1.23eb7aac9083bp+0 -0x1.0ce7f57f72p-3 0x1.22a012ba940b6p+0 -0x1.03cdc49feap-3 "
    "0x1.2157996cc4132p+0 -0x1.f57bdbc4b8p-4 0x1.201201dd2fc9bp+0 -0x1.e370896404p-4 "
    "0x1.1ecf4494d480bp+0 -0x1.d17983ef94p-4 0x1.1d8f5528f6569p+0 -0x1.bf9674ed8ap-4 "
    "0x1.1c52311577e7cp+0 -0x1.adc79202f6p-4 0x1.1b17c74cb26e9p+0 -0x1.9c0c3e7288p-4 "
    "0x1.19e010c2c1ab6p+0 -0x1.8a646b372cp-4 0x1.18ab07bb670bdp+0 -0x1.78d01b3acp-4 "
    "0x1.1778a25efbcb6p+0 -0x1.674f14538p-4 0x1.1648d354c31dap+0 -0x1.55e0e6d878p-4 "
    "0x1.151b990275fddp+0 -0x1.4485cdea1ep-4 0x1.13f0ea432d24cp+0 -0x1.333d94d6aap-4 "
    "0x1.12c8b7210f9dap+0 -0x1.22079f8c56p-4 0x1.11a3028ecb531p+0 -0x1.10e4698622p-4 "
    "0x1.107fbda8434afp+0 -0x1.ffa6c6ad2p-5 0x1.0f5ee0f4e6bb3p+0 -0x1.dda8d4a774p-5 "
    "0x1.0e4065d2a9fcep+0 -0x1.bbcece485p-5 0x1.0d244632ca521p+0 -0x1.9a1894012cp-5 "
    "0x1.0c0a77ce2981ap+0 -0x1.788583302cp-5 0x1.0af2f83c636d1p+0 -0x1.5715e67d68p-5 "
    "0x1.09ddb98a01339p+0 -0x1.35c8a49658p-5 0x1.08cabaf52e7dfp+0 -0x1.149e364154p-5 "
    "0x1.07b9f2f4e28fbp+0 -0x1.e72c082eb8p-6 0x1.06ab58c358f19p+0 -0x1.a55f152528p-6 "
    "0x1.059eea5ecf92cp+0 -0x1.63d62cf818p-6 0x1.04949cdd12c9p+0 -0x1.228fb8caap-6 "
    "0x1.038c6c6f0ada9p+0 -0x1.c317b20f9p-7 0x1.02865137932a9p+0 -0x1.419355daap-7 "
    "0x1.0182427ea7348p+0 -0x1.81203c2ecp-8 0x1.008040614b195p+0 -0x1.004097924p-9 "
    "0x1.fe01ff726fa1ap-1 0x1.feff3849p-9 0x1.fa11cc261ea74p-1 0x1.7dc41353dp-7 "
    "0x1.f6310b081992ep-1 0x1.3cea3c4c28p-6 0x1.f25f63ceeadcdp-1 0x1.b9fc11489p-6 "
    "0x1.ee9c8039113e7p-1 0x1.1b0d8ce11p-5 0x1.eae8078cbb1abp-1 0x1.58a5bd001cp-5 "
    "0x1.e741aa29d0c9bp-1 0x1.95c8340d88p-5 0x1.e3a91830a99b5p-1 0x1.d276aef578p-5 "
    "0x1.e01e009609a56p-1 0x1.07598e598cp-4 0x1.dca01e577bb98p-1 0x1.253f5e30d2p-4 "
    "0x1.d92f20b7c9103p-1 0x1.42edd8b38p-4 0x1.d5cac66fb5ccep-1 0x1.606598757cp-4 "
    "0x1.d272caa5ede9dp-1 0x1.7da76356ap-4 0x1.cf26e3e6b2ccdp-1 0x1.9ab434e1c6p-4 "
    "0x1.cbe6da2a77902p-1 0x1.b78c7bb0d6p-4 0x1.c8b266d37086dp-1 0x1.d431332e72p-4 "
    "0x1.c5894bd5d5804p-1 0x1.f0a3171de6p-4 0x1.c26b533bb9f8cp-1 0x1.067152b914p-3 "
    "0x1.bf583eeece73fp-1 0x1.147858292bp-3 0x1.bc4fd75db96c1p-1 0x1.2266ecdca3p-3 "
    "0x1.b951e0c864a28p-1 0x1.303d7a6c55p-3 0x1.b65e2c5ef3e2cp-1 0x1.3dfc33c331p-3 "
    "0x1.b374867c9888bp-1 0x1.4ba366b7a8p-3 0x1.b094b211d304ap-1 0x1.5933928d1fp-3 "
    "0x1.adbe885f2ef7ep-1 0x1.66acd2418fp-3 0x1.aaf1d31603da2p-1 0x1.740f8ec669p-3 "
    "0x1.a82e63fd358a7p-1 0x1.815c0f51afp-3 0x1.a5740ef09738bp-1 0x1.8e92954f68p-3 "
    "0x1.a2c2a90ab4b27p-1 0x1.9bb3602f84p-3 0x1.a01a01393f2d1p-1 0x1.a8bed1c2cp-3 "
    "0x1.9d79f24db3c1bp-1 0x1.b5b515c01dp-3 0x1.9ae2505c7b19p-1 0x1.c2967ccbccp-3 "
    "0x1.9852ef297ce2fp-1 0x1.cf635d5486p-3 0x1.95cbaeea44b75p-1 0x1.dc1bd3446cp-3 "
    "0x1.934c69de74838p-1 0x1.e8c01b8cfep-3 0x1.90d4f2f6752e6p-1 0x1.f5509c0179p-3 "
    "0x1.8e6528effd79dp-1 0x1.00e6c121fb8p-2 0x1.8bfce9fcc007cp-1 0x1.071b80e93dp-2 "
    "0x1.899c0dabec30ep-1 0x1.0d46b9e867p-2 0x1.87427aa2317fbp-1 0x1.13687334bdp-2 "
    "0x1.84f00acb39a08p-1 0x1.1980d672348p-2 0x1.82a49e8653e55p-1 0x1.1f8ffe0cc8p-2 "
    "0x1.8060195f4026p-1 0x1.2595fd76368p-2 0x1.7e22563e0a329p-1 0x1.2b9300914a8p-2 "
    "0x1.7beb377dcb5adp-1 0x1.3187210436p-2 0x1.79baa679725c2p-1 0x1.377266dec18p-2 "
    "0x1.77907f2170657p-1 0x1.3d54ffbaf3p-2 0x1.756cadbd6130cp-1 0x1.432eee32fep-2 "
)
TAB = np.array([float.fromhex(v) for v in _TAB_HEX.split()], dtype=np.float64)
_LN2HI, _LN2LO = float.fromhex("0x1.62e42fefa38p-1"), float.fromhex("0x1.ef35793c7673p-45")
#: ``__log_data.poly`` (degree 6, A[0] = -1/2 rounded up) and ``poly1`` (degree 12 near 1, B[0] = -1/2).
_A0, _A1, _A2, _A3, _A4 = (float.fromhex(c) for c in ("-0x1.0000000000001p-1", "0x1.555555551305bp-2",
                                                      "-0x1.fffffffeb459p-3", "0x1.999b324f10111p-3",
                                                      "-0x1.55575e506c89fp-3"))
_B0, _B1, _B2, _B3, _B4, _B5, _B6, _B7, _B8, _B9, _B10 = (float.fromhex(c) for c in (
    "-0x1p-1", "0x1.5555555555577p-2", "-0x1.ffffffffffdcbp-3", "0x1.999999995dd0cp-3", "-0x1.55555556745a7p-3",
    "0x1.24924a344de3p-3", "-0x1.fffffa4423d65p-4", "0x1.c7184282ad6cap-4", "-0x1.999eb43b068ffp-4",
    "0x1.78182f7afd085p-4", "-0x1.5521375d145cdp-4"))
_SPLIT = 2.0 ** 27
_P52 = 2.0 ** 52
#: 2^-1022 (the smallest normal double), the near-1 range [1 - 2^-4, 1 + 0x1.09p-4), the invalid result.
_TINY, _NEAR_LO, _NEAR_HI = 2.0 ** -1022, 1.0 - 2.0 ** -4, 1.0 + float.fromhex("0x1.09p-4")
_NAN = np.nan  # as glibc's log returns for x < 0 (sign bit clear)
#: Integer constants as uint64: OFF (bits of 0x1.6p-1), the exponent field's mask, 52 << 52 (the subnormals'
#: rescale), the table index's shift and mask.
_OFF, _EXPMASK, _SUB52 = (np.uint64(v) for v in (0x3FE6000000000000, 0xFFF0000000000000, 52 << 52))
_S45, _IMASK, _ONE = (np.uint64(v) for v in (45, 127, 1))


@nb.njit(cache=True, inline="always", error_model="numpy")
def _near_one(x: float) -> float:
    """The C library's path for ``1 - 2^-4 <= x < 1 + 0x1.09p-4`` (FMA build): degree 12 in ``r = x - 1``."""
    r = x - 1.0
    r2 = r * r
    r3 = r * r2
    a = fma(r2, _B3, fma(r, _B2, _B1))  # type: ignore[call-arg,var-annotated]
    b = fma(r2, _B6, fma(r, _B5, _B4))
    c = fma(r3, _B10, fma(r2, _B9, fma(r, _B8, _B7)))
    p = fma(fma(c, r3, b), r3, a)
    rhi = fma(-r, _SPLIT, fma(r, _SPLIT, r))  # r + w - w, w = r 2^27
    rlo = r - rhi
    rhi2 = rhi * rhi
    hi = fma(rhi2, _B0, r)
    lo = fma(rhi2, _B0, r - hi)
    lo = fma(_B0 * rlo, rhi + r, lo)
    return hi + fma(p, r3, lo)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _main(ix: np.uint64) -> float:
    """The C library's main path, for a positive normal double with bits ``ix`` (FMA build)."""
    tmp = ix - _OFF
    i = ((tmp >> _S45) & _IMASK) << _ONE
    kd = float(np.int64(tmp) >> np.int64(52))
    z = as_f64(ix - (tmp & _EXPMASK))  # type: ignore[call-arg,var-annotated]
    invc, logc = TAB[i], TAB[i + _ONE]
    r = fma(z, invc, -1.0)  # type: ignore[call-arg,var-annotated]
    w = fma(kd, _LN2HI, logc)
    hi = r + w
    lo = fma(kd, _LN2LO, (w - hi) + r)
    r2 = r * r
    q = fma(fma(r, _A4, _A3), r2, fma(r, _A2, _A1))
    return fma(r * r2, q, fma(r2, _A0, lo)) + hi


@nb.njit(cache=True, inline="always", error_model="numpy")
def on_table_path(x: float) -> bool:
    """Whether ``x`` is a positive normal double off the near-1 range: where :func:`log_table_nb` is ``log``."""
    return (_TINY <= x < _NEAR_LO) or (_NEAR_HI <= x < np.inf)


@nb.njit(cache=True, inline="always", error_model="numpy")
def log_table_nb(x: float) -> float:
    """``log(x)`` where :func:`on_table_path` (other ``x``: not this function's): the table path alone.

    Where few values are off it (Box-Muller's ``1 - u``: one in 16 near 1), a loop of this and then a pass
    that replaces the other values by :func:`log_nb` is faster than a loop of :func:`log_nb`
    (``core.rng.normal_lanes``).
    """
    return _main(as_u64(x)) if EXACT else float(np.log(x))  # type: ignore[call-arg]


@nb.njit(cache=True, inline="always", error_model="numpy")
def is_positive_normal(x: float) -> bool:
    """Whether ``x`` is a positive normal (finite) double: where :func:`log_normal_nb` is ``log``."""
    return (_TINY <= x) & (x < np.inf)  # type: ignore[no-any-return]


@nb.njit(cache=True, inline="always", error_model="numpy")
def log_normal_nb(x: float) -> float:
    """``log(x)`` where :func:`is_positive_normal` (other ``x``: not this function's), branch-free.

    :func:`log_nb` without its special cases: the table path and the near-1 path are both computed and the right
    one selected. Box-Muller's ``1 - u`` is near 1 in one lane of 16, at random: a loop of this is faster than
    the table path followed by a lane-by-lane pass for the others (``core.rng.normal_lanes``).
    """
    y_near = 0.0 if x == 1.0 else _near_one(x)
    y = _main(as_u64(x))  # type: ignore[call-arg]
    y = y_near if (_NEAR_LO <= x) & (x < _NEAR_HI) else y
    return y if EXACT else float(np.log(x))


@nb.njit(cache=True, inline="always", error_model="numpy")
def log_nb(x: float) -> float:
    """The ``log(x)`` of glibc (FMA build), branch-free: every path computed, the right one selected.

    Kernels call it where the NumPy reference calls ``np.log``. The selections compare doubles (as the C
    library's integer comparisons of the bits do for these ranges) so that they stay packed.
    """
    sub = x < _TINY  # subnormals (and zero, negatives: replaced below): x 2^52, exponent lowered by 52
    ixs = as_u64(x * _P52) - _SUB52  # type: ignore[call-arg,operator]
    y = _main(ixs if sub else as_u64(x))  # type: ignore[call-arg]
    y = -np.inf if x == 0.0 else y
    y = x if x == np.inf else y
    y = _NAN if x < 0.0 else y  # glibc's __math_invalid
    y = x - x if x != x else y  # a NaN x: x, quieted
    y_near = 0.0 if x == 1.0 else _near_one(x)
    y = y_near if _NEAR_LO <= x < _NEAR_HI else y
    return y if EXACT else float(np.log(x))  # EXACT is a compile-time constant: one of the two is compiled
