"""Executors: run a function over many items serially, in local processes or on dask.distributed.

One interface for all three::

    from attachsim.execution import get_executor

    with get_executor("processes", workers=2) as ex:
        results = ex.map(fn, items)          # in input order

``fn`` must be a module-level (picklable) function of one picklable item. Each worker sets
its Numba thread count before running an item; the kernels are deterministic for any thread
count, and each run is keyed by its own seed, so results are identical whichever executor
and however many workers run them. ``map(fn, items, on_result=cb)`` also calls ``cb(i, result)``
in the calling process as each result arrives.
"""

from ._executors import (
    KINDS,
    DaskExecutor,
    Executor,
    ExecutorError,
    ExecutorKind,
    ProcessExecutor,
    SerialExecutor,
    get_executor,
    set_numba_threads,
)

__all__ = [
    "KINDS", "DaskExecutor", "Executor", "ExecutorError", "ExecutorKind", "ProcessExecutor", "SerialExecutor",
    "get_executor", "set_numba_threads",
]
