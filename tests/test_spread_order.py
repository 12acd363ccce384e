"""The order in which the kernels' parallel loops take their tasks (``core.parallel.spread``)."""

import numpy as np

from attachsim.core.parallel import spread, spread_stride


def test_spread_visits_every_task_once() -> None:
    for n in [1, 2, 3, 5, 8, 13, 25, 64, 100, 245, 977, 1024, 4096]:
        stride = spread_stride(n)
        order = [spread(c, n, stride) for c in range(n)]
        assert sorted(order) == list(range(n)), n


def test_each_threads_share_spans_the_population() -> None:
    """Numba gives each of T threads a contiguous range of iterations; each range's tasks (people in birth order,
    so ages) must reach across the whole population, with about the same mean position for every thread (within 5%
    of the population once a thread has 16 tasks or more: a Weyl sequence's spread grows finer with its length)."""
    for n in [64, 245, 977]:
        stride = spread_stride(n)
        order = np.array([spread(c, n, stride) for c in range(n)])
        for threads in (2, 3, 4, 8, 16):
            if n // threads < 16:
                continue
            for part in np.array_split(order, threads):
                assert part.min() < 0.2 * n and part.max() > 0.8 * n, (n, threads)
                assert abs(part.mean() - (n - 1) / 2) < 0.05 * n, (n, threads)
