"""How a law reaches both engines: written once as plain arithmetic, callable from NumPy code and Numba kernels.

A law is a small function that uses only arithmetic and NumPy ufuncs (``np.exp``, ``np.minimum``, ...),
so the same source works element-wise on NumPy arrays (the reference engine calls it directly,
vectorised) and on scalars. :func:`kernel_law` registers the function as its own Numba overload with
``inline="always"``: a fused kernel calls it by its plain name, and Numba inlines its body, so the
kernel computes exactly the operations it would if the formula were written in place (same order, same
float32/float64 types). Laws may call other laws.

Numba's on-disk cache of a kernel is keyed on the kernel's own source file only: after editing a law,
touch the kernel module (or delete its ``__pycache__``) so that the kernel is compiled again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numba.extending import overload

F = TypeVar("F", bound=Callable[..., Any])


def kernel_law(fn: F) -> F:
    """Make the plain function ``fn`` callable (inlined) from Numba kernels; returns ``fn`` unchanged."""

    @functools.wraps(fn)
    def typer(*args: Any, **kwargs: Any) -> F:  # the implementation for every argument type is fn itself
        return fn

    overload(fn, inline="always")(typer)
    return fn


@kernel_law
def clip(x: Any, lo: Any, hi: Any) -> Any:
    """``min(max(x, lo), hi)`` for scalars and arrays alike (the value of ``np.clip``, and of the builtins)."""
    return np.minimum(np.maximum(x, lo), hi)


@kernel_law
def sigmoid(x: Any) -> Any:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


@kernel_law
def approach(x: Any, rate: Any, target: Any) -> Any:
    """``x`` moved the share ``rate`` of the way to ``target`` (exponential smoothing)."""
    return x + rate * (target - x)


T = TypeVar("T")


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
