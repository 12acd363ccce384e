import numba as nb
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from attachsim.core import rng


@nb.njit
def _nb_uniforms(key, step, ids, k):
    out = np.empty(ids.size)
    skey = rng.step_key_nb(key, step)
    for j in range(ids.size):
        out[j] = rng.uniform_nb(rng.person_key_nb(skey, ids[j]), k)
    return out


@nb.njit
def _nb_poisson(us, lams):
    out = np.empty(us.size, np.int64)
    for j in range(us.size):
        out[j] = rng.poisson_inv_nb(us[j], lams[j])
    return out


@nb.njit
def _nb_binomial(us, ns, ps):
    out = np.empty(us.size, np.int64)
    for j in range(us.size):
        out[j] = rng.binomial_inv_nb(us[j], ns[j], ps[j])
    return out


def test_numba_and_numpy_draws_are_bit_identical():
    ids = np.arange(1000, dtype=np.int64)
    key = rng.stream_key(42, "m1.distress")
    a = _nb_uniforms(key, np.int64(17), ids, np.int64(3))
    b = rng.uniforms(42, "m1.distress", 17, ids, 3)
    assert np.array_equal(a, b)


def test_draws_depend_on_every_part_of_the_key():
    ids = np.arange(100)
    base = rng.uniforms(1, "s", 5, ids, 0)
    for other in (rng.uniforms(2, "s", 5, ids, 0), rng.uniforms(1, "t", 5, ids, 0),
                  rng.uniforms(1, "s", 6, ids, 0), rng.uniforms(1, "s", 5, ids, 1)):
        assert not np.any(base == other)
    # a person's draw does not depend on who else is drawn (chunking independence)
    assert np.array_equal(rng.uniforms(1, "s", 5, ids[50:], 0), base[50:])


def test_uniforms_are_uniform():
    u = rng.uniforms(3, "x", 0, np.arange(200_000))
    assert 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.003
    counts, _ = np.histogram(u, bins=20, range=(0, 1))
    expected = 10_000
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 45  # 19 dof: p < 0.001 above 43.8


def test_poisson_and_binomial_inversion_match_between_engines_and_moments():
    n = 100_000
    u = rng.uniforms(9, "p", 0, np.arange(n))
    lam = np.full(n, 7.5)
    a = _nb_poisson(u, lam)
    b = rng.poisson_inv_np(u, lam)
    assert np.array_equal(a, b)
    assert abs(a.mean() - 7.5) < 0.05 and abs(a.var() - 7.5) < 0.15
    ns = np.full(n, 12, dtype=np.int64)
    ps = np.full(n, 0.3)
    a = _nb_binomial(u, ns, ps)
    assert np.array_equal(a, rng.binomial_inv_np(u, ns, ps))
    assert abs(a.mean() - 3.6) < 0.03 and abs(a.var() - 2.52) < 0.06


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**40), step=st.integers(0, 10_000), n=st.integers(0, 40),
       p=st.floats(0.0, 1.0), lam=st.floats(0.0, 40.0))
def test_draws_are_always_in_range(seed, step, n, p, lam):
    u = rng.uniforms(seed, "h", step, np.arange(50))
    k = rng.binomial_inv_np(u, np.full(50, n), np.full(50, p))
    assert np.all((k >= 0) & (k <= n))
    assert np.array_equal(k, _nb_binomial(u, np.full(50, n, dtype=np.int64), np.full(50, p)))
    m = rng.poisson_inv_np(u, np.full(50, lam))
    assert np.all(m >= 0)


def test_negative_seed_is_rejected():
    import pytest

    with pytest.raises(ValueError, match="non-negative"):
        rng.stream_key(-1, "s")
