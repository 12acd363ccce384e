"""The one place that checks a run's seed and engine, and whether it fits in memory.

Called by :class:`~attachsim.core.engine.Simulation` and by the CLI (which passes the flag's
name, so a message says ``--seed`` where the value came from a flag). Errors are
:class:`~attachsim.errors.UserError` (a ``ValueError``), one line: what, which, allowed, got.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ResourceError, UserError

ENGINES = ("numba", "numpy")

#: Peak process memory of a run per byte of per-person state: the state arrays themselves plus the
#: people table assembled from them at the end (measured with ``attachsim bench``, normative
#: 1,000,000 x 40 years: peak 1,538 bytes per person for 644 bytes of state, a factor of 2.4;
#: rounded up to 2.5 for the sorting and category columns built while collecting).
PEAK_PER_STATE_BYTE = 2.5


def check_seed(seed: Any, name: str = "seed") -> int:
    """``seed`` as an int, or a :class:`UserError`: a non-negative integer below 2**63."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= int(seed) < 2**63:
        raise UserError(f"{name} must be a non-negative integer (0 to 2**63 - 1); got {seed!r}.",
                        flag=name if name.startswith("--") else None)
    return int(seed)


def check_engine(engine: Any, name: str = "engine") -> str:
    """``engine`` if it is one of :data:`ENGINES`, else a :class:`UserError`."""
    if engine not in ENGINES:
        raise UserError(f"{name} must be one of {', '.join(ENGINES)}; got {engine!r}.",
                        flag=name if name.startswith("--") else None)
    return str(engine)


def available_memory() -> int | None:
    """Bytes this process may still allocate: MemAvailable, capped by a cgroup limit; None if unknown."""
    avail: int | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, AttributeError):
            return None
    try:  # a container's own limit (cgroup v2)
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            avail = min(avail, max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    return avail


def estimate_bytes(bytes_per_person: int, capacity: int) -> int:
    """Estimated peak bytes of a run: per-person state x capacity x :data:`PEAK_PER_STATE_BYTE`."""
    return int(bytes_per_person * capacity * PEAK_PER_STATE_BYTE)


def check_memory(bytes_per_person: int, capacity: int, people: int) -> None:
    """Refuse (with the estimate and the available memory) a run that would not fit in memory."""
    need = estimate_bytes(bytes_per_person, capacity)
    avail = available_memory()
    if avail is not None and need > avail:
        raise ResourceError(
            f"{people:,} people need about {need / 2**30:.1f} GiB ({bytes_per_person} bytes of state "
            f"per person, room for {capacity:,}, x{PEAK_PER_STATE_BYTE:g} at the peak) but {avail / 2**30:.1f} GiB "
            f"are available; use fewer people (--n or population.n; at most about {int(people * avail / need):,}).")


__all__ = ["ENGINES", "available_memory", "check_engine", "check_memory", "check_seed", "estimate_bytes"]
