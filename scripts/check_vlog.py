"""The kernels' log (attachsim.core.vlog) against np.log on tens of millions of values (the test runs a few).

Usage: python3 scripts/check_vlog.py [--millions 40] [--seed 1]

Draws, in chunks of 4 million: Box-Muller's ``1 - u`` on the 2^-53 grid (half of them), ``1 - u`` with
``u < 2^-4`` (the near-1 path), values in [0.85, 1.15], log-uniform values over the whole normal range and
subnormals; prints the number of values whose bits differ (0 for a pass; exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import sys

import numba as nb
import numpy as np
import numpy.typing as npt

from attachsim.core.vlog import log_nb

_CHUNK = 4_000_000


@nb.njit
def _log_all(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:
    for j in range(x.shape[0]):
        out[j] = log_nb(x[j])


def _chunk(rng: np.random.Generator) -> npt.NDArray[np.float64]:
    q = _CHUNK // 8
    return np.concatenate([1.0 - rng.integers(0, 2 ** 53, 4 * q).astype(np.float64) * 2.0 ** -53,
                           1.0 - rng.integers(0, 2 ** 49, q).astype(np.float64) * 2.0 ** -53,
                           rng.uniform(0.85, 1.15, q), 10.0 ** rng.uniform(-307.0, 308.0, q),
                           rng.uniform(0.0, 2.0 ** -1022, q)])


def main() -> int:
    """Check the chunks; the exit status is 1 if any value differs."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--millions", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    done = bad = 0
    while done < args.millions * 1_000_000:
        x = _chunk(rng)
        out = np.empty_like(x)
        _log_all(x, out)
        bad += int((out.view(np.uint64) != np.log(x).view(np.uint64)).sum())
        done += x.shape[0]
    print(f"{done:,} values, {bad} differ from np.log")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
