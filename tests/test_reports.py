"""HTML reports: real curves from the recorded series, experiments first, grids, generations, size, no validation."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import attachsim
from attachsim.cli import app
from attachsim.experiments import compare, write_comparison
from attachsim.reports.html import (
    PLOTLY_FILE,
    ReportData,
    build_report,
    load_report_data,
    page,
    parent_child_table,
    trajectory,
    write_report_dir,
)

runner = CliRunner()
LIMIT = 1_500_000


def _titles(text: str) -> list[str]:
    return re.findall(r'"title":\{"text":"([^"]+)"', text)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    result = runner.invoke(app, ["run", "normative", "--n", "300", "--years", "3", "--seed", "1", "--out", str(out),
                                 "--trace", "1,2"])
    assert result.exit_code == 0, result.output
    return out


def test_run_writes_the_series_and_traces(run_dir):
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert {"time_years", "age_years", "by", "group", "variable", "value", "n"} <= set(ts.columns)
    traces = pd.read_parquet(run_dir / "traces.parquet")
    assert sorted(traces["id"].unique()) == [1, 2]


def test_run_report_draws_curves_from_the_series_and_is_small(run_dir):
    path = write_report_dir(run_dir)
    text = path.read_text("utf-8")
    assert len(text.encode()) < LIMIT
    assert (run_dir / PLOTLY_FILE).is_file()
    assert text.count(f'src="{PLOTLY_FILE}"') == 1 and "include_plotlyjs" not in text
    titles = _titles(text)
    assert any("recorded during the run" in t for t in titles)
    # the regulation curve has a point at every recorded year, not only at assessment ages
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    curve = trajectory(ts, "regulation", "all")
    assert len(curve) == ts["time_years"].nunique()


def test_inline_report_holds_plotly_once(run_dir, tmp_path):
    text = build_report(load_report_data(run_dir), plotlyjs="inline")
    assert text.count("<script type=\"text/javascript\">") == 1
    assert PLOTLY_FILE not in text


def test_compare_report_leads_with_the_experiments_outcome_control_first(tmp_path):
    cmp = compare("sensitivity-training", n=300, seed=1)
    write_comparison(cmp, tmp_path / "cmp")
    assert (tmp_path / "cmp" / "scenario.yaml").is_file()
    assert (tmp_path / "cmp" / "control" / "timeseries.parquet").is_file()
    text = build_report(tmp_path / "cmp")
    titles = _titles(text)
    first_outcome = cmp.scenario.outcomes[0].name
    assert titles[0].startswith(f"Outcome '{first_outcome}'")
    data = load_report_data(tmp_path / "cmp")
    assert next(iter(data.arms)) == next(a.name for a in cmp.scenario.arms if a.control)
    assert len(text.encode()) < LIMIT
    assert any("by arm, recorded during the run" in t for t in titles)


def test_sweep_report_lists_each_runs_grid_values(tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("caregiving.profile: [sensitive, rejecting]\n")
    attachsim.sweep("normative", grid, seeds=1, n=200, years=1, store=tmp_path / "store")
    data = load_report_data(tmp_path / "store")
    assert data.grid == ["caregiving.profile"]
    text = build_report(data)
    assert "caregiving.profile=sensitive" in text and "caregiving.profile=rejecting" in text
    assert "<th>caregiving.profile</th>" in text
    assert len(text.encode()) < LIMIT


def test_parent_interview_by_child_strange_situation_table():
    people = pd.DataFrame({
        "parent_aai_at_birth": pd.Categorical(["F", "F", "Ds", "E", None], categories=["F", "Ds", "E"]),
        "parent_unresolved_at_birth": pd.array([False, True, False, False, pd.NA], dtype="boolean"),
        "ssp_12m": pd.Categorical(["B", "D", "A", "B", "B"], categories=list("ABCD")),
    })
    table = parent_child_table(people).set_index("mother's interview")
    assert table.loc["F", "B"] == 1 and table.loc["F", "D"] == 1 and table.loc["F", "children"] == 2
    assert table.loc["Ds", "matching"] == "100.0% A"
    assert table.filter(like="U", axis=0)["D"].iloc[0] == 1


def test_intergenerational_report_splits_by_generation():
    res = attachsim.run("intergenerational", n=300, years=24, seed=3)
    data = ReportData("run", {"ig": [res.people]}, {"ig": res.timeseries}, source="ig")
    text = build_report(data)
    assert "By generation" in text and "Mother's adult interview at the birth" in text
    assert any("by generation" in t for t in _titles(text))


def test_reports_never_import_validation():
    src = Path(attachsim.__file__).parent / "reports"
    for path in src.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not any("validation" in name for name in names), path


def test_page_rejects_an_unknown_script_mode():
    with pytest.raises(ValueError, match="plotlyjs"):
        page("x", [], plotlyjs="cdn")  # type: ignore[arg-type]


def test_life_command_prints_the_story_and_writes_a_page(tmp_path):
    result = runner.invoke(app, ["life", "normative", "--id", "3", "--n", "200", "--years", "2", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Person 3:" in result.output and "Strange Situation at 12 months" in result.output
    page_text = (tmp_path / "life-3.html").read_text("utf-8")
    assert "regulation" in page_text and len(page_text.encode()) < LIMIT
    assert (tmp_path / PLOTLY_FILE).is_file()
    table = pd.read_parquet(tmp_path / "life-3.parquet")
    assert (table["id"] == 3).all() and len(table) == attachsim.simulation("normative", years=2).n_steps


@pytest.mark.parametrize("args, flag", [(["--id", "-1"], "--id"), (["--id", "999"], "--id"),
                                        (["--id", "1", "--every", "daily"], "--every")])
def test_life_command_bad_input_is_one_line(args, flag):
    result = runner.invoke(app, ["life", "normative", "--n", "200", "--years", "1", *args])
    assert result.exit_code == 2
    assert flag in result.output and "Traceback" not in result.output


def test_run_bad_trace_and_timeseries_name_the_flag():
    for args, flag in ((["--trace", "1,x"], "trace"), (["--timeseries", "daily"], "--timeseries"),
                       (["--trace-every", "daily"], "--trace-every")):
        result = runner.invoke(app, ["run", "normative", "--n", "100", "--years", "1", "--trace", "1", *args])
        assert result.exit_code == 2, args
        assert flag in result.output


def test_effects_json_order_is_used_without_a_scenario(tmp_path):
    from attachsim.reports.html import _arm_order

    effects = [{"arm": "zeta", "outcome": "o"}, {"arm": "alpha", "outcome": "o"}]
    assert _arm_order(None, effects, ["alpha", "zeta"]) == ["zeta", "alpha"]
    assert _arm_order({"arms": [{"name": "alpha"}, {"name": "zeta", "control": True}]}, None,
                      ["alpha", "zeta"]) == ["zeta", "alpha"]
    treated_only = [{"arm": "treated", "outcome": "o", "difference": 0.1}]
    assert _arm_order(None, treated_only, ["control", "treated"]) == ["control", "treated"]
    json.dumps(effects)
