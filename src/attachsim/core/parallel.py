"""How many threads a kernel call uses: one for small populations, all of Numba's for large ones.

Starting a parallel region costs tens of microseconds on an idle machine and a scheduler time slice
(milliseconds) on a busy one, when one worker thread waits for a core; a week of a small population
takes less than that. Results do not depend on the number of threads (counter-based draws, no shared
writes), so the choice only changes speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba

#: Populations below this many people run their kernels on one thread.
PARALLEL_MIN_PEOPLE = 4_096


@contextmanager
def threads_for(n: int) -> Iterator[None]:
    """Run the enclosed kernel call on one thread when ``n`` people are too few to share out."""
    if n >= PARALLEL_MIN_PEOPLE:
        yield
        return
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


@numba.njit(cache=True)
def spread_stride(n: int) -> int:
    """The stride of :func:`spread`'s order of ``n`` tasks.

    Near ``n`` times the golden ratio's fraction, and coprime with ``n``, so that ``c -> c * stride mod n`` visits
    every task once.
    """
    s = max(1, int(0.6180339887498949 * n))
    while True:
        a, b = s, n
        while b:
            a, b = b, a % b
        if a == 1:
            return s
        s += 1


@numba.njit(cache=True, inline="always")
def spread(c: int, n: int, stride: int) -> int:
    """Task number ``c`` of a parallel loop over ``n`` tasks, in an order that spreads every thread's share.

    Numba gives each thread a contiguous range of a ``prange``'s iterations. People are stored in birth order, so
    a contiguous range of tasks is a range of ages, and tasks' costs differ by age (infants, children, adults with
    partners and relief to seek): one thread would get the costly ages and the other would wait. Taking task
    ``c * stride mod n`` (a Weyl sequence, ``stride`` from :func:`spread_stride`) gives every contiguous range of
    ``c`` tasks spread evenly over the population, for any number of threads. Only the order changes: each task
    writes its own people, so no result depends on it.
    """
    return (c * stride) % n
