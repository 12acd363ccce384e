"""Serial, local-process and dask.distributed executors behind one small interface."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar

from ..errors import UserError

T = TypeVar("T")
R = TypeVar("R")

ExecutorKind = Literal["serial", "processes", "dask"]
KINDS: tuple[str, ...] = ("serial", "processes", "dask")
#: Called in the coordinating process as each result arrives: (position in ``items``, result).
OnResult = Callable[[int, Any], None]


class ExecutorError(UserError):
    """An executor that cannot be built, with a message naming the setting and what is allowed."""


def set_numba_threads(threads: int | None) -> None:
    """Set the Numba thread count of this process (capped at what Numba was started with).

    The kernels give identical results for any thread count; fixing the count per worker only
    keeps workers from oversubscribing the cores they share.
    """
    if threads is None:
        return
    import numba

    numba.set_num_threads(max(1, min(int(threads), int(numba.config.NUMBA_NUM_THREADS))))  # type: ignore[attr-defined]


class _InWorker(Generic[T, R]):
    """``fn`` wrapped so that a worker sets its Numba threads before calling it (picklable)."""

    def __init__(self, fn: Callable[[T], R], threads: int | None) -> None:
        self.fn = fn
        self.threads = threads

    def __call__(self, item: T) -> R:
        set_numba_threads(self.threads)
        return self.fn(item)


class Executor:
    """Runs ``fn`` over ``items``; results come back in input order.

    Use as a context manager (or call :meth:`close`). ``fn`` and the items must be picklable
    (a module-level function and plain data) for every kind but ``serial``.
    """

    kind: str = "serial"
    workers: int = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T], on_result: OnResult | None = None) -> list[R]:
        """``[fn(x) for x in items]``, computed by this executor's workers, in input order.

        ``on_result(i, result)`` is called in this process as each result arrives (in completion
        order), so a caller can record finished work before the whole map is done. The first
        exception raised by ``fn`` cancels what has not started and is raised here.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release workers (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workers={self.workers})"


class SerialExecutor(Executor):
    """Everything in the calling process, one item after another."""

    kind = "serial"

    def map(self, fn: Callable[[T], R], items: Iterable[T], on_result: OnResult | None = None) -> list[R]:
        """See :meth:`Executor.map`."""
        out: list[R] = []
        for i, item in enumerate(items):
            result = fn(item)
            out.append(result)
            if on_result is not None:
                on_result(i, result)
        return out


class ProcessExecutor(Executor):
    """A pool of local worker processes (started with 'spawn': no state inherited from the parent)."""

    kind = "processes"

    def __init__(self, workers: int, threads_per_worker: int) -> None:
        self.workers = workers
        self.threads_per_worker = threads_per_worker
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def map(self, fn: Callable[[T], R], items: Iterable[T], on_result: OnResult | None = None) -> list[R]:
        """See :meth:`Executor.map`."""
        todo = list(items)
        if not todo:
            return []
        pool = self._get_pool()
        task = _InWorker(fn, self.threads_per_worker)
        futures: dict[Future[R], int] = {pool.submit(task, item): i for i, item in enumerate(todo)}
        return _collect(futures, len(todo), on_result, cancel=lambda: [f.cancel() for f in futures])

    def close(self) -> None:
        """Shut the pool down (waits for running items; queued ones are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _collect(futures: dict[Any, int], n: int, on_result: OnResult | None, cancel: Callable[[], Any]) -> list[Any]:
    """Results of ``futures`` (future -> position) in input order, reporting each as it completes."""
    out: list[Any] = [None] * n
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                i = futures[f]
                out[i] = f.result()
                if on_result is not None:
                    on_result(i, out[i])
    except BaseException:
        cancel()
        raise
    return out


class DaskExecutor(Executor):
    """dask.distributed: an existing cluster (``scheduler`` address) or an embedded LocalCluster.

    The embedded cluster runs ``workers`` worker processes with one task thread each. With a
    remote scheduler, attachsim must be importable on the workers (and a result store must be
    on a filesystem they share).
    """

    kind = "dask"

    def __init__(self, workers: int | None, scheduler: str | None, threads_per_worker: int | None) -> None:
        dist = _distributed()
        self.scheduler = scheduler
        self.threads_per_worker = threads_per_worker
        self._cluster: Any = None
        if scheduler is not None:
            try:
                self._client: Any = dist.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise ExecutorError(f"The 'scheduler' setting must be the address of a running dask scheduler "
                                    f"(e.g. tcp://host:8786). Could not connect to {scheduler!r}: {exc}") from None
            self.workers = len(self._client.scheduler_info().get("workers", {})) or (workers or 0)
        else:
            self.workers = workers or 1
            self._cluster = dist.LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40)
            self._client = dist.Client(self._cluster)

    def map(self, fn: Callable[[T], R], items: Iterable[T], on_result: OnResult | None = None) -> list[R]:
        """See :meth:`Executor.map`."""
        todo = list(items)
        if not todo:
            return []
        task = _InWorker(fn, self.threads_per_worker)
        futures = [self._client.submit(task, item, pure=False) for item in todo]
        position = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(todo)
        try:
            for f in _distributed().as_completed(futures):
                i = position[f.key]
                out[i] = f.result()
                if on_result is not None:
                    on_result(i, out[i])
        except BaseException:
            self._client.cancel(futures)
            raise
        return out

    def close(self) -> None:
        """Close the client, and the embedded cluster if this executor started one."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _distributed() -> Any:
    """The ``distributed`` module (imported only when a dask executor is used; untyped)."""
    import importlib

    return importlib.import_module("distributed")


def get_executor(kind: str = "serial", workers: int | None = None, scheduler: str | None = None,
                 threads_per_worker: int | None = None) -> Executor:
    """An executor by name: ``"serial"``, ``"processes"`` or ``"dask"``.

    ``workers``: worker processes (default: the machine's cores; ignored by ``serial``).
    ``scheduler``: dask only, the address of a running scheduler; without it an embedded
    ``distributed.LocalCluster`` is started. ``threads_per_worker``: Numba threads in each worker
    (default: cores // workers, at least 1). Results never depend on any of these settings.
    """
    if kind not in KINDS:
        raise ExecutorError(f"The 'executor' setting must be one of {', '.join(KINDS)}. Got {kind!r} instead.")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 4096):
        raise ExecutorError(f"The 'workers' setting must be an integer from 1 to 4096. Got {workers!r} instead.")
    if threads_per_worker is not None and (not isinstance(threads_per_worker, int) or threads_per_worker < 1):
        raise ExecutorError("The 'threads_per_worker' setting must be a positive integer. "
                            f"Got {threads_per_worker!r} instead.")
    if scheduler is not None and kind != "dask":
        raise ExecutorError(f"The 'scheduler' setting is for the dask executor only; got executor {kind!r}.")
    cores = os.cpu_count() or 1
    if kind == "serial":
        return SerialExecutor()
    n = workers or cores
    threads = threads_per_worker or max(1, cores // n)
    if kind == "processes":
        return ProcessExecutor(n, threads)
    if scheduler is not None:  # a remote cluster: its workers' cores are not ours to count
        return DaskExecutor(workers, scheduler, threads_per_worker)
    return DaskExecutor(n, None, threads)

