import json

import pandas as pd
import yaml
from typer.testing import CliRunner

from attachsim.cli import app

runner = CliRunner()


def test_run_writes_results_and_prints_shares(tmp_path):
    out = tmp_path / "res"
    result = runner.invoke(app, ["run", "normative", "--n", "500", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "B secure" in result.output and "95% interval" in result.output
    people = pd.read_parquet(out / "people.parquet")
    assert len(people) == 500 and set(people["ssp_12m"].unique()) <= {"A", "B", "C", "D"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n"] == 500 and set(summary["shares"]) == {"A", "B", "C", "D"}
    scenario = yaml.safe_load((out / "scenario.yaml").read_text())
    assert scenario["name"] == "normative" and scenario["population"]["n"] == 500
    assert not [p for p in out.iterdir() if p.name.startswith(".attachsim-")]


def test_scenarios_show_and_plan():
    listing = runner.invoke(app, ["scenarios"])
    assert listing.exit_code == 0 and "normative" in listing.output and "high-risk" in listing.output
    shown = runner.invoke(app, ["show", "maltreated"])
    assert shown.exit_code == 0
    assert yaml.safe_load(shown.output)["adversity"]["threat"]["intensity"] == 0.05
    plan = runner.invoke(app, ["plan", "normative"])
    assert plan.exit_code == 0 and "m1_distress" in plan.output and "strange_situation" in plan.output


def test_bad_scenario_is_a_clear_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("population:\n  n: -3\n")
    out = tmp_path / "res"
    result = runner.invoke(app, ["run", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "population.n" in result.output and "allowed range" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_existing_results_survive_a_failed_run(tmp_path):
    out = tmp_path / "res"
    assert runner.invoke(app, ["run", "sensitive", "--n", "200", "--out", str(out)]).exit_code == 0
    before = (out / "people.parquet").read_bytes()
    result = runner.invoke(app, ["run", "nonexistent-scenario", "--out", str(out)])
    assert result.exit_code == 2 and "Unknown scenario" in result.output
    assert (out / "people.parquet").read_bytes() == before


def test_bad_options():
    assert runner.invoke(app, ["run", "normative", "--seed", "-4"]).exit_code == 2
    result = runner.invoke(app, ["run", "normative", "--n", "0"])
    assert result.exit_code == 2 and "--n must be between 1 and 50,000,000; got 0" in result.output
