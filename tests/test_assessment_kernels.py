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
    reference = ecrr.simulate_items_np(anx, avo, pk, bank)
    assert np.array_equal(kernel, reference)
    # the answers use the whole scale and the extreme traits answer at its ends
    assert set(np.unique(kernel)) == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}
