"""Issue 6 (part A): published targets, parameter files, validate, calibrate and report."""

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import attachsim
from attachsim.cli import app, write_results
from attachsim.validation import (
    CALIBRATION,
    TARGETS,
    VALIDATION,
    ParamsFileError,
    apply_params,
    calibrate,
    free_parameters,
    get_targets,
    load_params,
    write_calibration,
)
from attachsim.validation.targets import (
    ace_odds_ratio,
    ace_score_share,
    attachment_outcome_d,
    continuity,
    early_childhood_kappa,
    excellent_care_security,
    insecure_to_secure,
    logit_d,
    parent_infant_phi,
    probit_d,
)
from attachsim.validation.validate import evaluate, plan_runs, run_frames, validate

runner = CliRunner()
SSP = ["ssp_low_risk_A", "ssp_low_risk_B", "ssp_low_risk_C", "ssp_low_risk_D"]


# --- targets ------------------------------------------------------------------------------------
def test_every_target_is_complete():
    names = [t.name for t in TARGETS]
    assert len(names) == len(set(names))
    for t in TARGETS:
        assert t.citation and t.sample_size and t.years and t.columns and t.tolerance > 0
        lo, hi = t.accepted
        assert lo < hi and t.passes((lo + hi) / 2) and not t.passes(hi + 0.01) and not t.passes(math.nan)
        agreement = t.name in ("transmission_agreement", "continuity_infancy_adulthood")
        expected = 0.07 if agreement else {"share": 0.08 if t.name.endswith("_D") else 0.05, "d": 0.25, "r": 0.06,
                                           "kappa": 0.06, "ratio": 0.5}[t.unit]
        assert t.tolerance == expected, t.name
    # MODEL §8 rows are all there
    for stem in ("ssp_low_risk", "ssp_maltreated_D", "cyr_", "egeland_", "sensitivity_security_r", "transmission_",
                 "aai_", "continuity_infancy", "continuity_early", "ace_emotional_abuse", "ace_score_", "csb_"):
        assert any(n.startswith(stem) for n in names), stem
    with pytest.raises(ValueError, match=r"Unknown target 'nope'.*infancy"):
        get_targets(["nope"])
    assert {t.group for t in get_targets(["ace"])} == {"ace"}


def test_two_target_sets_are_separate_and_documented():
    """Issue 14: a calibration set (each target names what was fitted to it) and a validation set of at least 12
    published results from other studies, each with citation, N, the basis of its interval and a read-out."""
    cal, val = {t.name for t in CALIBRATION}, {t.name for t in VALIDATION}
    assert len(VALIDATION) >= 12 and not cal & val and TARGETS == CALIBRATION
    assert {t.group for t in CALIBRATION}.isdisjoint({t.group for t in VALIDATION})
    for t in CALIBRATION:
        assert t.target_set == "calibration" and t.fitted and t.fitted_on, t.name
    for t in VALIDATION:
        assert t.target_set == "validation" and not t.fitted, t.name
        assert t.citation and t.sample_size and t.basis and t.note and t.columns and t.years, t.name
        lo, hi = t.accepted
        assert lo <= t.figure <= hi and t.passes(lo) and t.passes(hi) and not t.passes(hi + 1e-6), t.name
    assert {t.name for t in get_targets(None, "validation")} == val
    with pytest.raises(ValueError, match=r"Unknown target 'ssp_low_risk_A' in the validation set"):
        get_targets(["ssp_low_risk_A"], "validation")
    with pytest.raises(ValueError, match=r"Unknown target set 'both'; allowed: calibration, validation, all"):
        get_targets(None, "both")


def test_ranges_pass_inside_with_no_extra_tolerance_and_ratios_against_own_reference():
    """MODEL §8: a range is its own tolerance; maltreated D is 30-45% and two to three times the model's low-risk D."""
    (c,) = get_targets(["ssp_low_risk_C"])
    assert c.accepted == (0.09, 0.12) and c.passes(0.09) and not c.passes(0.089) and not c.passes(0.121)
    (d,) = get_targets(["ssp_maltreated_D"])
    assert d.accepted == (0.30, 0.45) and not d.passes(0.46)
    (ratio,) = get_targets(["ssp_maltreated_D_ratio"])
    assert ratio.accepted == (2.0, 3.0) and ratio.unit == "ratio"
    frames = {"maltreated": pd.DataFrame({"ssp_12m": ["D"] * 5 + ["B"] * 15}),
              "normative": pd.DataFrame({"ssp_12m": ["D"] * 2 + ["B"] * 18})}
    assert ratio.extract(frames) == pytest.approx(2.5) and d.extract(frames) == pytest.approx(0.25)


def test_calibrate_refuses_validation_targets_and_validation_seeds():
    with pytest.raises(ValueError, match=r"fearon_insecure_externalizing_d belong\(s\) to the validation set"):
        calibrate(["fearon_insecure_externalizing_d"], ["strange_situation.disorg_threshold"], n=100, trials=1)
    with pytest.raises(ValueError, match=r"validation set"):
        calibrate(["outcomes"], ["strange_situation.disorg_threshold"], n=100, trials=1)
    with pytest.raises(ValueError, match=r"validation set"):
        calibrate([VALIDATION[0]], ["strange_situation.disorg_threshold"], n=100, trials=1)
    with pytest.raises(ValueError, match=r"seeds must be integers from 1000 on.*got 3"):
        calibrate(SSP, ["strange_situation.disorg_threshold"], n=100, seeds=[3], trials=1)


def test_validate_refuses_calibration_seeds():
    with pytest.raises(ValueError, match=r"seeds must be from 0 to 999.*got 1000"):
        validate(["ssp_low_risk_A"], n=100, seeds=[1000])
    with pytest.raises(ValueError, match=r"got 1000"):
        validate(["ssp_low_risk_A"], n=100, seeds=2, first_seed=999)
    res = runner.invoke(app, ["validate", "--set", "both"])
    assert res.exit_code != 0 and "--set must be one of calibration, validation, all" in res.output
    res = runner.invoke(app, ["validate", "--first-seed", "998", "--seeds", "3"])
    assert res.exit_code != 0 and "reaches seed 1000" in res.output


def test_validation_read_outs_on_hand_made_tables():
    people = pd.DataFrame({"ssp_12m": ["B", "B", "B", "A", "D", "D"],
                           "externalizing_4y": [0.1, 0.2, 0.3, 0.4, 0.8, 0.9], "externalizing_8y": [0.1, 0.2, 0.3,
                                                                                                     0.4, 0.8, 0.9]})
    assert attachment_outcome_d(people, "externalizing", "insecure") > 2  # insecure children have more problems
    assert attachment_outcome_d(people, "externalizing", "D") > 0 > attachment_outcome_d(people, "internalizing", "A") \
        or math.isnan(attachment_outcome_d(people, "internalizing", "A"))
    trial = pd.DataFrame({"iv_cpp_status": [1, 1, 1, None], "ssp_12m": ["A", "D", "B", "A"],
                          "ssp_26m": ["B", "D", "B", "B"]})
    assert insecure_to_secure(trial) == pytest.approx(0.5)  # of the two eligible insecure infants, one is secure
    ace = pd.DataFrame({"ace_count": [0] * 4 + [5] * 4, "compulsive_alcohol_ever": [1, 0, 0, 0, 1, 1, 0, 0],
                        "compulsive_drugs_ever": [0, 0, 0, 0, 0, 0, 1, 0]})
    assert ace_odds_ratio(ace) == pytest.approx((3.5 / 1.5) / (1.5 / 3.5))
    gen = pd.DataFrame({"generation": [0, 1, 1, 1, 1], "parent_aai_at_birth": [None, "F", "F", "Ds", "E"],
                        "parent_unresolved_at_birth": [None, False, False, True, True],
                        "ssp_12m": ["A", "B", "B", "A", "D"]})
    assert parent_infant_phi(gen, "F") == pytest.approx(1.0)
    assert 0 < parent_infant_phi(gen, "U") < 1


def test_effect_size_conversions():
    assert logit_d(0.5, 0.5) == 0.0 and probit_d(0.5, 0.5) == 0.0
    # odds ratio 9 (75% vs 25%): ln 9 * sqrt(3) / pi
    assert logit_d(0.75, 0.25) == pytest.approx(math.log(9) * math.sqrt(3) / math.pi)
    assert probit_d(0.75, 0.25) == pytest.approx(1.34898, abs=1e-4)
    assert logit_d(0.25, 0.75) == pytest.approx(-logit_d(0.75, 0.25))


def test_extractors_on_hand_made_tables():
    people = pd.DataFrame({"ssp_12m": ["B", "B", "A", "D", "C", "B"], "aai_25": ["F", "Ds", "Ds", "E", "F", None],
                           "reunion_5y": ["B", "B", "A", "D", "C", "B"], "ace_count": [0, 1, 4, 7, 2, 0],
                           "sensitivity_0_1": [0.9, 0.8, 0.1, 0.2, 0.3, 0.95]})
    assert continuity(people) == pytest.approx(3 / 5)  # B-F, B-Ds (no), A-Ds, D-E, C-F (no)
    assert early_childhood_kappa(people) == pytest.approx(1.0)
    assert [ace_score_share(people, s) for s in range(5)] == pytest.approx([2 / 6, 1 / 6, 1 / 6, 0, 2 / 6])
    assert excellent_care_security(people, top=0.34) == 1.0  # the two most sensitive are both B


@pytest.fixture(scope="module")
def infancy_frames():
    targets = get_targets(["infancy"])
    return targets, run_frames(plan_runs(targets, [3], 1_500))


def test_infancy_extractors_on_small_runs(infancy_frames):
    targets, frames = infancy_frames
    assert set(frames[3]) == {"normative", "maltreated", "maltreated-severe", "socioeconomic-risk", "high-risk"}
    assert all(len(f) == 1_500 for f in frames[3].values())
    results = {r.target.name: r for r in evaluate(targets, frames)}
    shares = [results[n].mean for n in SSP]
    assert sum(shares) == pytest.approx(1.0) and all(0 < s < 1 for s in shares)
    direct = attachsim.run("normative", n=1_500, seed=3, years=1).people
    assert results["ssp_low_risk_B"].mean == pytest.approx((direct["ssp_12m"] == "B").mean())
    # maltreatment lowers security and raises D: both effect sizes are positive
    assert results["cyr_maltreated_secure_d"].mean > 0 and results["cyr_maltreated_disorganised_d"].mean > 0
    assert results["egeland_maltreated_secure"].mean < results["ssp_low_risk_B"].mean
    assert results["egeland_excellent_secure"].mean > results["ssp_low_risk_B"].mean
    assert 0 < results["sensitivity_security_r"].mean < 0.6


@pytest.mark.parametrize("name", [t.name for t in get_targets(["infancy"])])
def test_each_infancy_target_runs_alone_on_its_declared_columns(name):
    """A run keeps only the columns its targets declare: each target (and its notes) must need no others."""
    targets = get_targets([name])
    frames = run_frames(plan_runs(targets, [5], 300))
    (result,) = evaluate(targets, frames)
    assert math.isfinite(result.mean)


# --- parameter files ----------------------------------------------------------------------------
def test_params_file_round_trip_and_apply(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("strategies.hyper_gain: 20\nparameters.strange_situation.disorg_threshold: 1.4\n")
    values = load_params(path)
    assert values == {"strategies.hyper_gain": 20.0, "strange_situation.disorg_threshold": 1.4}
    sc = apply_params("normative", values)
    assert sc.parameters.strategies.hyper_gain == 20.0 and sc.parameters.strange_situation.disorg_threshold == 1.4
    assert sc.name == "normative" and load_params(tmp_path / "p.yaml") == values
    assert "strategies.hyper_gain" in free_parameters()


@pytest.mark.parametrize("text,message", [
    ("strategies.hyper_gain: 500\n", r"strategies.hyper_gain: value 500 is out of range; allowed range is 0.0 to 100"),
    ("nosuch.thing: 1\n", r"unknown parameter group 'nosuch'.*strategies"),
    ("strategies.nope: 1\n", r"'strategies' has no parameter 'nope'; allowed: .*hyper_gain"),
    ("strategies.hyper_gain: high\n", r"must be a finite number between 0.0 and 100.0; got 'high'"),
    ("- 1\n- 2\n", r"must be a YAML mapping of dotted parameter paths"),
    ("a: [\n", r"not valid YAML at line"),
])
def test_params_file_errors_name_the_key_and_range(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ParamsFileError, match=message):
        load_params(path)


def test_run_accepts_params_and_rejects_bad_ones(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("strange_situation.disorg_threshold: 9\n")
    res = runner.invoke(app, ["run", "normative", "--n", "200", "--years", "1", "--params", str(bad)])
    assert res.exit_code == 2 and "disorg_threshold" in res.output and "-5" in res.output
    good = tmp_path / "good.yaml"
    good.write_text("strange_situation.disorg_threshold: -2\n")  # almost everyone D
    res = runner.invoke(app, ["run", "normative", "--n", "300", "--years", "1", "--params", str(good)])
    assert res.exit_code == 0, res.output
    d = re.search(r"D disorganised\s+([\d.]+)%", res.output)
    assert d is not None and float(d.group(1)) > 50


# --- validate -----------------------------------------------------------------------------------
def test_validate_writes_both_reports_and_strict_exit_codes(tmp_path):
    out = tmp_path / "v"
    # observed sensitivity rated with a huge occasion error (SD 0.5 against 0.16 between caregivers) hides the
    # sensitivity-security link: r falls far below .24 - .06, the target fails, and only --strict makes it an error
    noisy = tmp_path / "noisy.yaml"
    noisy.write_text("strange_situation.sensitivity_observation_sd: 0.5\n")
    res = runner.invoke(app, ["validate", "--target", "ssp_low_risk_A", "--target", "sensitivity_security_r",
                              "--n", "1000", "--seeds", "2", "--out", str(out), "--params", str(noisy)])
    assert res.exit_code == 0, res.output  # a failing target without --strict is not an error
    md = (out / "validation.md").read_text()
    html = (out / "validation.html").read_text()
    assert "| low-risk infants: A share" in md and "De Wolff" in md and "2 seed(s) (1, 2)" in md
    assert "Plotly.newPlot" in html and not re.search(r"<script[^>]+src=|<link[^>]+href=\"http", html)
    assert "| **no** |" in md
    res = runner.invoke(app, ["validate", "--target", "sensitivity_security_r", "--n", "1000", "--seeds", "1",
                              "--out", str(out), "--strict", "--params", str(noisy), "--overwrite"])
    assert res.exit_code == 1
    # a target far inside its tolerance at n = 1,000 (the low-risk A share sits near its lower edge)
    res = runner.invoke(app, ["validate", "--target", "ssp_low_risk_D", "--n", "1000", "--seeds", "1",
                              "--out", str(out), "--strict", "--overwrite"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["validate", "--target", "nope", "--out", str(out)])
    assert res.exit_code == 2 and "Unknown target 'nope'" in " ".join(res.output.split())


def test_validate_cache_reuses_runs(tmp_path):
    targets = get_targets(["ssp_low_risk_B"])
    items = plan_runs(targets, [4], 500, cache=tmp_path / "cache")
    first = run_frames(items)
    files = list((tmp_path / "cache").glob("*.parquet"))
    assert len(files) == 1
    before = files[0].stat().st_mtime_ns
    again = run_frames(items)
    assert files[0].stat().st_mtime_ns == before
    pd.testing.assert_frame_equal(first[4]["normative"], again[4]["normative"])


# --- calibrate ----------------------------------------------------------------------------------
def test_calibrate_recovers_known_parameters(tmp_path):
    """Targets computed by the model itself at a chosen parameter set are recovered within tolerance."""
    # (avoid_threshold 0.55, the truth before the four-scale rules, leaves under 2% A and B barely identified)
    truth = {"strange_situation.disorg_threshold": 1.0, "strange_situation.avoid_threshold": 0.45}
    settings = {"n": 1_500, "seeds": [1005]}
    targets = get_targets(SSP)
    made = {r.target.name: r.mean for r in evaluate(targets, run_frames(plan_runs(targets, [1005], 1_500, truth)))}
    fit = calibrate(SSP, {"strange_situation.disorg_threshold": (0.6, 2.0),
                          "strange_situation.avoid_threshold": (0.0, 1.0)},
                    figures=made, trials=20, sampler_seed=1, **settings)
    assert fit.start_objective > 2.0  # the defaults do not match these targets
    assert fit.objective < 0.5 * fit.start_objective
    for r in fit.results:
        assert abs(r.mean - made[r.target.name]) <= r.target.tolerance, (r.target.name, r.mean, made)
    # the fitted set, rerun independently, reproduces its targets (nothing cached from the search)
    check = {r.target.name: r.mean for r in evaluate(targets, run_frames(plan_runs(targets, [1005], 1_500,
                                                                                   fit.params)))}
    assert check == pytest.approx({r.target.name: r.mean for r in fit.results})
    path = write_calibration(fit, tmp_path / "fit.yaml")
    assert load_params(path) == pytest.approx(fit.params)
    assert "Fitted by attachsim calibrate" in path.read_text()
    # deterministic: the same settings give the same fit
    again = calibrate(SSP, {"strange_situation.disorg_threshold": (0.6, 2.0),
                            "strange_situation.avoid_threshold": (0.0, 1.0)},
                      figures=made, trials=3, sampler_seed=1, **settings)
    assert again.trials == fit.trials[:3]


def test_calibrate_cli_rejects_bad_ranges(tmp_path):
    res = runner.invoke(app, ["calibrate", "--target", "ssp_low_risk_D", "--param",
                              "strange_situation.disorg_threshold=3:99", "--out", str(tmp_path / "x.yaml")])
    assert res.exit_code == 2 and "within its bounds -5 to 5" in " ".join(res.output.split())
    res = runner.invoke(app, ["calibrate", "--target", "ssp_low_risk_D", "--param", "strategies.nope",
                              "--out", str(tmp_path / "x.yaml")])
    assert res.exit_code == 2 and "'strategies' has no parameter 'nope'" in " ".join(res.output.split())
    assert not (tmp_path / "x.yaml").exists()


# --- report -------------------------------------------------------------------------------------
def test_report_of_a_run_and_of_arms_is_offline_html(tmp_path, small_normative):
    run = tmp_path / "run"
    write_results(small_normative, attachsim.load_scenario(small_normative.scenario), small_normative.summary(), run)
    res = runner.invoke(app, ["report", str(run)])
    assert res.exit_code == 0, res.output
    html = (run / "report.html").read_text()
    for title in ("Strange Situation, 12 months: shares with 95% intervals", "Adult attachment at 25",
                  "Regulation and working models by", "recorded during the run"):
        assert title in html, title
    assert html.count("Plotly.newPlot") >= 5
    # Plotly's script once, from the copy written beside the page (no network reference)
    assert not re.search(r"<script[^>]+src=\"(?!plotly\.min\.js\")|<link[^>]+href=\"http|<iframe", html)
    assert (run / "plotly.min.js").is_file()
    # a comparison folder: one sub-folder per arm and effects.json
    arms = tmp_path / "compare"
    people = pd.read_parquet(run / "people.parquet")
    for arm, frame in (("control", people), ("treated", people.assign(ssp_12m=people["ssp_12m"].where(
            np.arange(len(people)) % 2 == 0, "B")))):
        (arms / arm).mkdir(parents=True)
        frame.to_parquet(arms / arm / "people.parquet")
    (arms / "effects.json").write_text(json.dumps([{"arm": "treated", "outcome": "secure_12m", "value": 0.7,
                                                    "difference": 0.1, "ci_low": 0.05, "ci_high": 0.15}]))
    res = runner.invoke(app, ["report", str(arms), "--out", str(tmp_path / "cmp.html")])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "cmp.html").read_text()
    assert "secure_12m" in html and "difference from the control" in html
    res = runner.invoke(app, ["report", str(tmp_path / "empty-nothing")])
    assert res.exit_code == 2 and "no such folder" in " ".join(res.output.split())


def test_report_of_a_sweep_store(tmp_path):
    store = tmp_path / "store"
    attachsim.sweep("normative", {"caregiving.profile": ["sensitive", "rejecting"]}, seeds=2, n=200, years=1,
                    store=store)
    res = runner.invoke(app, ["report", str(store)])
    assert res.exit_code == 0, res.output
    html = (store / "report.html").read_text()
    assert "caregiving.profile=sensitive" in html and "caregiving.profile=rejecting" in html
    assert "<h2>Runs of the sweep</h2>" in html
    assert not re.search(r"<script[^>]+src=\"(?!plotly\.min\.js\")|<link[^>]+href=\"http", html)
