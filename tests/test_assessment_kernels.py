"""The lifespan assessments' Numba kernels against their NumPy references: the same values, bit for bit."""

from __future__ import annotations

import numpy as np

from attachsim.assessments import ecrr
from attachsim.core.rng import person_key_np, step_key_np, stream_key


def test_ecrr_answer_kernel_equals_its_numpy_reference():
    """Every simulated ECR-R answer equals the NumPy reference's, latent traits from ordinary to extreme."""
    rng = np.random.default_rng(3)
    n = 20_000
    anx = rng.normal(size=n) * rng.choice([0.5, 1.0, 3.0, 40.0], size=n)
    avo = rng.normal(size=n) * rng.choice([0.5, 1.0, 3.0, 40.0], size=n)
    anx[:4] = (0.0, -800.0, 800.0, np.nan)
    ids = np.arange(10, 10 + n, dtype=np.int32)
    bank = ecrr.default_item_bank()
    kernel = ecrr.simulate_items(anx, avo, ids, seed=5, step=77, bank=bank, stream="ecrr.25y")
    pk = person_key_np(step_key_np(stream_key(5, "ecrr.25y"), 77), ids)
    with np.errstate(over="ignore"):  # exp(large) = inf gives 1 / inf = 0, as in the kernel
        reference = ecrr.simulate_items_np(anx, avo, pk, bank)
    assert np.array_equal(kernel, reference)
    # the answers use the whole scale and the extreme traits answer at its ends
    assert set(np.unique(kernel)) == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}


def test_strange_situation_kernel_equals_its_numpy_reference():
    """Every interval count of the Strange Situation kernel equals the NumPy reference's, states over their range."""
    from attachsim.assessments import strange_situation as ssp
    from attachsim.assessments._kernels import reunion_counts

    rng = np.random.default_rng(11)
    n = 20_000
    states = {name: rng.uniform(0.0, 1.0, n) for name in ("hyperactivation", "deactivation", "conflict", "threat",
                                                            "regulation", "arousal")}
    states["arousal"] = rng.uniform(0.0, 1.5, n)
    m = rng.uniform(0.01, 0.99, n)
    gain = rng.uniform(0.2, 6.0, n)
    params = ssp.StrangeSituationParams.defaults()
    pk = person_key_np(step_key_np(stream_key(9, "ssp.12m"), 400), np.arange(n, dtype=np.int32))
    args = (pk, m, states["hyperactivation"], states["deactivation"], states["conflict"], states["threat"],
            states["regulation"], gain, states["arousal"])
    reference, disorg_ref = ssp.reunion_counts_np(*args, params)
    table = np.zeros((n, 4, len(ssp.REUNIONS)), dtype=np.int64)
    disorg = np.zeros(n, dtype=np.int64)
    reunion_counts(*args, ssp._EPISODE_STRESS, ssp._EPISODE_PARENT, ssp._EPISODE_STRANGER, ssp._EPISODE_REUNION,
                   ssp._EPISODE_SEPARATION, ssp.INTERVALS,
                   np.array([getattr(params, k) for k in ssp.KERNEL_PARAMS], dtype=np.float64), table, disorg)
    assert np.array_equal(disorg, disorg_ref)
    for c, key in enumerate(ssp.BEHAVIOURS):
        for r in range(len(ssp.REUNIONS)):
            assert np.array_equal(table[:, c, r], reference[key][r])
    # the counts vary (the comparison is not of constants)
    assert all(np.unique(table[:, c, 0]).size > 3 for c in range(4)) and np.unique(disorg).size > 3
