"""Property-based tests (Hypothesis): any input file yields a result or a clear UserError, never another exception,
never a partial output file.

Covers the scenario loader, parameter files, grid files and the ECR-R reader. Inputs are generated as raw text (any
characters), as YAML of random nested values with keys from each format's own vocabulary (so the generator reaches
the schema checks, not only the YAML parser), and as mutations of valid files. No simulation runs here.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from attachsim.assessments.ecrr import QuestionnaireError, read_responses, score_file
from attachsim.errors import UserError
from attachsim.io import MANIFEST, load_yaml, write_output_dir
from attachsim.scenarios import Scenario, ScenarioError, load_scenario
from attachsim.scenarios.loader import builtin_text
from attachsim.store import GridError, plan_sweep
from attachsim.store._sweep import load_grid
from attachsim.validation.params_file import ParamsFileError, load_params, parameter_bounds

# derandomized: the default suite explores the same inputs every run (a failure is reproducible, never flaky)
FAST = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

SCENARIO_KEYS = ["name", "years", "population", "n", "generations", "fertility", "female_share", "caregiving",
                 "profile", "mixture", "sensitive", "community", "adversity", "threat", "deprivation", "intensity",
                 "share", "onset_months", "assessments", "strange_situation", "ages_months", "adult", "ages_years",
                 "parameters", "strategies", "hyper_gain", "interventions", "kind", "arms", "control", "outcomes",
                 "description", "regulators", "access", "alcohol"]
PARAM_KEYS = list(parameter_bounds())[:40]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["sensitive", "community", "vipp", "12", "1e400", ".inf"]))


def values(keys: list[str]) -> st.SearchStrategy[object]:
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(keys), inner, max_size=4)), max_leaves=12)


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _dump(data: object) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, UnicodeEncodeError):
        return "{}"


def _mutate(text: str, cuts: list[tuple[int, int, str]]) -> str:
    for pos, length, insert in cuts:
        at = pos % (len(text) + 1)
        text = text[:at] + insert + text[at + length:]
    return text


safe_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
mutations = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.sampled_from(
    ["", ":", " ", "\n", "- ", "[", "]", "{", "true", "-1", "1e9", "\t", "&a", "*a", "!!python/object:x", "#"])),
    max_size=4)


# --------------------------------------------------------------------------- scenarios

def _load_scenario_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "s.yaml", text)
        try:
            assert isinstance(load_scenario(path), Scenario)
        except ScenarioError as exc:
            assert str(exc).strip() and "Traceback" not in str(exc)


@FAST
@given(safe_text)
def test_any_scenario_text_loads_or_is_a_scenario_error(text):
    _load_scenario_file(text)


@FAST
@given(st.dictionaries(st.sampled_from(SCENARIO_KEYS), values(SCENARIO_KEYS), max_size=6))
def test_any_scenario_mapping_loads_or_is_a_scenario_error(data):
    _load_scenario_file(_dump(data))
    try:
        load_scenario(data)
    except ScenarioError:
        pass


@FAST
@given(st.sampled_from(["normative", "maltreated", "trauma-therapy", "intergenerational"]), mutations)
def test_mutated_builtin_scenarios_load_or_are_scenario_errors(name, cuts):
    _load_scenario_file(_mutate(builtin_text(name), cuts))


def test_duplicate_keys_and_booleans_are_errors():
    with pytest.raises(ScenarioError, match="'population' is given twice"):
        load_scenario(_tmp_yaml("population: {n: 5}\npopulation: {n: 6}\n"))
    with pytest.raises(ScenarioError, match=r"population\.n: a number is expected, not true or false"):
        load_scenario({"population": {"n": True}})
    with pytest.raises(ScenarioError, match=r"strategies\.hyper_gain: a number is expected"):
        load_scenario({"parameters": {"strategies": {"hyper_gain": False}}})
    with pytest.raises(ScenarioError, match="years must be at most 60 with 1 generation"):
        load_scenario({"years": 61})
    assert load_scenario({"years": 105, "population": {"generations": 2}}).years == 105


def test_unknown_name_suggests_and_directory_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="Did you mean 'normative'"):
        load_scenario("normativ")
    with pytest.raises(ScenarioError, match="is a directory, not a scenario file"):
        load_scenario(tmp_path)


_TMP: list[tempfile.TemporaryDirectory[str]] = []


def _tmp_yaml(text: str) -> Path:
    _TMP.append(tempfile.TemporaryDirectory())
    return _write(Path(_TMP[-1].name), "x.yaml", text)


# --------------------------------------------------------------------------- parameter files

def _load_params_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "p.yaml", text)
        try:
            out = load_params(path)
            assert out and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                               for v in out.values())
        except ParamsFileError as exc:
            assert str(exc).strip()


@FAST
@given(safe_text)
def test_any_parameter_text_loads_or_is_a_params_error(text):
    _load_params_text(text)


@FAST
@given(st.dictionaries(st.one_of(st.sampled_from(PARAM_KEYS), st.text(max_size=20),
                                 st.sampled_from(["parameters.strategies.hyper_gain", "strategies", "a.b.c"])),
                       st.one_of(scalars, st.floats(-1e6, 1e6)), max_size=6))
def test_any_parameter_mapping_loads_or_is_a_params_error(data):
    _load_params_text(_dump(data))


def test_empty_and_duplicate_parameter_files_are_errors(tmp_path):
    with pytest.raises(ParamsFileError, match="the file is empty"):
        load_params(_write(tmp_path, "e.yaml", "# only a comment\n"))
    with pytest.raises(ParamsFileError, match="given twice"):
        load_params(_write(tmp_path, "d.yaml", "strategies.hyper_gain: 20\nstrategies.hyper_gain: 21\n"))


# --------------------------------------------------------------------------- grid files

GRID_KEYS = ["caregiving.profile", "parameters.strategies.hyper_gain", "population.fertility", "years",
             "population.n", "adversity.threat", "nope.key", "parameters.nope"]


@FAST
@given(st.one_of(safe_text, st.dictionaries(st.sampled_from(GRID_KEYS), st.one_of(
    scalars, st.lists(st.one_of(scalars, st.floats(0, 50)), max_size=3)), max_size=3).map(_dump)))
def test_any_grid_file_plans_or_is_a_grid_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "g.yaml", text)
        try:
            load_grid(path)
            runs = plan_sweep("normative", path, 1, n=100, years=1)
            assert runs
        except (GridError, ScenarioError) as exc:
            assert isinstance(exc, UserError) and str(exc).strip()


# --------------------------------------------------------------------------- ECR-R files

def _ecrr_text(rows: int, sep: str, id_name: str | None, bom: bool, blank_rows: int, junk: list[str],
               rng: np.random.Generator) -> str:
    header = ([id_name] if id_name is not None else []) + [f"Q{i}" for i in range(1, 37)]
    lines = [sep.join(header)]
    for k in range(rows):
        cells = [f"p{k}"] if id_name is not None else []
        cells += [str(v) for v in rng.integers(1, 8, 36)]
        lines.append(sep.join(cells))
    for j, cell in enumerate(junk):  # overwrite some cells of the respondents' rows with odd values
        if len(lines) > 1:
            parts = lines[1 + j % (len(lines) - 1)].split(sep)
            parts[j % len(parts)] = cell
            lines[1 + j % (len(lines) - 1)] = sep.join(parts)
    lines += [sep * (len(header) - 1)] * blank_rows  # an Excel export's trailing blank rows
    return ("\ufeff" if bom else "") + "\n".join(lines) + "\n"


@FAST
@example(rows=2, sep=",", id_name="id", bom=False, blank_rows=0, junk=['"', '"'], seed=0, suffix=".csv")  # found once
@given(rows=st.integers(0, 6), sep=st.sampled_from([",", ";", "\t", "|"]),
       id_name=st.sampled_from([None, "id", "ID", " Id "]), bom=st.booleans(), blank_rows=st.integers(0, 3),
       junk=st.lists(st.sampled_from(["", " ", "8", "0", "x", "3.5", "nan", "\"", "7", "1"]), max_size=4),
       seed=st.integers(0, 1000), suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
def test_any_ecrr_file_scores_or_is_a_questionnaire_error_and_leaves_no_partial_output(
        rows, sep, id_name, bom, blank_rows, junk, seed, suffix):
    text = _ecrr_text(rows, sep, id_name, bom, blank_rows, junk, np.random.default_rng(seed))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"answers{suffix}"
        path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "scores.csv"
        try:
            scores = score_file(path, out, missing="prorate")
            assert len(scores) == rows and out.is_file()
            assert len(pd.read_csv(out)) == rows
        except QuestionnaireError as exc:
            assert str(exc).strip() and not out.exists()
        assert sorted(p.name for p in Path(tmp).iterdir()) in (["answers" + suffix], ["answers" + suffix,
                                                                                      "scores.csv"])


@FAST
@given(safe_text)
def test_any_text_as_ecrr_file_reads_or_is_a_questionnaire_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "a.csv", text)
        try:
            read_responses(path)
        except QuestionnaireError as exc:
            assert str(exc).strip()


def test_ecrr_files_as_real_exports_come(tmp_path):
    rng = np.random.default_rng(1)
    ids, answers = read_responses(_write(tmp_path, "a.csv", _ecrr_text(3, ";", "ID", True, 2, [], rng)))
    assert list(ids) == ["p0", "p1", "p2"] and np.isfinite(answers).all()
    text = _ecrr_text(3, ",", "id", False, 0, [], rng).replace("\np1,", "\n  ,")
    with pytest.raises(QuestionnaireError, match="blank respondent id in column 'id' on line 3"):
        read_responses(_write(tmp_path, "b.csv", text))


# --------------------------------------------------------------------------- output folders and YAML

@FAST
@given(st.integers(0, 4), st.booleans())
def test_a_failing_writer_leaves_no_partial_output_folder(fail_at, previous):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        if previous:
            write_output_dir(out, "run", {"old.txt": lambda p: p.write_text("old")})

        def writer(k: int):
            def write(p: Path) -> None:
                if k == fail_at:
                    raise OSError(28, "No space left on device", str(p))
                p.write_text(str(k))
            return write

        with pytest.raises(OSError):
            write_output_dir(out, "run", {f"f{k}.txt": writer(k) for k in range(5)}, overwrite=True)
        assert sorted(p.name for p in Path(tmp).iterdir()) == (["out"] if previous else [])
        if previous:
            assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "old.txt"])


@FAST
@given(safe_text)
def test_load_yaml_returns_or_raises_user_error(text):
    try:
        load_yaml(text, "x")
    except UserError:
        pass
