"""The CLI's error boundary, output checks before compute, no silent overwrite, and the run's extra outputs."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import attachsim
from attachsim.cli import FAMILIES, app
from attachsim.errors import UserError
from attachsim.io import MANIFEST

runner = CliRunner()
SMALL = ["--n", "200", "--years", "1"]


def _no_compute(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("computed before checking the outputs")

    monkeypatch.setattr(attachsim, "simulation", refuse)
    monkeypatch.setattr("attachsim.experiments.compare", refuse)


def test_user_errors_are_one_line_with_exit_2_and_markup_is_not_swallowed(tmp_path):
    grid = tmp_path / "g.yaml"
    grid.write_text("caregiving.profile: sensitive\n")
    res = runner.invoke(app, ["sweep", "normative", "--grid", str(grid), "--store", str(tmp_path / "st")])
    assert res.exit_code == 2
    assert "'caregiving.profile: [value1, value2]'" in res.output  # not eaten as Rich markup
    assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output


def test_unexpected_errors_are_one_line_exit_1_and_a_traceback_only_with_debug(monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr("attachsim.cli.running.load_scenario", boom)
    res = runner.invoke(app, ["run", "normative"])
    assert res.exit_code == 1 and "internal error (KeyError" in res.output and "--debug" in res.output
    res = runner.invoke(app, ["--debug", "run", "normative"])
    assert isinstance(res.exception, KeyError)


@pytest.mark.parametrize("args", [
    ["run", "normative", "--out", "{file}"],
    ["run", "normative", "--out", "/proc/nowhere/out"],
    ["compare", "sensitivity-training", "--out", "{file}"],
    ["validate", "--out", "{file}"],
    ["calibrate", "--target", "ssp_low_risk_D", "--out", "{dir}"],
    ["table", "trauma-vs-neglect", "--out", "{dir}"],
    ["score", "ecr-r", "{file}", "--out", "{dir}"],
])
def test_outputs_are_checked_before_any_compute(tmp_path, monkeypatch, args):
    _no_compute(monkeypatch)
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "d").mkdir()
    args = [a.format(file=tmp_path / "f.txt", dir=tmp_path / "d") for a in args]
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: --out ") and "Traceback" not in res.output


def test_flag_errors_name_the_flag():
    for args, expected in ((["--n", "0"], "--n must be between 1 and 50,000,000; got 0"),
                           (["--years", "150"], "--years must be between 0 (exclusive) and 60; got 150"),
                           (["--seed", "-1"], "--seed must be a non-negative integer"),
                           (["--engine", "gpu"], "--engine must be one of numba, numpy; got 'gpu'"),
                           (["--format", "xlsx"], "--format must be one of parquet, csv, both")):
        res = runner.invoke(app, ["run", "normative", *args])
        assert res.exit_code == 2 and expected in res.output, res.output


def test_memory_estimate_refuses_a_run_that_would_not_fit(monkeypatch):
    monkeypatch.setattr("attachsim.core.checks.available_memory", lambda: 10 * 2**20)
    res = runner.invoke(app, ["run", "normative", "--n", "100000"])
    assert res.exit_code == 2 and "GiB are available" in res.output and "100,000 people need about" in res.output


def test_run_folder_is_never_overwritten_silently_and_overwrite_removes_stale_files(tmp_path):
    out = tmp_path / "res"
    assert runner.invoke(app, ["run", "sensitive", *SMALL, "--out", str(out)]).exit_code == 0
    assert json.loads((out / MANIFEST).read_text())["kind"] == "run"
    (out / "report.html").write_text("stale")
    before = (out / "people.parquet").read_bytes()
    res = runner.invoke(app, ["run", "normative", *SMALL, "--out", str(out)])
    assert res.exit_code == 2 and "pass --overwrite" in res.output
    assert (out / "people.parquet").read_bytes() == before
    res = runner.invoke(app, ["compare", "sensitivity-training", "--out", str(out)])
    assert res.exit_code == 2 and "holds a 'run' output" in res.output
    res = runner.invoke(app, ["run", "normative", *SMALL, "--out", str(out), "--overwrite", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "people.csv", "scenario.yaml", "summary.json",
                                                            "timeseries.parquet"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging or old folders left
    assert len(pd.read_csv(out / "people.csv")) == 200


def test_foreign_folders_are_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    res = runner.invoke(app, ["run", "normative", *SMALL, "--out", str(tmp_path), "--overwrite"])
    assert res.exit_code == 2 and "files that attachsim did not write" in res.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_json_and_quiet(tmp_path):
    res = runner.invoke(app, ["run", "normative", *SMALL, "--json"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.output)
    meta = record["meta"]
    assert meta["attachsim_version"] == attachsim.__version__ and meta["written_utc"].endswith("Z")
    assert len(meta["scenario_sha256"]) == 64 and "run" in meta["command_line"]
    assert set(record["shares"]) == {"A", "B", "C", "D"}
    res = runner.invoke(app, ["--quiet", "run", "normative", *SMALL])
    assert res.exit_code == 0 and res.output.strip() == ""


def test_every_family_registers_from_its_module():
    import importlib

    for name in FAMILIES:
        assert callable(importlib.import_module(name if "." in name else f"attachsim.cli.{name}").register)


def test_user_error_is_a_value_error_with_a_flag():
    exc = UserError("x", flag="--n")
    assert isinstance(exc, ValueError) and exc.flag == "--n"
