"""Compiling the kernels once per machine: whether the cache has them, and a second process for the first run.

Numba compiles the kernels the first time they run and caches the machine code (``cache=True``); a fresh
installation's first run compiles every kernel one after the other (about 70 s on a 2-core machine, the
development kernel alone about 50 s; measured 2026-12-01). :func:`start_background_compile` compiles the adult
and assessment kernels (relief, couples, the Strange Situation, questionnaires) in a second process while the
first run compiles the development kernel, which then loads them from the cache. ``attachsim run`` and the test
suite use it.

``python -m attachsim.warm`` is that second process: a small population run with the development step left out
(so that it does not compile the development kernel a second time); nothing it computes is read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: What a command says before a fresh installation's first run compiles the kernels.
FIRST_RUN = ("First run of this installation: compiling the kernels for this machine (about 1-2 minutes, once; "
             "cached for later runs).")


def kernels_cached() -> bool:
    """Whether Numba's cache has an entry for the development kernel (True when it cannot tell).

    Reads the kernel's cache index (Numba's internals; an index of another source, or one emptied by
    :func:`.core.laws.guard_cache`, has no entries).
    """
    from .development import _kernel

    try:
        entries = _kernel.development_step._cache._cache_file._load_index()  # type: ignore[attr-defined]
    except Exception:  # another Numba's internals: say nothing rather than guess
        return True
    return bool(entries)


def start_background_compile() -> subprocess.Popen[bytes] | None:
    """Start ``python -m attachsim.warm`` on another core (None with a single core)."""
    if (os.cpu_count() or 1) < 2:
        return None
    return subprocess.Popen([sys.executable, "-m", "attachsim.warm"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    """End the background compile if it is still running (what it has cached stays cached)."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
    proc.wait()


@contextmanager
def first_run(say: Callable[[str], None], engine: str = "numba") -> Iterator[None]:
    """Around a command's simulations: on a fresh installation, say so and compile in a second process meanwhile."""
    proc = None
    if engine == "numba" and not kernels_cached():
        say(FIRST_RUN)
        proc = start_background_compile()
    try:
        yield
    finally:
        stop(proc)


def _compile_all_but_development() -> None:
    import attachsim
    import attachsim.development._runner as runner

    setattr(runner, "development_step", lambda *args: None)  # noqa: B010  # compile everything but this kernel
    attachsim.run("normative", n=300, seed=1, years=40)


if __name__ == "__main__":
    _compile_all_but_development()
