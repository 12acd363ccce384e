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
