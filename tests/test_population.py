import numpy as np
import pytest

from attachsim.core.population import Population
from attachsim.core.state import Layout, StateSpec


def _layout():
    return Layout([StateSpec("id", "i32", -1, "", "", "a"), StateSpec("x", "f32", 0.5, "", "", "a"),
                   StateSpec("k", "i32", 3, "", "", "b")])


def test_add_appends_with_defaults_and_stable_ids():
    pop = Population(_layout(), capacity=10)
    first = pop.add(4)
    pop["x"][:] = 2.0
    second = pop.add(3)
    assert list(first) == [0, 1, 2, 3] and list(second) == [4, 5, 6]
    assert np.array_equal(pop["id"], np.arange(7))
    assert np.all(pop["x"][:4] == 2.0) and np.all(pop["x"][4:] == 0.5)
    assert np.all(pop["k"] == 3)
    assert pop["x"].dtype == np.float32 and pop["k"].dtype == np.int32


def test_capacity_is_enforced_and_unknown_states_named():
    pop = Population(_layout(), capacity=2)
    pop.add(2)
    with pytest.raises(ValueError, match="Cannot add 1 people"):
        pop.add(1)
    with pytest.raises(KeyError, match="Unknown state 'y'"):
        pop["y"]


def test_a_state_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):
        Layout([StateSpec("x", "f32", 0, "", "", "a"), StateSpec("x", "f32", 0, "", "", "b")])


def test_int8_states_have_their_own_matrix_and_bytes():
    from attachsim.core.mechanism import i8

    lay = Layout([*_layout().specs.values(), StateSpec("code", "i8", -1, "", "", "c")])
    assert lay.bytes_per_person == 4 + 4 + 4 + 1
    pop = Population(lay, capacity=5)
    pop.add(3)
    assert pop["code"].dtype == np.int8 and np.all(pop["code"] == -1)
    pop["code"][:] = np.array([0, 3, 127], dtype=np.int32)  # hooks write int32 codes into it
    assert list(pop.copy()["code"]) == [0, 3, 127]
    assert pop["k"].dtype == np.int32 and np.all(pop["k"] == 3)  # rows of the other matrices are untouched
    with pytest.raises(ValueError, match="between -128 and 127"):
        i8("too_big", 300, "", "")
