"""How a law reaches both engines: written once as plain arithmetic, callable from NumPy code and Numba kernels.

A law is a small function that uses only arithmetic and NumPy ufuncs (``np.exp``, ``np.minimum``, ...),
so the same source works element-wise on NumPy arrays (the reference engine calls it directly,
vectorised) and on scalars. :func:`kernel_law` registers the function as its own Numba overload, compiled
once per argument types with NumPy's error model (no division checks, as in the kernels): a fused kernel
calls it by its plain name and LLVM inlines the small compiled function, so the kernel computes exactly
the operations it would if the formula were written in place (same order, same float32/float64 types;
no fast-math, so inlining reorders nothing). Laws may call other laws. (Until the seventh session the
overloads were inlined in Numba's IR, ``inline="always"``: the same machine arithmetic and the same
bits, but every call site typed the law's body again, which cost about 13 s of a fresh installation's
85 s of compiling.)

Numba's on-disk cache of a kernel is keyed on the kernel's own source file only, not on the laws it
inlines or the jitted helpers it calls. :func:`guard_cache` closes that gap: each kernel module calls it
on its cached kernels, and when the source of any module holding laws or jitted code has changed since a
kernel's cache was written, that cache is emptied and the kernel is compiled afresh.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numba as nb
import numpy as np
from numba.extending import overload

from .vexp import exp, exp_main_nb, main_range

F = TypeVar("F", bound=Callable[..., Any])


def kernel_law(fn: F) -> F:
    """Make the plain function ``fn`` callable from Numba kernels (LLVM inlines it); returns ``fn`` unchanged."""

    @functools.wraps(fn)
    def typer(*args: Any, **kwargs: Any) -> F:  # the implementation for every argument type is fn itself
        return fn

    overload(fn, inline="never", jit_options={"error_model": "numpy"})(typer)
    return fn


@kernel_law
def clip(x: Any, lo: Any, hi: Any) -> Any:
    """``min(max(x, lo), hi)`` for scalars and arrays alike (the value of ``np.clip``, and of the builtins)."""
    return np.minimum(np.maximum(x, lo), hi)


@kernel_law
def sigmoid(x: Any) -> Any:
    """The logistic function (``exp``: ``np.exp``, and in a kernel the same bits in vectorisable code)."""
    return logistic(exp(-x))


@kernel_law
def logistic(e: Any) -> Any:
    """The logistic function of ``x`` given ``e = exp(-x)`` (:func:`sigmoid`'s last step)."""
    return 1.0 / (1.0 + e)


@nb.njit(cache=True, inline="always", error_model="numpy")
def sigmoid_lanes(x: Any, out: Any, m: int) -> None:
    """``out[:m] = sigmoid(x[:m])`` in a kernel, the same bits: without ``exp``'s special cases where none occurs.

    When every argument is finite with 2^-54 <= |x| < 512 (one vectorised check, :func:`vexp.main_range`), the
    loop is ``exp``'s main path alone (:func:`vexp.exp_main_nb`, equal to it there); otherwise :func:`sigmoid`.
    ``out`` may be ``x``.
    """
    if main_range(x, m):
        for j in range(m):
            out[j] = logistic(exp_main_nb(-x[j]))
    else:
        for j in range(m):
            out[j] = sigmoid(x[j])


@kernel_law
def approach(x: Any, rate: Any, target: Any) -> Any:
    """``x`` moved the share ``rate`` of the way to ``target`` (exponential smoothing)."""
    return x + rate * (target - x)


T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parent.parent
#: source markers of the modules whose code a fused kernel may inline or call
_MARKERS = (b"@kernel_law", b"njit(")


def law_digest(root: Path = _PACKAGE) -> str:
    """A digest of every module under ``root`` that holds laws or jitted code (paths and contents, in path order)."""
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        data = f.read_bytes()
        if any(m in data for m in _MARKERS):
            h.update(f.relative_to(root).as_posix().encode())
            h.update(data)
    return h.hexdigest()


@functools.cache
def _current_digest() -> str:
    return law_digest()


def guard_cache(*kernels: Any, digest: str | None = None) -> list[str]:
    """Empty the on-disk Numba cache of each kernel whose cache was written under other laws; returns their names.

    Call it at the end of a kernel module, on its ``cache=True`` kernels (before their first call). The
    digest of the law sources (:func:`law_digest`, or ``digest``) is kept in a stamp file beside each
    kernel's cache; a kernel whose stamp differs has its cache index emptied (Numba then compiles it again
    and writes a fresh entry) and gets the new stamp. Where the cache folder cannot be written, nothing is
    stamped and Numba's own rules apply.
    """
    digest = digest if digest is not None else _current_digest()
    flushed = []
    for k in kernels:
        cache = getattr(k, "_cache", None)
        path = getattr(cache, "cache_path", None)
        if cache is None or path is None:
            continue
        stamp = Path(path) / f"{k.py_func.__module__}.{k.py_func.__qualname__}.laws"
        try:
            old = stamp.read_text()
        except OSError:
            old = None
        if old == digest:
            continue
        cache.flush()
        flushed.append(k.py_func.__qualname__)
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no cache folder yet
            tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
            tmp.write_text(digest)
            tmp.replace(stamp)
        except OSError:
            pass
    return flushed


def for_engine(engine: str, numba: Callable[[], T], numpy: Callable[[], T]) -> T:
    """The one place where the Numba/NumPy switch is made: build a mechanism's weekly step for ``engine``.

    Each kernel module's factory passes two builders (the fused kernel's and the NumPy reference's) and
    gets the one the simulation's engine asks for.
    """
    if engine == "numba":
        return numba()
    if engine == "numpy":
        return numpy()
    raise ValueError(f"The 'engine' must be 'numba' or 'numpy'. Got {engine!r} instead.")
