"""Contract tests run over every registered mechanism (in the spirit of scikit-learn's check_estimator).

* each section of the weekly plan (a fused kernel's group, or one hook), each ``init_people`` and each
  ``finish`` writes only the states its mechanisms own or declare in ``writes``;
* every section is deterministic: two simulations of the same seed, stepped in lockstep on one and two threads,
  hold identical states after every section of every week;
* every mechanism works for populations of 0 and 1 person;
* every declared result column appears in the people table, with its metadata and dtype.

The scenario switches every mechanism on: two generations (M10 births and parenting), every intervention kind
delivered, every instrument at its ages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numba
import numpy as np
import pytest

import attachsim
import attachsim.core.parallel
from attachsim.core.engine import Simulation
from attachsim.core.mechanism import Mechanism
from attachsim.interventions import KINDS
from attachsim.model import build
from attachsim.scenarios import load_scenario

YEARS = 42


def _scenario(n: int, years: float = YEARS) -> Any:
    base = load_scenario("intergenerational").model_dump(mode="json")
    base.update({
        "name": "contract", "years": years,
        "interventions": [{"name": k, "kind": k} for k in KINDS],
        "arms": [{"name": "none", "control": True}, {"name": "all", "interventions": list(KINDS)}],
        "arm": "all",
    })
    base["population"]["n"] = n
    return load_scenario(base)


def _snapshot(sim: Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = sim.pop.n
    return sim.pop.f32[:, :n].copy(), sim.pop.i32[:, :n].copy(), sim.pop.i8[:, :n].copy()


def _changed(sim: Simulation, before: tuple[np.ndarray, np.ndarray, np.ndarray]) -> set[str]:
    """Names of the states that differ from ``before`` for any of the people who existed then."""
    lay, n = sim.layout, before[0].shape[1]
    f, i, b = sim.pop.f32[:, :n], sim.pop.i32[:, :n], sim.pop.i8[:, :n]
    same_f = (f == before[0]) | (np.isnan(f) & np.isnan(before[0]))
    out = {lay.f32[r] for r in np.nonzero(~same_f.all(axis=1))[0]}
    out |= {lay.i32[r] for r in np.nonzero(~(i == before[1]).all(axis=1))[0]}
    out |= {lay.i8[r] for r in np.nonzero(~(b == before[2]).all(axis=1))[0]}
    return out


def _allowed(members: tuple[Mechanism, ...], everyone: Sequence[Mechanism]) -> set[str]:
    return {s.name for m in members for s in m.declared()} | {w for m in members for w in m.written(everyone)}


@pytest.fixture(scope="module")
def contract_run() -> dict[str, Any]:
    """One run of the contract scenario, section by section, recording what each section wrote."""
    sim = build(_scenario(160), seed=3)
    violations: list[str] = []
    ids = sim.pop.add(sim.scenario.population.n)
    sim.cohorts[0] = ids
    for m in sim.mechanisms:
        before = _snapshot(sim)
        m.init_people(sim, ids)
        extra = _changed(sim, before) - _allowed((m,), sim.mechanisms)
        if extra:
            violations.append(f"{m.key}.init_people wrote {sorted(extra)}")
    seen: set[str] = set()
    for step in range(sim.n_steps):
        sim.step_now = step
        for name, members, advance in sim.groups():
            before = _snapshot(sim)
            advance(sim, step)
            extra = _changed(sim, before) - _allowed(members, sim.mechanisms)
            if extra and name not in seen:
                seen.add(name)
                violations.append(f"{name} (week {step}) wrote {sorted(extra)}")
    for m in sim.mechanisms:
        before = _snapshot(sim)
        m.finish(sim)
        extra = _changed(sim, before) - _allowed((m,), sim.mechanisms)
        if extra:
            violations.append(f"{m.key}.finish wrote {sorted(extra)}")
    from attachsim.core.results import collect

    return {"sim": sim, "violations": violations, "results": collect(sim)}


def test_every_mechanism_kind_is_in_the_contract_scenario(contract_run: dict[str, Any]) -> None:
    sim = contract_run["sim"]
    kinds = {type(m).__name__ for m in sim.mechanisms}
    for expected in ("Demography", "Relationships", "Parenting", "Caregiving", "Relief", "StrangeSituation",
                     "LifespanAssessments", "LifeEvents"):
        assert expected in kinds
    assert sum(m.key.startswith("m11_") for m in sim.mechanisms) == len(KINDS)
    assert (sim.pop["generation"] == 1).any(), "no child was born: M10 was not exercised"


def test_sections_write_only_owned_or_declared_states(contract_run: dict[str, Any]) -> None:
    assert not contract_run["violations"], "\n".join(contract_run["violations"])


def test_the_write_check_can_fail() -> None:
    """A mechanism that writes a state it does not own is caught by the same comparison."""
    sim = build(_scenario(20, years=1.1), seed=1)
    sim.start()
    before = _snapshot(sim)
    sim.pop["regulation"][:] += 0.5
    demography = sim.mechanisms[0]
    assert _changed(sim, before) - _allowed((demography,), sim.mechanisms) == {"regulation"}


def test_declared_columns_appear_with_metadata(contract_run: dict[str, Any]) -> None:
    sim, res = contract_run["sim"], contract_run["results"]
    for m in sim.mechanisms:
        for col in m.result_columns(sim):
            assert col.name in res.people.columns, f"{m.key}: column {col.name} missing"
            meta = res.columns[col.name]
            assert meta["owner"] == m.key and meta["unit"] and meta["label"]
            dtype = str(res.people[col.name].dtype)
            dtype = "str" if dtype == "object" else dtype  # pandas < 3 stores strings as object
            assert dtype == col.dtype, f"{col.name}: declared {col.dtype}, got {dtype}"
    assert set(res.columns) == set(res.people.columns)


def test_sections_are_deterministic_on_one_and_two_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two simulations of one seed, in lockstep, one on one thread and one on two: identical after every section."""
    monkeypatch.setattr(attachsim.core.parallel, "PARALLEL_MIN_PEOPLE", 0)
    threads = numba.get_num_threads()
    sims = [build(_scenario(120), seed=5) for _ in range(2)]
    for s in sims:
        s.start()
    sections = [s.groups() for s in sims]
    try:
        for step in range(sims[0].n_steps):
            for g in range(len(sections[0])):
                for k, s in enumerate(sims):
                    s.step_now = step
                    numba.set_num_threads(1 if k == 0 else min(2, threads))
                    sections[k][g][2](s, step)
                a, b = _snapshot(sims[0]), _snapshot(sims[1])
                for x, y in zip(a, b, strict=True):
                    assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), \
                        f"{sections[0][g][0]} differs at week {step}"
    finally:
        numba.set_num_threads(threads)


@pytest.mark.parametrize("n", [0, 1])
def test_populations_of_zero_and_one(n: int) -> None:
    """Every mechanism's hooks, kernels, finish and columns work without people and with one person.

    The scenario schema asks for at least one person; the empty population is built past it, as a library user
    composing mechanisms could.
    """
    sc = _scenario(1, years=YEARS)
    sc = sc.model_copy(update={"population": sc.population.model_copy(update={"n": n})})
    res = build(sc, seed=2).run()
    assert len(res.people) >= n
    assert "ssp_12m" in res.people.columns and "ace_count" in res.people.columns
