"""Bad input gets a clear error naming the field, the value and the allowed range."""

from pathlib import Path

import pytest
import yaml

import attachsim
from attachsim import ScenarioError, load_scenario


def _write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _error(source) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    return str(info.value)


def test_every_builtin_loads_and_round_trips():
    names = attachsim.builtin_names()
    required = {"normative", "maltreated", "neglected", "institution", "high-risk", "sensitive", "rejecting",
                "inconsistent", "frightening", "neglectful", "depressed", "foster"}
    assert required <= set(names)
    for name in names:
        sc = load_scenario(name)
        again = load_scenario(yaml.safe_load(attachsim.resolved_yaml(sc)))
        assert again == sc
    descriptions = dict(attachsim.describe_builtins())
    assert all(descriptions[n] for n in names)


def test_not_yaml(tmp_path):
    msg = _error(_write(tmp_path, "name: x\npopulation: {n: 5\n"))
    assert "not valid YAML" in msg and "line" in msg


def test_empty_file(tmp_path):
    assert "empty" in _error(_write(tmp_path, ""))
    assert "empty" in _error(_write(tmp_path, "# only a comment\n"))


def test_absurdly_large_file(tmp_path):
    msg = _error(_write(tmp_path, "description: '" + "x" * 1_100_000 + "'\n"))
    assert "at most 1,000,000 bytes" in msg


def test_not_a_mapping(tmp_path):
    assert "must be a YAML mapping" in _error(_write(tmp_path, "- a\n- b\n"))
    assert "must be a YAML mapping" in _error(_write(tmp_path, "just a string\n"))


def test_binary_file(tmp_path):
    assert "not a text file" in _error(_write(tmp_path, b"\xff\xfe\x00\x81binary"))


def test_missing_file_and_unknown_name(tmp_path):
    assert "no such scenario file" in _error(tmp_path / "absent.yaml")
    msg = _error("no-such-scenario")
    assert "Unknown scenario 'no-such-scenario'" in msg and "normative" in msg


def test_unknown_top_level_key_names_allowed_keys():
    msg = _error({"name": "x", "popluation": {"n": 10}})
    assert "unknown key 'popluation'" in msg and "population" in msg and "caregiving" in msg


def test_unknown_nested_key():
    msg = _error({"adversity": {"threat": {"intensity": 0.5, "onset": 3}}})
    assert "adversity.threat.onset" in msg and "unknown key 'onset'" in msg and "onset_months" in msg


def test_out_of_range_int_names_field_value_and_range():
    msg = _error({"population": {"n": -5}})
    assert "population.n" in msg and "-5" in msg and "allowed range is 1 to 50,000,000" in msg


def test_out_of_range_float():
    msg = _error({"adversity": {"threat": {"intensity": 1.5}}})
    assert "adversity.threat.intensity" in msg and "1.5" in msg and "allowed range is 0 to 1" in msg


def test_out_of_range_model_parameter():
    msg = _error({"parameters": {"distress": {"rate_newborn": 1000}}})
    assert "parameters.distress.rate_newborn" in msg and "1000" in msg and "0 to 60" in msg


def test_years_out_of_range():
    msg = _error({"years": 300})
    assert "years" in msg and "300" in msg and "(exclusive)" in msg and "to 200" in msg


def test_wrong_type():
    msg = _error({"population": {"n": "many"}})
    assert "population.n" in msg and "'many'" in msg


def test_unknown_profile_lists_profiles():
    msg = _error({"caregiving": {"profile": "saintly"}})
    assert "unknown profile 'saintly'" in msg and "sensitive" in msg and "institution" in msg


def test_mixture_weights_must_sum_to_one():
    msg = _error({"caregiving": {"mixture": {"sensitive": 0.5, "rejecting": 0.2}}})
    assert "caregiving.mixture" in msg and "sum to 1" in msg


def test_several_problems_reported_at_once():
    msg = _error({"population": {"n": 0, "female_share": 2}})
    assert "2 problems" in msg and "population.n" in msg and "population.female_share" in msg


def test_strange_situation_age():
    msg = _error({"assessments": {"strange_situation": {"ages_months": [12, 15]}}})
    assert "ages_months" in msg and "12 or 18" in msg


def test_a_file_name_becomes_the_scenario_name(tmp_path):
    sc = load_scenario(_write(tmp_path, "caregiving: {profile: sensitive}\n", "my-run.yaml"))
    assert sc.name == "my-run" and sc.caregiving.profile == "sensitive"


def test_mixture_and_overrides_take_effect():
    res = attachsim.run({"caregiving": {"mixture": {"sensitive": 0.5, "rejecting": 0.5},
                                        "overrides": {"harm": {"mean": 0.0, "sd": 0.0}}}}, n=400, seed=3, years=1)
    shares = res.people["profile"].value_counts(normalize=True)
    assert set(shares.index) == {"sensitive", "rejecting"}
    assert abs(shares["sensitive"] - 0.5) < 0.08
    assert float(res.people["cg_harm"].max()) == 0.0
