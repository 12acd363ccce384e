"""Counter-based random numbers keyed on (seed, stream, step, id).

Every draw is a pure function of its key, so a run does not depend on the order in
which people are processed, on the number of threads, or on chunking, and two
scenario arms share every draw they have in common (common random numbers).

The generator is SplitMix64 (Steele, Lea & Flood 2014) applied as a hash:

``person_key = mix(mix(stream_key ^ (step * G)) ^ id)``, draw ``k`` is
``mix(person_key + k * G)`` and a uniform is its top 53 bits scaled to [0, 1).

The Numba functions (``*_nb``) and the NumPy functions (``*_np``) perform the same
integer operations and give identical bits.
"""

from __future__ import annotations

import hashlib

import numba as nb
import numpy as np
import numpy.typing as npt

from .vcos import cos_nb
from .vexp import as_f64, exp, exp_main_nb, main_range
from .vlog import is_positive_normal, log_nb, log_normal_nb

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53
#: Reciprocals 1/1 .. 1/401: the inversion loops multiply by these instead of dividing (a division costs
#: several multiplications' latency on the loop's dependency chain).
RECIPROCALS = 1.0 / np.arange(1, 402, dtype=np.float64)
#: The bits of 2^52 and of 1.5 * 2^52: an integer below 2^52 (or of magnitude below 2^51) put in (added to) their
#: significand gives a float64 that, less 2^52 (1.5 * 2^52), is the integer exactly. AVX2 has no packed int64 to
#: float64 conversion (the compiler converts lane by lane); these bit operations vectorise.
_MAGIC52 = np.uint64(0x4330000000000000)
_MAGIC52_SIGNED = np.uint64(0x4338000000000000)
_TWO52 = 2.0 ** 52
_TWO52_SIGNED = 1.5 * 2.0 ** 52
#: The bits of 2^84, and 2^84 + 2^52: the high 21 bits of a 53-bit integer in 2^84's significand (see
#: :func:`uniform_bits_f64`).
_MAGIC84 = np.uint64(0x4530000000000000)
_TWO84_52 = 2.0 ** 84 + 2.0 ** 52
_LOW32, _S32 = np.uint64(0xFFFFFFFF), np.uint64(32)

U64Array = npt.NDArray[np.uint64]


def stream_id(name: str) -> int:
    """A stable 64-bit number for a stream name (independent of Python's hash seed)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _mix_py(x: int) -> int:
    mask = (1 << 64) - 1
    z = (x + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def stream_key(seed: int, stream: str) -> np.uint64:
    """The key of one named stream for one seed."""
    if seed < 0:
        raise ValueError(f"The 'seed' must be a non-negative integer. Got {seed} instead.")
    return np.uint64(_mix_py(_mix_py(seed & ((1 << 64) - 1)) ^ stream_id(stream)))


@nb.njit(cache=True, inline="always")
def mix_nb(x: np.uint64) -> np.uint64:
    """SplitMix64 finaliser on one 64-bit word."""
    z = x + GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(cache=True, inline="always")
def step_key_nb(key: np.uint64, step: np.int64) -> np.uint64:
    """Key of one stream at one step."""
    return mix_nb(key ^ (np.uint64(step) * GOLDEN))


@nb.njit(cache=True, inline="always")
def person_key_nb(skey: np.uint64, pid: np.int64) -> np.uint64:
    """Key of one person within a stream-step."""
    return mix_nb(skey ^ np.uint64(pid))


@nb.njit(cache=True, inline="always")
def uniform_nb(pkey: np.uint64, k: np.int64) -> float:
    """Draw number ``k`` of a person-step as a float64 in [0, 1)."""
    h = mix_nb(pkey + np.uint64(k) * GOLDEN)
    return float(h >> _S11) * _INV53


def step_key_np(key: np.uint64, step: int) -> np.uint64:
    """NumPy twin of :func:`step_key_nb`."""
    with np.errstate(over="ignore"):
        return np.uint64(_mix_np(np.asarray(key ^ (np.uint64(step) * GOLDEN), dtype=np.uint64)))


def person_key_np(skey: np.uint64, ids: npt.ArrayLike) -> U64Array:
    """NumPy twin of :func:`person_key_nb` for an array of ids."""
    return _mix_np(np.uint64(skey) ^ np.asarray(ids).astype(np.uint64))


def uniform_np(pkeys: U64Array, k: int) -> npt.NDArray[np.float64]:
    """NumPy twin of :func:`uniform_nb`."""
    with np.errstate(over="ignore"):
        h = _mix_np(pkeys + np.uint64(k) * GOLDEN)
    return (h >> _S11).astype(np.float64) * _INV53


def _mix_np(x: U64Array) -> U64Array:
    with np.errstate(over="ignore"):
        z = x + GOLDEN
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def uniforms(seed: int, stream: str, step: int, ids: npt.ArrayLike, k: int = 0) -> npt.NDArray[np.float64]:
    """Uniform draws in [0, 1) for the given ids: the public, vectorised entry point."""
    pk = person_key_np(step_key_np(stream_key(seed, stream), step), ids)
    return uniform_np(pk, k)


def normals(seed: int, stream: str, step: int, ids: npt.ArrayLike, k: int = 0) -> npt.NDArray[np.float64]:
    """Standard normal draws (Box-Muller on draws ``k`` and ``k + 1``)."""
    pk = person_key_np(step_key_np(stream_key(seed, stream), step), ids)
    return box_muller_np(uniform_np(pk, k), uniform_np(pk, k + 1))


def box_muller_np(u1: npt.NDArray[np.float64], u2: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Box-Muller transform; ``u1`` is moved off zero."""
    return np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)


@nb.njit(cache=True, inline="always")
def normal_nb(pkey: np.uint64, k: np.int64) -> float:
    """Standard normal from draws ``k`` and ``k + 1`` (Box-Muller)."""
    u1 = uniform_nb(pkey, k)
    u2 = uniform_nb(pkey, k + 1)
    return float(np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2))


@nb.njit(cache=True, inline="always")
def int_power_nb(x: float, n: int) -> float:
    """``x ** n`` for an integer ``n >= 0`` by repeated squaring (a few multiplications instead of ``pow``)."""
    out = 1.0
    base = x
    while n > 0:
        if n & 1:
            out *= base
        base *= base
        n >>= 1
    return out


@nb.njit(cache=True, inline="always")
def poisson_inv_nb(u: float, lam: float) -> int:
    """Poisson draw by inversion (exact for the weekly rates used here, lam < 60)."""
    if lam <= 0.0:
        return 0
    p = np.exp(-lam)
    s = p
    k = 0
    while u > s and k < 400:
        p = p * lam * RECIPROCALS[k]
        k += 1
        s += p
    return k


@nb.njit(cache=True, inline="always")
def binomial_inv_nb(u: float, n: int, p: float) -> int:
    """Binomial draw by inversion of the CDF from zero (n is small: weekly counts, at most 400)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    prob = int_power_nb(q, n)
    s = prob
    k = 0
    r = p / q
    while u > s and k < n:
        prob = prob * r * (n - k) * RECIPROCALS[k]
        k += 1
        s += prob
    return k


def int_power_np(x: npt.NDArray[np.float64], n: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """NumPy twin of :func:`int_power_nb` (the same multiplications in the same order)."""
    out = np.ones(x.shape, dtype=np.float64)
    base = np.asarray(x, dtype=np.float64).copy()
    n = np.asarray(n, dtype=np.int64).copy()
    while (n > 0).any():
        odd = (n & 1) == 1
        out[odd] *= base[odd]
        base *= base
        n >>= 1
    return out


def poisson_inv_np(u: npt.NDArray[np.float64], lam: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """NumPy twin of :func:`poisson_inv_nb` (same operations, same results)."""
    lam = np.asarray(lam, dtype=np.float64)
    p = np.exp(-lam)
    s = p.copy()
    k = np.zeros(u.shape, dtype=np.int64)
    active = (u > s) & (lam > 0.0)
    while active.any():
        idx = np.nonzero(active)[0]
        p[idx] = p[idx] * lam[idx] * RECIPROCALS[k[idx]]
        k[idx] += 1
        s[idx] += p[idx]
        active[idx] = (u[idx] > s[idx]) & (k[idx] < 400)
    return k


def binomial_inv_np(
    u: npt.NDArray[np.float64], n: npt.NDArray[np.int64], p: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """NumPy twin of :func:`binomial_inv_nb`."""
    n = np.asarray(n, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    k = np.zeros(u.shape, dtype=np.int64)
    full = (p >= 1.0) & (n > 0)
    k[full] = n[full]
    work = (n > 0) & (p > 0.0) & (p < 1.0)
    q = np.where(work, 1.0 - p, 1.0)
    prob = np.where(work, int_power_np(q, np.where(work, n, 0)), 0.0)
    s = prob.copy()
    r = np.where(work, p / q, 0.0)
    active = work & (u > s)
    while active.any():
        idx = np.nonzero(active)[0]
        prob[idx] = prob[idx] * r[idx] * (n[idx] - k[idx]) * RECIPROCALS[k[idx]]
        k[idx] += 1
        s[idx] += prob[idx]
        active[idx] = (u[idx] > s[idx]) & (k[idx] < n[idx])
    return k


# ---------------------------------------------------------------------------------------------------------------------
# Block (lane-wise) draws for the wide kernels: the same results as the scalar functions above, draw for draw.
#
# A wide kernel runs a block of people ("lanes") through each phase of its step together. These helpers take
# per-lane arrays (length at least ``m``) and perform, lane by lane, exactly the floating-point operations of the
# scalar function they mirror, in the same order, so every lane's result is bit-identical to the scalar call. The
# inversion loops run over the draw number ``j`` for all lanes together, with masked (selected) updates, until no
# lane is left: the inner loops over lanes are branch-free and LLVM vectorises them (AVX2: four float64 lanes);
# see docs/performance.md. They are compiled with ``error_model="numpy"`` (no division checks in the loops).
# ---------------------------------------------------------------------------------------------------------------------


@nb.njit(cache=True, inline="always")
def box_muller_nb(u1: float, u2: float) -> float:
    """The Box-Muller transform of two uniforms: :func:`normal_nb` is ``box_muller_nb(draw k, draw k + 1)``."""
    return float(np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2))


@nb.njit(cache=True, inline="always")
def small_int_f64(x: np.int64) -> float:
    """``float(x)`` for ``|x| < 2**51``, exactly, by bit operations that vectorise (see ``_MAGIC52``)."""
    return as_f64(np.uint64(x) + _MAGIC52_SIGNED) - _TWO52_SIGNED  # type: ignore[call-arg,no-any-return]


@nb.njit(cache=True, inline="always")
def uniform_bits_f64(h: np.uint64) -> float:
    """``float(h >> 11) * 2**-53`` (the uniform of hash ``h``, as :func:`uniform_nb`), the same bits.

    ``x = h >> 11 < 2**53``: its high 21 and low 32 bits go into the significands of 2^84 and 2^52; the first less
    2^84 + 2^52, plus the second, is ``x`` exactly (every step is exact below 2^53), the way compilers convert
    unsigned integers, in operations that vectorise.
    """
    x = h >> _S11
    hi = as_f64((x >> _S32) | _MAGIC84) - _TWO84_52  # type: ignore[call-arg]  # an intrinsic: typed by Numba
    return (hi + as_f64((x & _LOW32) | _MAGIC52)) * _INV53  # type: ignore[call-arg,no-any-return]


@nb.njit(cache=True, error_model="numpy")
def uniform_lanes(pkeys: U64Array, k: np.int64, out: npt.NDArray[np.float64], m: int) -> None:
    """``out[l] = uniform_nb(pkeys[l], k)`` for ``l < m`` (vectorised hashes, vectorised conversion to float)."""
    kg = np.uint64(k) * GOLDEN
    for lane in range(m):
        out[lane] = uniform_bits_f64(mix_nb(pkeys[lane] + kg))


@nb.njit(cache=True, error_model="numpy")
def normal_lanes(u1: npt.NDArray[np.float64], u2: npt.NDArray[np.float64], out: npt.NDArray[np.float64],
                 m: int) -> None:
    """``out[l] = box_muller_nb(u1[l], u2[l])`` for ``l < m``: the same operations, in loops LLVM vectorises.

    ``log`` (``core/vlog.py``) and ``cos`` (``core/vcos.py``) are the C library's bits in vectorisable code.
    ``log`` of ``1 - u`` (a positive normal double for ``0 <= u < 1``) is :func:`log_normal_nb`, both of its
    paths computed for every lane; a block with another value (none can be) takes the whole function.
    """
    odd = 0
    for lane in range(m):
        x = 1.0 - u1[lane]
        odd += int(not is_positive_normal(x))
        out[lane] = log_normal_nb(x)
    if odd > 0:
        for lane in range(m):
            out[lane] = log_nb(1.0 - u1[lane])
    for lane in range(m):
        out[lane] = np.sqrt(-2.0 * out[lane]) * cos_nb(2.0 * np.pi * u2[lane])


#: An inversion's passes run over the whole block while more than this many lanes are unfinished; then the unfinished
#: lanes are moved to the front of the scratch rows (compacted) and the passes continue over those alone, one vector
#: (a pass over the whole block costs as much as many lanes' steps, and the last lanes are the longest). 4 measured
#: best of 4, 8, 16 and 32 (docs/performance.md, perf5).
TAIL_LANES = 4


@nb.njit(cache=True, inline="always", error_model="numpy")
def poisson_inv_lanes(u: npt.NDArray[np.float64], lam: npt.NDArray[np.float64], k: npt.NDArray[np.int64],
                      prob: npt.NDArray[np.float64], s: npt.NDArray[np.float64], ud: npt.NDArray[np.float64],
                      lamd: npt.NDArray[np.float64], idx: npt.NDArray[np.int64], kd: npt.NDArray[np.int64],
                      m: int) -> None:
    """``k[l] = poisson_inv_nb(u[l], lam[l])`` for ``l < m``; the arrays after ``k`` are scratch.

    A lane with ``lam == 0`` (or NaN) starts with ``s = 1 > u`` and stays at 0, as the scalar function returns 0
    (rates must not be negative: such a lane would not stay at 0).
    Each pass takes two steps (draw numbers ``j`` and ``j + 1``), so that the lanes' state is loaded and stored once
    for two. When at most :data:`TAIL_LANES` lanes are unfinished, they are compacted (an unfinished lane has taken
    every step: its ``k`` is ``j``) and the passes continue over them alone, with the same operations.
    """
    # exp(-lam) (1 where lam is not positive): vexp's main path alone where every argument is in its range (a
    # lane without a positive rate takes -1 there, then 1), else vexp.exp; the C library's bits (core/vexp.py)
    for lane in range(m):
        lv = lam[lane]
        prob[lane] = -lv if lv > 0.0 else -1.0
    if main_range(prob, m):
        for lane in range(m):
            prob[lane] = exp_main_nb(prob[lane]) if lam[lane] > 0.0 else 1.0
    else:
        for lane in range(m):
            prob[lane] = exp(prob[lane]) if lam[lane] > 0.0 else 1.0
    alive = 0
    for lane in range(m):
        s[lane] = prob[lane]
        k[lane] = 0
        alive += int(u[lane] > s[lane])
    j = 0
    while alive > TAIL_LANES and j < 400:
        alive = _poisson_pass(u, lam, prob, s, k, j, m)
        j += 2
    if alive > 0:
        nd = 0
        for lane in range(m):
            if (u[lane] > s[lane]) & (k[lane] < 400):
                ud[nd], lamd[nd], prob[nd], s[nd], idx[nd], kd[nd] = u[lane], lam[lane], prob[lane], s[lane], lane, 0
                nd += 1
        while alive > 0:
            alive = _poisson_pass(ud, lamd, prob, s, kd, j, nd)
            j += 2
        for d in range(nd):
            k[idx[d]] += kd[d]


@nb.njit(cache=True, inline="always", error_model="numpy")
def _poisson_pass(u: npt.NDArray[np.float64], lam: npt.NDArray[np.float64], prob: npt.NDArray[np.float64],
                  s: npt.NDArray[np.float64], k: npt.NDArray[np.int64], j: int, m: int) -> int:
    """Steps ``j`` and ``j + 1`` of :func:`poisson_inv_nb`'s loop for lanes ``l < m``; the lanes left unfinished."""
    rj0 = RECIPROCALS[j]
    rj1 = RECIPROCALS[j + 1]
    second = j + 1 < 400
    alive = 0
    for lane in range(m):
        ul = u[lane]
        lv = lam[lane]
        s0 = s[lane]
        go0 = ul > s0
        p1 = prob[lane] * lv * rj0
        s1 = s0 + p1
        go1 = go0 & (ul > s1) & second  # step j + 1 is taken only after step j
        p2 = p1 * lv * rj1
        s2 = s1 + p2
        # stored unconditionally (no masked stores): a finished lane's s only grows (pn >= 0) or turns NaN,
        # so it never has u > s again, and its prob is never used
        prob[lane] = p2
        s[lane] = s2
        k[lane] += int(go0) + int(go1)
        alive += int((ul > s2) & (j + 2 < 400))
    return alive


@nb.njit(cache=True, inline="always", error_model="numpy")
def binomial_inv_lanes(u: npt.NDArray[np.float64], n: npt.NDArray[np.int64], p: npt.NDArray[np.float64],
                       k: npt.NDArray[np.int64], prob: npt.NDArray[np.float64], s: npt.NDArray[np.float64],
                       r: npt.NDArray[np.float64], nw: npt.NDArray[np.int64], nwf: npt.NDArray[np.float64],
                       ud: npt.NDArray[np.float64], idx: npt.NDArray[np.int64], kd: npt.NDArray[np.int64],
                       m: int) -> None:
    """``k[l] = binomial_inv_nb(u[l], n[l], p[l])`` for ``l < m``; the arrays after ``k`` are scratch.

    Lanes that need no inversion (``n <= 0``, ``p <= 0``: 0; ``p >= 1``: ``n``) get ``nw = 0`` trials and never
    take part; the others compute ``q ** n`` by the same repeated squaring as :func:`int_power_nb`. The passes use
    the trials as float64 (``nwf - j`` is ``float(n - k)`` exactly: small integers; AVX2 has no packed int64 to
    float64 conversion, so :func:`small_int_f64` converts). When at most :data:`TAIL_LANES` lanes are unfinished,
    they are compacted (``k`` is ``j`` in each) and the passes continue over them alone.
    """
    top = 0
    for lane in range(m):
        nl = n[lane]
        pl = p[lane]
        work = (nl > 0) & (pl > 0.0) & (pl < 1.0)
        k[lane] = nl if ((nl > 0) & (pl >= 1.0)) else 0
        q = 1.0 - pl
        nwl = nl if work else 0
        nw[lane] = nwl
        nwf[lane] = small_int_f64(nwl)  # type: ignore[arg-type]  # an int64 in Numba
        r[lane] = pl / q if work else 0.0
        s[lane] = q if work else 1.0  # the base of the repeated squaring
        prob[lane] = 1.0
        top = max(top, nwl)
    if top == 0:
        return
    b = 0
    while (top >> b) > 0:  # int_power_nb, lane by lane: out *= base where the bit is set; base *= base
        for lane in range(m):
            bl = s[lane]
            prob[lane] = prob[lane] * (bl if (nw[lane] >> b) & 1 else 1.0)  # x * 1.0 is x, bit for bit
            s[lane] = bl * bl
        b += 1
    alive = 0
    for lane in range(m):
        w = nw[lane] > 0
        s[lane] = prob[lane] if w else 2.0  # a lane outside the inversion never has u > s
        alive += int(u[lane] > s[lane])
    j = 0
    while alive > TAIL_LANES and j < top:
        alive = _binomial_pass(u, r, nwf, prob, s, k, j, m)
        j += 2
    if alive > 0:
        nd = 0
        for lane in range(m):
            if (u[lane] > s[lane]) & (k[lane] < nw[lane]):
                ud[nd], r[nd], nwf[nd], prob[nd], s[nd], idx[nd], kd[nd] = (u[lane], r[lane], nwf[lane], prob[lane],
                                                                            s[lane], lane, 0)
                nd += 1
        while alive > 0:  # a lane is alive only while j < its trials <= top (RECIPROCALS has 401 entries)
            alive = _binomial_pass(ud, r, nwf, prob, s, kd, j, nd)
            j += 2
        for d in range(nd):
            k[idx[d]] += kd[d]


@nb.njit(cache=True, inline="always", error_model="numpy")
def _binomial_pass(u: npt.NDArray[np.float64], r: npt.NDArray[np.float64], nwf: npt.NDArray[np.float64],
                   prob: npt.NDArray[np.float64], s: npt.NDArray[np.float64], k: npt.NDArray[np.int64], j: int,
                   m: int) -> int:
    """Steps ``j`` and ``j + 1`` of :func:`binomial_inv_nb`'s loop for lanes ``l < m``; the lanes left unfinished."""
    rj0 = RECIPROCALS[j]
    rj1 = RECIPROCALS[j + 1]  # j + 1 < top <= 400: within the table
    jf0 = float(j)
    jf1 = jf0 + 1.0
    alive = 0
    for lane in range(m):
        ul = u[lane]
        rl = r[lane]
        nl = nwf[lane]
        s0 = s[lane]
        go0 = (ul > s0) & (jf0 < nl)
        p1 = prob[lane] * rl * (nl - jf0) * rj0
        s1 = s0 + p1
        go1 = go0 & (ul > s1) & (jf1 < nl)  # step j + 1 is taken only after step j
        p2 = p1 * rl * (nl - jf1) * rj1
        s2 = s1 + p2
        # stored unconditionally (no masked stores): a lane finished by u <= s has pn >= 0, so its s never
        # falls below u again; a lane finished by j >= nw stays finished whatever its s
        prob[lane] = p2
        s[lane] = s2
        k[lane] += int(go0) + int(go1)
        alive += int((ul > s2) & (jf1 + 1.0 < nl))
    return alive
