"""Background jobs of the explorer: one worker thread, a bounded queue, progress and cancel.

Jobs are addressed only by server-generated ids (``secrets.token_urlsafe``); nothing a request
sends is used as a path. Results stay in memory; the oldest finished jobs are forgotten once
more than ``keep_finished`` have finished.
"""

from __future__ import annotations

import inspect
import math
import os
import secrets
import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..scenarios import Scenario

JobKind = Literal["run", "compare"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]

#: The explorer's absolute population cap (whatever the memory allows): beyond it, use the CLI.
ABSOLUTE_MAX_PEOPLE = 200_000
#: Bytes per person a run holds at its peak (state, people table, time series), rounded up generously.
BYTES_PER_PERSON = 16_384
#: Share of the available memory the explorer allows one job to use.
MEMORY_SHARE = 0.25
#: People traced for their life story (the first ids of the first generation) when tracing is available.
TRACED_PEOPLE = 10


def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable``; physical pages as a fallback; 2 GiB if unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 2 << 30


def population_cap(absolute: int = ABSOLUTE_MAX_PEOPLE, memory: int | None = None) -> int:
    """The largest population (people per run or per arm) the explorer accepts now."""
    mem = available_memory() if memory is None else memory
    by_memory = int(mem * MEMORY_SHARE / BYTES_PER_PERSON)
    return max(100, min(absolute, by_memory))


class QueueFullError(RuntimeError):
    """The queue is at its bound; the message says what to do."""


class CancelledError(Exception):
    """Raised from the progress callback to stop a cancelled job."""


@dataclass
class Job:
    """One run or comparison, its progress and its outcome."""

    id: str
    kind: JobKind
    scenario: Scenario
    seed: int
    status: JobStatus = "queued"
    step: int = 0
    n_steps: int = 0
    stage: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: str = ""
    result: Any = None
    cancel_requested: bool = False

    @property
    def label(self) -> str:
        """Short description for page titles."""
        what = "experiment" if self.kind == "compare" else "run"
        return f"{what} '{self.scenario.name}' (n = {self.scenario.population.n:,}, {self.scenario.years:g} years, " \
               f"seed {self.seed})"

    @property
    def fraction(self) -> float:
        """Share of the work done (0-1)."""
        if self.status == "done":
            return 1.0
        return self.step / self.n_steps if self.n_steps else 0.0

    @property
    def finished_state(self) -> bool:
        """Whether the job will not change any more."""
        return self.status in ("done", "failed", "cancelled")

    def elapsed(self) -> float:
        """Seconds since the job started (0 while queued)."""
        if self.started is None:
            return 0.0
        return (self.finished or time.time()) - self.started

    def eta(self) -> float:
        """Estimated seconds left (NaN until some progress)."""
        f = self.fraction
        if self.started is None or f <= 0 or self.finished_state:
            return math.nan
        return self.elapsed() * (1 - f) / f


Runner = Callable[[Job, Callable[[int, int, str], None]], Any]


class JobManager:
    """Runs jobs one at a time on a worker thread; at most ``max_queued`` wait behind the running one."""

    def __init__(self, max_queued: int = 3, keep_finished: int = 8, runner: Runner | None = None) -> None:
        if max_queued < 0:
            raise ValueError(f"max_queued must be 0 or more; got {max_queued}")
        self.max_queued = max_queued
        self.keep_finished = keep_finished
        self._runner = runner or execute
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: deque[Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="attachsim-explorer-jobs", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public
    def submit(self, kind: JobKind, scenario: Scenario, seed: int) -> Job:
        """Queue a job or raise :class:`QueueFullError`."""
        with self._lock:
            running = sum(1 for j in self._jobs.values() if j.status == "running")
            waiting = len(self._queue)
            if running + waiting >= 1 + self.max_queued:
                raise QueueFullError(
                    f"The explorer runs one job at a time and queues at most {self.max_queued}; "
                    f"{running} running and {waiting} queued now. Wait for a job to finish or cancel one, "
                    "then submit again.")
            job = Job(id=secrets.token_urlsafe(12), kind=kind, scenario=scenario, seed=seed)
            self._jobs[job.id] = job
            self._queue.append(job)
            self._forget_old()
            self._wake.notify()
            return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """All remembered jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued job now, or ask a running one to stop at its next step."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.finished_state:
                return job
            job.cancel_requested = True
            if job.status == "queued":
                self._queue.remove(job)
                job.status, job.finished = "cancelled", time.time()
            return job

    def shutdown(self) -> None:
        """Cancel everything and stop the worker."""
        with self._lock:
            self._stop = True
            for job in self._jobs.values():
                if not job.finished_state:
                    job.cancel_requested = True
            self._wake.notify()
        self._thread.join(timeout=30)

    # ------------------------------------------------------------------ worker
    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished_state]
        for job in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[job.id]

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._stop:
                    self._wake.wait()
                if self._stop:
                    return
                job = self._queue.popleft()
                job.status, job.started = "running", time.time()

            def progress(step: int, n_steps: int, stage: str = "", job: Job = job) -> None:
                if job.cancel_requested:
                    raise CancelledError
                job.step, job.n_steps, job.stage = step, n_steps, stage

            try:
                result = self._runner(job, progress)
            except CancelledError:
                status: JobStatus = "cancelled"
                result, error = None, ""
            except Exception as exc:  # a failed job reports its error on its page; the server keeps serving
                status, result = "failed", None
                error = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
            else:
                status, error = "done", ""
            with self._lock:
                job.result, job.error, job.status, job.finished = result, error, status, time.time()
                self._forget_old()


# ---------------------------------------------------------------------- what a job does

@dataclass
class RunOutput:
    """A finished single run: its results, the traced ids and the screening table (or why it is missing)."""

    results: Any
    traced: list[int]
    screening: dict[str, Any] | None
    screening_note: str


def execute(job: Job, progress: Callable[[int, int, str], None]) -> Any:
    """Run a job (a single run or every arm of an experiment)."""
    if job.kind == "compare":
        return _compare(job, progress)
    return _run(job, progress)


def tracing_supported() -> bool:
    """Whether this version's ``attachsim.run`` accepts ``trace=``."""
    import attachsim

    return "trace" in inspect.signature(attachsim.run).parameters


def _run(job: Job, progress: Callable[[int, int, str], None]) -> RunOutput:
    import attachsim

    sc = job.scenario
    traced = list(range(min(TRACED_PEOPLE, sc.population.n)))
    kwargs: dict[str, Any] = {}
    if tracing_supported():
        kwargs["trace"] = traced
    else:
        traced = []
    results = attachsim.run(sc, seed=job.seed, progress=lambda s, n: progress(s, n, "simulating"), **kwargs)
    screening, note = screening_table(results.people)
    return RunOutput(results=results, traced=traced, screening=screening, screening_note=note)


def screening_table(people: Any, age_years: int = 8) -> tuple[dict[str, Any] | None, str]:
    """The screening classifier (S1-4) fitted on even ids and scored on odd ids of one run."""
    from ..assessments.screening import screen, sign_matrix

    try:
        x = sign_matrix(people, age_years)
    except ValueError as exc:
        return None, str(exc)
    import numpy as np

    complete = np.isfinite(x).all(axis=1)
    if complete.sum() < 40:
        return None, (f"The checklist at {age_years} years was completed by {int(complete.sum())} people; the "
                      "screening table needs at least 40.")
    even = (people["id"].to_numpy() % 2) == 0
    result = screen(people[even], people[~even], age_years)
    return result, ""


@dataclass
class CompareOutput:
    """A finished experiment: the comparison and the arms in order (control first)."""

    comparison: Any
    arms: list[str]


def _compare(job: Job, progress: Callable[[int, int, str], None]) -> CompareOutput:
    """Every arm on the same population (common random numbers), with step progress across arms."""
    import pandas as pd

    import attachsim
    from attachsim.experiments import Comparison, arm_names, outcome_effects, target_effects

    sc = job.scenario
    names = arm_names(sc)
    people: dict[str, pd.DataFrame] = {}
    for i, arm in enumerate(names):
        sim = attachsim.simulation(sc.model_copy(update={"arm": arm}), seed=job.seed)
        total = sim.n_steps * len(names)

        def each(step: int, n: int, i: int = i, arm: str = arm, total: int = total) -> None:
            progress(i * n + step, total, f"arm {arm} ({i + 1} of {len(names)})")

        table = sim.run(progress=each).people
        people[arm] = pd.concat([pd.Series(job.seed, index=table.index, name="seed"), table], axis=1)
    effects = [rec for o in sc.outcomes for rec in outcome_effects(o, people, names)]
    targets = target_effects(sc, people, names)
    cmp = Comparison(sc, [job.seed], sc.population.n, effects, targets, people)
    return CompareOutput(comparison=cmp, arms=names)
