"""M11 interventions and experiments: common random numbers, every kind acting on its target, compare."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import attachsim
from attachsim.adulthood.relief import REGULATORS
from attachsim.cli import app
from attachsim.experiments import compare, write_comparison
from attachsim.interventions import KINDS, Intervention
from attachsim.model import mechanisms as build_mechanisms
from attachsim.scenarios import ScenarioError, load_scenario

EXPERIMENTS = ("sensitivity-training", "child-parent-trial", "foster-timing", "addiction-treatment",
               "trauma-therapy", "neglect-repair")


def _infant_experiment(arms: list[dict], interventions: list[dict] | None = None) -> dict:
    return {
        "name": "crn", "years": 1.0, "caregiving": {"profile": "community"},
        "interventions": interventions or [{"name": "vipp", "kind": "sensitivity_training", "start_age_months": 3}],
        "arms": arms,
        "outcomes": [{"name": "secure", "column": "ssp_12m", "kind": "share", "equals": ["B"]},
                     {"name": "sensitivity", "column": "sensitivity_0_1", "kind": "mean"}],
    }


def test_identical_arms_give_identical_people():
    sc = _infant_experiment([{"name": "control", "control": True}, {"name": "a", "interventions": ["vipp"]},
                             {"name": "b", "interventions": ["vipp"]}])
    cmp = compare(sc, n=800, seed=3)
    pd.testing.assert_frame_equal(cmp.people["a"], cmp.people["b"])
    assert (cmp.people["a"]["iv_vipp_status"] == 2).sum() > 500  # the intervention did reach people
    # arms differ only through the intervention: families who declined it live exactly the control arm's lives
    declined = (cmp.people["a"]["iv_vipp_status"] == 1).fillna(False).to_numpy()
    control = cmp.people["control"].drop(columns=[c for c in cmp.people["control"] if c.startswith("iv_")])
    assert declined.sum() > 20
    pd.testing.assert_frame_equal(control[declined], cmp.people["a"][control.columns][declined])
    assert not control.equals(cmp.people["a"][control.columns])  # ...and the treated ones do not
    a, b = ({r["outcome"]: r for r in cmp.effects if r["arm"] == arm} for arm in ("a", "b"))
    assert a["secure"]["difference"] == b["secure"]["difference"]


def test_an_arm_that_reaches_nobody_equals_the_control_exactly():
    nobody = {"name": "nobody", "kind": "sensitivity_training", "start_age_months": 3,
              "eligibility": {"states": {"reactivity": {"min": 1000.0}}}}
    sc = _infant_experiment([{"name": "control", "control": True}, {"name": "empty", "interventions": ["nobody"]}],
                            [nobody])
    cmp = compare(sc, n=800, seed=4)
    pd.testing.assert_frame_equal(cmp.people["control"], cmp.people["empty"])
    assert cmp.people["empty"]["iv_nobody_status"].isna().all()
    rec = next(r for r in cmp.effects if r["arm"] == "empty" and r["outcome"] == "sensitivity")
    assert rec["n"] == 0 and np.isnan(rec["difference"])  # the outcome is over the eligible: nobody


def test_control_arm_equals_a_run_without_interventions():
    """Measure-only interventions change nothing: the control arm equals the plain scenario, column by column."""
    sc = _infant_experiment([{"name": "control", "control": True}, {"name": "vipp", "interventions": ["vipp"]}])
    cmp = compare(sc, n=600, seed=5)
    plain = attachsim.run({"name": "plain", "years": 1.0, "caregiving": {"profile": "community"}}, n=600, seed=5)
    control = cmp.people["control"].drop(columns="seed")
    common = [c for c in plain.people.columns if c in control.columns]
    assert set(control.columns) - set(common) == {c for c in control.columns if c.startswith("iv_")}
    pd.testing.assert_frame_equal(control[common], plain.people[common])


def test_scenarios_without_interventions_get_no_intervention_mechanism():
    for name in ("normative", "maltreated", "intergenerational"):
        assert not any(isinstance(m, Intervention) for m in build_mechanisms(load_scenario(name)))


def test_numpy_and_numba_engines_agree_with_interventions():
    sc = _infant_experiment([{"name": "control", "control": True}, {"name": "vipp", "interventions": ["vipp"]}])
    a = compare(sc, n=300, seed=6, engine="numba").people["vipp"]
    b = compare(sc, n=300, seed=6, engine="numpy").people["vipp"]
    pd.testing.assert_frame_equal(a, b)


# ----------------------------------------------------------------------------- every kind on its target

ALL_KINDS = [
    {"name": "vipp", "kind": "sensitivity_training", "start_age_months": 4},
    {"name": "cpp", "kind": "child_parent_psychotherapy", "start_age_months": 13,
     "eligibility": {"exposure": "threat"}},
    {"name": "ppi", "kind": "parenting_support", "start_age_months": 40, "eligibility": {"exposure": "threat"}},
    {"name": "abc", "kind": "responsiveness_training", "start_age_months": 36,
     "eligibility": {"exposure": "deprivation"}},
    {"name": "play", "kind": "play_therapy", "start_age_months": 48, "eligibility": {"exposure": "deprivation"}},
    {"name": "foster", "kind": "placement", "start_age_months": 60},
    {"name": "tfcbt", "kind": "tf_cbt", "start_age_months": 96, "eligibility": {"exposure": "threat"}},
    {"name": "emdr", "kind": "emdr", "start_age_months": 100, "eligibility": {"exposure": "threat"}},
    {"name": "mind", "kind": "mindfulness", "start_age_months": 200},
    {"name": "symptom", "kind": "symptom_focused", "start_age_months": 216, "eligibility": {"compulsive": True}},
    {"name": "attach", "kind": "attachment_therapy", "start_age_months": 216},
]
EXPECTED_SIGN = {"vipp": 1, "cpp": 1, "ppi": -1, "abc": 1, "play": 1, "foster": 1, "tfcbt": -1, "emdr": -1,
                 "mind": 1, "symptom": -1, "attach": 1}


@pytest.fixture(scope="module")
def every_kind():
    sc = {
        "name": "every-kind", "years": 20.2, "caregiving": {"profile": "community"},
        "adversity": {"threat": {"onset_months": 0, "duration_months": 72, "intensity": 0.35, "share": 0.5},
                      "deprivation": {"onset_months": 0, "duration_months": 72, "intensity": 0.6, "share": 0.5}},
        "assessments": {"checklist": {"ages_years": []}, "adult": {"ages_years": []}},
        "interventions": ALL_KINDS,
        "arms": [{"name": "none", "control": True}, {"name": "all", "interventions": [k["name"] for k in ALL_KINDS]}],
        "outcomes": [{"name": "relapse_1y", "column": "iv_symptom_relapse_1y", "kind": "share", "equals": [1]}],
    }
    return compare(sc, n=1200, seed=11)


def test_every_kind_is_covered():
    assert {k["kind"] for k in ALL_KINDS} == set(KINDS)


def test_every_kind_changes_the_state_it_acts_on_in_its_direction(every_kind):
    """Delivery, not effect: each kind's own measure of its target (the state it writes) moves as declared.
    Whether that change reaches an outcome downstream is tested below (section 'downstream outcomes')."""
    targets = {t["intervention"]: t for t in every_kind.targets}
    assert set(targets) == set(EXPECTED_SIGN)
    for name, sign in EXPECTED_SIGN.items():
        t = targets[name]
        assert t["started"] > 20, name
        assert np.sign(t["d"]) == sign, (name, t)


def test_delivery_follows_dose_uptake_and_completion(every_kind):
    p = every_kind.people["all"]
    for spec in ALL_KINDS:
        status = p[f"iv_{spec['name']}_status"].dropna()
        sessions = p[f"iv_{spec['name']}_sessions"]
        iv = next(i for i in load_scenario({"interventions": [spec]}).interventions)
        assert set(status.unique()) <= {1, 2, 3}
        assert sessions.max() <= iv.sessions
        done = p[f"iv_{spec['name']}_status"] == 2
        assert (sessions[done.fillna(False)] == iv.sessions).all(), spec["name"]
        assert (sessions[(p[f"iv_{spec['name']}_status"] == 1).fillna(False)] == 0).all()
    # the vipp cohort is large enough for a statistical check of uptake x completion (0.9 x 0.8)
    vipp = p["iv_vipp_status"]
    assert abs((vipp == 2).mean() - 0.72) < 0.05
    # control arm: everyone measured, nobody treated
    c = every_kind.people["none"]
    assert (c["iv_vipp_status"] == 0).all() and (c["iv_vipp_sessions"] == 0).all()


def test_placement_replaces_the_caregiver_and_ends_the_former_homes_adversity(every_kind):
    p = every_kind.people["all"]
    placed = (p["iv_foster_status"] == 2).fillna(False)
    assert placed.all()
    assert (p.loc[placed, "profile"] == "foster").all()
    assert (every_kind.people["none"]["profile"] == "community").all()


def test_symptom_treatment_relapse_follow_up(every_kind):
    p, c = every_kind.people["all"], every_kind.people["none"]
    eligible = p["iv_symptom_status"].notna()
    assert eligible.sum() > 20
    assert p.loc[eligible, "iv_symptom_relapse_1y"].notna().all()
    assert p.loc[~eligible, "iv_symptom_relapse_1y"].isna().all()
    # the control arm measures the same follow-ups on its own eligible people (a measure-only intervention)
    assert c.loc[c["iv_symptom_status"].notna(), "iv_symptom_relapse_1y"].notna().all()


# ----------------------------------------------------------------------------- downstream outcomes
# Each test compares arms that differ only in one intervention (common random numbers: same seeds, same people)
# on an outcome the intervention does not write: a later assessment, after months or years of the model's own
# dynamics. The paired difference per person is pooled over seeds (below 1000, never a calibration seed) and must
# exceed three standard errors in the direction the mechanism predicts. Each builder takes the intervention's
# ``strength``: at 0 the arms are identical and every one of these tests fails (checked by hand).

def _paired_z(treated: pd.Series, control: pd.Series) -> tuple[float, float]:
    """Mean paired difference (treated - control) and its z (one standard error of the paired differences)."""
    d = (treated.astype(float) - control.astype(float)).to_numpy()
    se = d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() / se) if se > 0 else 0.0


def sensitivity_training_trial(strength: float = 1.0) -> dict:
    return {
        "name": "vipp-outcome", "years": 1.0, "caregiving": {"profile": "community"},
        "interventions": [{"name": "vipp", "kind": "sensitivity_training", "start_age_months": 4,
                           "strength": strength}],
        "arms": [{"name": "control", "control": True}, {"name": "vipp", "interventions": ["vipp"]}],
        "outcomes": [{"name": "secure_12m", "column": "ssp_12m", "kind": "share", "equals": ["B"]}],
    }


def test_sensitivity_training_raises_security_at_12_months():
    """VIPP at 4 months acts on the caregiver only; the 12-month Strange Situation is scored from the infant's
    behaviour eight months later, so more B infants means the care change reached the infant's attachment."""
    cmp = compare(sensitivity_training_trial(), n=1_500, seeds=3, seed=101)
    secure = {arm: cmp.people[arm]["ssp_12m"] == "B" for arm in ("control", "vipp")}
    diff, z = _paired_z(secure["vipp"], secure["control"])
    assert diff > 0 and z > 3, (diff, z)


def trauma_therapy_trial(strength: float = 1.0) -> dict:
    therapy = {"start_age_months": 96, "strength": strength, "eligibility": {"exposure": "threat"}}
    return {
        "name": "trauma-outcome", "years": 18.1, "caregiving": {"profile": "community"},
        "adversity": {"threat": {"onset_months": 0, "duration_months": 96, "intensity": 0.35, "share": 1.0}},
        "assessments": {"checklist": {"ages_years": [12]}, "adult": {"ages_years": [18]}},
        "interventions": [{"name": "tfcbt", "kind": "tf_cbt", **therapy}, {"name": "emdr", "kind": "emdr", **therapy}],
        "arms": [{"name": "none", "control": True}, {"name": "tfcbt", "interventions": ["tfcbt"]},
                 {"name": "emdr", "interventions": ["emdr"]}],
        "outcomes": [{"name": "hypervigilance_12y", "column": "hypervigilance_12y", "kind": "mean"}],
    }


def test_trauma_therapy_at_8_leaves_fewer_hypervigilance_signs_at_12_and_less_chronic_stress_at_18():
    """Children harmed until 8, then safe; TF-CBT or EMDR at 8 (S1-5). Four years later the checklist rates
    fewer hypervigilance signs, and at 18 the one-year mean arousal (chronic stress, the model's own weekly
    dynamics) is lower: the processed trauma stays processed."""
    cmp = compare(trauma_therapy_trial(), n=300, seeds=2, seed=111)
    none = cmp.people["none"]
    for arm in ("tfcbt", "emdr"):
        for column in ("hypervigilance_12y", "chronic_stress_18"):
            diff, z = _paired_z(cmp.people[arm][column], none[column])
            assert diff < 0 and z < -3, (arm, column, diff, z)


def symptom_treatment_trial(strength: float = 1.0) -> dict:
    return {
        "name": "symptom-outcome", "years": 32.1, "caregiving": {"profile": "community"},
        "assessments": {"checklist": {"ages_years": []}, "adult": {"ages_years": [32]}},
        "interventions": [{"name": "symptom", "kind": "symptom_focused", "strength": strength,
                           "eligibility": {"compulsive": True}}],
        "arms": [{"name": "none", "control": True}, {"name": "symptom", "interventions": ["symptom"]}],
        "outcomes": [{"name": "relapse_1y", "column": "iv_symptom_relapse_1y", "kind": "share", "equals": [1]}],
    }


def test_symptom_focused_treatment_leaves_less_compulsive_use_a_year_after_it_ends():
    """Adults in compulsive use at 30 get a year of relapse prevention (S0-9); a year after it ends (32) fewer of
    them meet the M8 compulsive-use criterion (habit, recent use, not abstinent) than the same people untreated.
    The outcome is the assessment's reading at 32, not the intervention's own follow-up record."""
    cmp = compare(symptom_treatment_trial(), n=800, seeds=2, seed=121)
    none, treated = cmp.people["none"], cmp.people["symptom"]
    enrolled = none["iv_symptom_status"].notna()
    assert enrolled.equals(treated["iv_symptom_status"].notna()) and enrolled.sum() > 250

    def compulsive(p: pd.DataFrame) -> pd.Series:
        return pd.concat([p[f"compulsive_{t}_32"].astype(bool) for t in REGULATORS], axis=1).any(axis=1)

    diff, z = _paired_z(compulsive(treated)[enrolled], compulsive(none)[enrolled])
    assert diff < 0 and z < -3, (diff, z)


# ----------------------------------------------------------------------------- scenarios, compare, CLI

def test_every_builtin_experiment_is_valid_and_has_a_control():
    for name in EXPERIMENTS:
        sc = load_scenario(name)
        assert sum(a.control for a in sc.arms) == 1 and len(sc.arms) >= 2
        assert sc.outcomes
    sc = load_scenario("addiction-treatment")
    names = {o.name for o in sc.outcomes}
    assert any("relapse_1y" in x for x in names) and any("relapse_5y" in x for x in names)
    assert {a.name for a in sc.arms} == {"none", "symptom", "attachment", "both"}


@pytest.mark.parametrize("bad, words", [
    ({"interventions": [{"name": "x", "kind": "hypnosis"}]}, ["interventions.0", "hypnosis"]),
    ({"interventions": [{"name": "x", "kind": "tf_cbt", "sessions": 30, "duration_weeks": 10}]},
     ["sessions (30) must not exceed duration_weeks (10)"]),
    ({"interventions": [{"name": "x", "kind": "tf_cbt", "uptake": 1.5}]}, ["uptake", "0 to 1"]),
    ({"interventions": [{"name": "x", "kind": "tf_cbt", "dose": 3}]}, ["unknown key 'dose'"]),
    ({"interventions": [{"name": "x", "kind": "placement", "profile": "castle"}]}, ["unknown profile 'castle'"]),
    ({"interventions": [{"name": "x", "kind": "tf_cbt"}, {"name": "x", "kind": "emdr"}]}, ["used twice"]),
    ({"arms": [{"name": "a"}, {"name": "b"}]}, ["exactly one arm must have control: true"]),
    ({"arms": [{"name": "a", "control": True, "interventions": ["ghost"]}]}, ["unknown intervention 'ghost'"]),
    ({"outcomes": [{"name": "o", "column": "ssp_12m"}]}, ["a share needs 'equals'"]),
])
def test_bad_experiment_input_is_a_clear_error(bad, words):
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    for w in words:
        assert w in str(info.value)


def test_unknown_state_in_eligibility_is_named():
    sc = _infant_experiment([{"name": "c", "control": True}, {"name": "t", "interventions": ["x"]}],
                            [{"name": "x", "kind": "tf_cbt", "eligibility": {"states": {"anger": {"min": 1}}}}])
    with pytest.raises(ValueError, match=r"interventions\.x\.eligibility\.states: unknown state 'anger'"):
        compare(sc, n=50, seed=0)


def test_unknown_outcome_column_is_named():
    sc = _infant_experiment([{"name": "c", "control": True}, {"name": "t", "interventions": ["vipp"]}])
    sc["outcomes"] = [{"name": "o", "column": "happiness", "kind": "mean"}]
    with pytest.raises(ScenarioError, match="outcome 'o': column: no column 'happiness'"):
        compare(sc, n=50, seed=0)


def test_compare_writes_effects_and_people(tmp_path):
    sc = _infant_experiment([{"name": "control", "control": True}, {"name": "vipp", "interventions": ["vipp"]}])
    cmp = compare(sc, n=400, seeds=2, seed=7)
    write_comparison(cmp, tmp_path)
    records = json.loads((tmp_path / "effects.json").read_text())
    assert len(records) == 2 * 2
    for rec in records:
        assert {"arm", "outcome", "value", "difference", "ci_low", "ci_high", "effect_size", "effect_kind"} <= set(rec)
        assert rec["ci_low"] <= rec["difference"] <= rec["ci_high"]
    kinds = {r["outcome"]: r["effect_kind"] for r in records}
    assert kinds == {"secure": "odds_ratio", "sensitivity": "cohens_d"}
    for arm in ("control", "vipp"):
        people = pd.read_parquet(tmp_path / arm / "people.parquet")
        assert len(people) == 800 and set(people["seed"]) == {7, 8}
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary files left behind
    text = cmp.table()
    assert "secure" in text and "difference [95% CI]" in text and "achieved change" in text


def test_cli_compare_and_experiments(tmp_path):
    runner = CliRunner()
    listed = runner.invoke(app, ["experiments"])
    assert listed.exit_code == 0
    for name in EXPERIMENTS:
        assert name in listed.output
    result = runner.invoke(app, ["compare", "sensitivity-training", "--n", "300", "--seed", "1", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "secure_12m" in result.output and "OR =" in result.output
    assert (tmp_path / "effects.json").exists() and (tmp_path / "vipp" / "people.parquet").exists()
    bad = runner.invoke(app, ["compare", "normative", "--n", "100"])
    assert bad.exit_code != 0 and "arms" in bad.output


# ----------------------------------------------------------------------------- statistical (slow)

@pytest.mark.slow
def test_child_parent_trial_cpp_helps_more_than_parenting_support():
    """Model predictions (not fitted): CPP > psychoeducation > community standard in security at 26 months."""
    cmp = compare("child-parent-trial", n=10_000, seeds=2, seed=201)
    eff = {(r["arm"], r["outcome"]): r for r in cmp.effects}
    for arm in ("cpp", "ppi"):
        assert eff[(arm, "secure_12m")]["difference"] == 0.0  # before treatment the arms are identical
        assert eff[(arm, "secure_26m")]["ci_low"] > 0
        assert eff[(arm, "disorganized_26m")]["ci_high"] < 0
    assert eff[("cpp", "secure_26m")]["difference"] > eff[("ppi", "secure_26m")]["difference"]
    # the comparison group is untouched by any arm
    assert eff[("cpp", "nonmaltreated_secure_26m")]["difference"] == 0.0
    # the achieved sensitivity change is the full-course d diluted by uptake, drop-out and fidelity
    cpp = next(t for t in cmp.targets if t["intervention"] == "cpp")
    assert 0.15 < cpp["d"] < 0.33


@pytest.mark.slow
def test_earlier_foster_placement_gives_more_security_at_42_months():
    """The sensitive period (S0-10) predicts a timing effect: the earlier the placement, the more secure."""
    cmp = compare("foster-timing", n=4_000, seeds=2, seed=211)
    secure = [next(r for r in cmp.effects if r["arm"] == arm and r["outcome"] == "secure_42m")["value"]
              for arm in ("foster_6m", "foster_12m", "foster_18m", "foster_24m", "foster_30m", "stay")]
    assert all(a > b for a, b in itertools.pairwise(secure))


def addiction_trial(strength: float = 1.0) -> dict:
    enrol = {"start_age_months": 360, "eligibility": {"compulsive": True}}
    return {
        "name": "s0-9", "years": 35.1, "caregiving": {"profile": "community"},
        "assessments": {"checklist": {"ages_years": []}, "adult": {"ages_years": [31, 35]}},
        "interventions": [{"name": "symptom", "kind": "symptom_focused", **enrol},
                          {"name": "attachment", "kind": "attachment_therapy", "duration_weeks": 52, "sessions": 40,
                           "strength": strength, **enrol}],
        "arms": [{"name": "none", "control": True}, {"name": "symptom", "interventions": ["symptom"]},
                 {"name": "both", "interventions": ["symptom", "attachment"]}],
        "outcomes": [{"name": "relapse_1y", "column": "iv_symptom_relapse_1y", "kind": "share", "equals": [1]}],
    }


@pytest.mark.slow
def test_s0_9_symptom_treatment_alone_cuts_use_but_only_attachment_work_changes_attachment():
    """S0-9: symptom-focused treatment is necessary but not sufficient; the underlying attachment changes only when
    it is worked on. Adults in compulsive use at 30 (the same people in every arm), a year of treatment:
    symptom-focused treatment alone leaves fewer of them relapsed a year after it ends than no treatment, and does
    not make them more secure; adding depth therapy leaves more of them secure on both adult instruments a year after
    the course (ECR-R self-report and the adult interview, scored from the states by the instruments' own rules) and
    still more autonomous (F) four years later. With the depth therapy's strength 0 the 'both' arm equals the
    'symptom' arm and the security assertions fail."""
    cmp = compare(addiction_trial(), n=3_000, seeds=2, seed=301)
    none, symptom, both = (cmp.people[a] for a in ("none", "symptom", "both"))
    enrolled = none["iv_symptom_status"].notna()
    assert enrolled.sum() > 800
    relapse = {arm: p.loc[enrolled, "iv_symptom_relapse_1y"] == 1 for arm, p in (("none", none),
                                                                                ("symptom", symptom))}
    diff, z = _paired_z(relapse["symptom"], relapse["none"])
    assert diff < 0 and z < -3, (diff, z)  # necessary: less relapse
    for column, secure in (("adult_style_31", "secure"), ("aai_31", "F"), ("aai_35", "F")):
        got = {arm: p.loc[enrolled, column] == secure for arm, p in (("none", none), ("symptom", symptom),
                                                                     ("both", both))}
        diff, z = _paired_z(got["both"], got["symptom"])
        assert diff > 0 and z > 3, (column, diff, z)
        diff, z = _paired_z(got["symptom"], got["none"])
        assert z < 3, (column, diff, z)  # not sufficient: no gain in security from symptom treatment alone


def earned_security_trial(strength: float = 1.0) -> dict:
    return {
        "name": "s0-5", "years": 36.1, "caregiving": {"profile": "community"},
        "assessments": {"checklist": {"ages_years": []}, "adult": {"ages_years": [29, 31, 36]}},
        "interventions": [{"name": "depth", "kind": "attachment_therapy", "start_age_months": 360,
                           "strength": strength}],
        "arms": [{"name": "none", "control": True}, {"name": "depth", "interventions": ["depth"]}],
        "outcomes": [{"name": "autonomous_36", "column": "aai_36", "kind": "share", "equals": ["F"]}],
    }


@pytest.mark.slow
def test_s0_5_insecure_adults_earn_security_in_depth_therapy_and_keep_it():
    """S0-5: patterns remain changeable; a corrective relationship can earn security in adulthood. Adults
    classified insecure (dismissing or preoccupied) on the adult interview at 29 get a year of attachment-focused
    depth therapy at 30, at adult plasticity. A year after the course more of them are autonomous (F) than the same
    people untreated, and five years after it (36) they still are: the change persists in the model's own weekly
    dynamics. With strength 0 the arms are identical and this fails."""
    cmp = compare(earned_security_trial(), n=2_000, seeds=3, seed=311)
    none, depth = cmp.people["none"], cmp.people["depth"]
    insecure = none["aai_29"].isin(["Ds", "E"])
    assert insecure.equals(depth["aai_29"].isin(["Ds", "E"])) and insecure.sum() > 1_000  # measured before therapy
    for column in ("aai_31", "aai_36"):
        diff, z = _paired_z(depth.loc[insecure, column] == "F", none.loc[insecure, column] == "F")
        assert diff > 0 and z > 3, (column, diff, z)
