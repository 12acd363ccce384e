import os
import subprocess

import pandas as pd
import pytest

import attachsim
from attachsim.warm import start_background_compile, stop

_WARM: list[subprocess.Popen[bytes] | None] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the adult and assessment kernels on the second core while the first test compiles the development
    kernel (:mod:`attachsim.warm`; a clean checkout has no Numba cache). ``ATTACHSIM_NO_WARM=1`` skips it."""
    if os.environ.get("ATTACHSIM_NO_WARM") or session.config.option.collectonly:
        return
    _WARM.append(start_background_compile())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for proc in _WARM:
        stop(proc)


# Seeds of the shared normative adult population: below 1000 (tests and validation) and used by no fitting, by no
# `attachsim validate` default (1-3) and by no calibration note (docs/calibration.md names 1-4, 7, 41 and 1000).
NORMATIVE_ADULT_SEEDS = (151, 152)


@pytest.fixture(scope="session")
def small_normative() -> attachsim.Results:
    return attachsim.run("normative", n=600, seed=7)


@pytest.fixture(scope="session")
def normative_adults() -> pd.DataFrame:
    """The normative population to 36 years, two seeds of 10,000 (MODEL §8: at least 20,000 people, figures
    averaged over seeds), shared by the later-life modules; ``seed`` says which run a row comes from (ids repeat)."""
    return pd.concat([attachsim.run("normative", n=10_000, seed=s, years=36).people.copy().assign(seed=s)
                      for s in NORMATIVE_ADULT_SEEDS], ignore_index=True)


def seed_mean(people: pd.DataFrame, figure) -> float:  # type: ignore[no-untyped-def]
    """A figure computed on each seed's people, then averaged over seeds (MODEL §8)."""
    return float(sum(figure(group) for _, group in people.groupby("seed")) / people["seed"].nunique())
