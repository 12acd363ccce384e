import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import attachsim
from attachsim.development._kernel import F_STATES, PARAM_ORDER
from attachsim.development._runner import kernel_params
from attachsim.scenarios.schema import Parameters


def test_kernel_and_numpy_reference_agree():
    for name in ("normative", "maltreated", "inconsistent"):
        a = attachsim.run(name, n=300, seed=11, engine="numba")
        b = attachsim.run(name, n=300, seed=11, engine="numpy")
        compared = [s for s in F_STATES if s in a.people] + ["sensitivity_0_1", "regulation_12m"]
        assert len(compared) >= 25
        for state in compared:
            np.testing.assert_allclose(a.people[state], b.people[state], rtol=2e-5, atol=2e-6, err_msg=state)
        assert (a.people["ssp_12m"] == b.people["ssp_12m"]).all()
        for scale in ("ssp_proximity", "ssp_contact", "ssp_avoidance", "ssp_resistance", "ssp_disorganization"):
            assert (a.people[scale] == b.people[scale]).all()


def test_rerun_is_bit_identical():
    a = attachsim.run("high-risk", n=500, seed=5)
    b = attachsim.run("high-risk", n=500, seed=5)
    pd.testing.assert_frame_equal(a.people, b.people, check_exact=True)
    c = attachsim.run("high-risk", n=500, seed=6)
    assert not c.people["regulation"].equals(a.people["regulation"])


_SCRIPT = """
import hashlib, numba, attachsim
import attachsim.core.parallel
attachsim.core.parallel.PARALLEL_MIN_PEOPLE = 0  # kernels share out even this small population
assert numba.get_num_threads() == {threads}
res = attachsim.run("normative", n=3000, seed=21)
print(hashlib.sha256(res.people.to_csv(index=False).encode()).hexdigest())
"""


def test_bit_identical_with_one_and_two_threads():
    digests = []
    for threads in (1, 2):
        env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
        out = subprocess.run([sys.executable, "-c", _SCRIPT.format(threads=threads)], env=env, check=True,
                             capture_output=True, text=True)
        digests.append(out.stdout.strip().splitlines()[-1])
    assert digests[0] == digests[1]


def test_people_are_independent_of_population_size():
    """Counter-based draws: before adults pair up (M9 couples people), the first people of a larger run are the
    people of a smaller one."""
    small = attachsim.run("normative", n=200, seed=4, years=17.9).people
    large = attachsim.run("normative", n=700, seed=4, years=17.9).people.iloc[:200]
    pd.testing.assert_frame_equal(small, large.reset_index(drop=True), check_exact=True)


def test_kernel_parameters_follow_the_schema_by_name():
    groups = Parameters.model_fields
    for dotted in PARAM_ORDER:
        group, name = dotted.split(".")
        assert name in groups[group].annotation.model_fields, dotted
    params = Parameters()
    record = kernel_params(params)
    assert len(record) == len(PARAM_ORDER) and np.all(np.isfinite(record))
    for dotted in PARAM_ORDER:
        group, name = dotted.split(".")
        assert getattr(record, name) == getattr(getattr(params, group), name), dotted


def test_plan_lists_mechanisms_in_order():
    sim = attachsim.simulation("normative", n=10)
    keys = [e.key for e in sim.plan()]
    assert keys[:4] == ["demography", "m9_relationships", "m10_parenting", "caregiving"]
    assert keys.index("m1_distress") < keys.index("m2_response") < keys.index("m3_coregulation") \
        < keys.index("m4_working_models") < keys.index("m5_strategies") < keys.index("m6_pathways") \
        < keys.index("strange_situation")
    assert all(e.label for e in sim.plan())


def test_every_state_is_declared_once_with_meaning():
    sim = attachsim.simulation("normative", n=10)
    for spec in sim.layout.specs.values():
        assert spec.owner and spec.meaning and spec.unit, spec.name


def test_every_parameter_has_a_source_and_bounds():
    for group in Parameters.model_fields.values():
        for row in group.annotation.describe():
            assert row["source"], row["name"]
            assert row["min"] is not None and row["max"] is not None, row["name"]
            assert row["min"] <= row["default"] <= row["max"], row["name"]


def test_results_columns_and_summary(small_normative):
    people = small_normative.people
    for col in ("id", "sex", "profile", "ssp_12m", "ssp_proximity", "ssp_contact", "ssp_avoidance",
                "ssp_resistance", "ssp_disorganization", "sensitivity_0_1", "regulation_12m", "threat_exposed",
                "deprivation_exposed"):
        assert col in people, col
    assert len(people) == 600 and people["id"].is_unique
    assert set(people["ssp_12m"].unique()) <= {"A", "B", "C", "D"}
    assert people["ssp_proximity"].between(1, 7).all() and people["ssp_disorganization"].between(1, 9).all()
    summary = small_normative.summary()
    total = sum(v["share"] for v in summary["shares"].values())
    assert abs(total - 1.0) < 1e-9
    for v in summary["shares"].values():
        assert v["ci_low"] <= v["share"] <= v["ci_high"]


def test_bad_run_arguments():
    with pytest.raises(ValueError, match="seed"):
        attachsim.run("normative", n=10, seed=-1)
    with pytest.raises(attachsim.ScenarioError, match=r"population\.n"):
        attachsim.run("normative", n=0)
    with pytest.raises(attachsim.ScenarioError, match="years"):
        attachsim.run("normative", n=10, years=0.5)


def test_relationships_kernel_equals_its_numpy_reference_week_by_week():
    """The M9 kernel does the NumPy hook's arithmetic person by person: identical states every adult week."""
    from attachsim.adulthood.relationships import Relationships

    sim = attachsim.simulation("normative", n=600, years=23, seed=3)
    ids = sim.pop.add(600)
    sim.cohorts[0] = ids
    for m in sim.mechanisms:
        m.init_people(sim, ids)
    rel = next(m for m in sim.mechanisms if isinstance(m, Relationships))
    compared = 0
    for step in range(sim.n_steps):
        sim.step_now = step
        for kernel, members in sim._groups():
            if kernel is not None:
                sim._kernel(kernel)(sim, step)
                continue
            for m in members:
                if m is rel and sim.oldest_age(step) >= 939:
                    f0, i0 = sim.pop.f32.copy(), sim.pop.i32.copy()
                    m.step(sim, step)
                    f1, i1 = sim.pop.f32.copy(), sim.pop.i32.copy()
                    sim.pop.f32[:], sim.pop.i32[:] = f0, i0
                    m.step_numpy(sim, step, m.params)
                    np.testing.assert_array_equal(f1, sim.pop.f32, err_msg=f"week {step}")
                    np.testing.assert_array_equal(i1, sim.pop.i32, err_msg=f"week {step}")
                    compared += 1
                else:
                    m.step(sim, step)
    assert compared > 250
    assert (sim.pop["partnerships"] > 0).mean() > 0.3 and sim.pop["breakups"].sum() > 0


def test_small_populations_run_their_kernels_on_one_thread():
    import numba

    from attachsim.core.parallel import PARALLEL_MIN_PEOPLE, threads_for

    before = numba.get_num_threads()
    with threads_for(PARALLEL_MIN_PEOPLE - 1):
        assert numba.get_num_threads() == 1
    assert numba.get_num_threads() == before
    with threads_for(PARALLEL_MIN_PEOPLE):
        assert numba.get_num_threads() == before


def test_oldest_age_follows_the_cohort_index():
    sim = attachsim.simulation("normative", n=10)
    assert sim.oldest_age(5) > 10**6  # no index yet: every age is possible
    sim.cohorts[0] = np.arange(3, dtype=np.int32)
    assert sim.oldest_age(7) == 7
    sim.cohorts[40] = np.arange(3, 5, dtype=np.int32)
    assert sim.oldest_age(50) == 50
