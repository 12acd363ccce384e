"""Executors, the result store and resumable sweeps (issue 6, part B)."""

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from attachsim.cli import app
from attachsim.execution import ExecutorError, get_executor
from attachsim.store import (
    GridError,
    ResultStore,
    StoreError,
    plan_sweep,
    read_run_record,
    sweep,
    write_run_file,
)

runner = CliRunner()
TINY = {"n": 300, "years": 1.0}
GRID = {"caregiving.profile": ["sensitive", "rejecting"]}


def _square(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative item {x}")
    return x * x


def _file_hashes(store: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((store / "runs").glob("*.parquet"))}


# --- executors ------------------------------------------------------------------------------------
def test_executors_keep_input_order_report_each_result_and_raise_errors():
    with get_executor("serial") as ex:
        seen: list[int] = []
        assert ex.map(_square, [3, 1, 2], on_result=lambda i, r: seen.append(i)) == [9, 1, 4]
        assert seen == [0, 1, 2]
        with pytest.raises(ValueError, match="negative item -1"):
            ex.map(_square, [1, -1])
    with get_executor("processes", workers=2) as ex:
        seen = []
        assert ex.map(_square, list(range(7)), on_result=lambda i, r: seen.append(i)) == [i * i for i in range(7)]
        assert sorted(seen) == list(range(7))
        with pytest.raises(ValueError, match="negative item -2"):
            ex.map(_square, [1, -2, 3])
    for kwargs, fragment in [({"kind": "threads"}, "must be one of serial, processes, dask"),
                             ({"kind": "processes", "workers": 0}, "'workers' setting must be an integer from 1"),
                             ({"kind": "serial", "scheduler": "tcp://x:1"}, "for the dask executor only")]:
        with pytest.raises(ExecutorError, match=fragment):
            get_executor(**kwargs)


# --- (1) the same sweep on three executors gives the same stored bytes ----------------------------
def test_serial_processes_and_dask_store_identical_results(tmp_path):
    hashes = {}
    catalogues = {}
    for kind, workers in [("serial", None), ("processes", 2), ("dask", 2)]:
        store = tmp_path / kind
        report = sweep("normative", GRID, seeds=2, store=store, executor=kind, workers=workers, **TINY)
        assert (report.computed, report.skipped, report.failed) == (4, 0, {})
        assert report.executor == kind
        hashes[kind] = _file_hashes(store)
        catalogues[kind] = ResultStore(store).runs()[["run_id", "seed", "caregiving.profile", "rows", "share_a",
                                                      "share_b", "share_c", "share_d"]]
    assert len(hashes["serial"]) == 4
    assert hashes["serial"] == hashes["processes"] == hashes["dask"]
    pd.testing.assert_frame_equal(catalogues["serial"], catalogues["processes"])
    pd.testing.assert_frame_equal(catalogues["serial"], catalogues["dask"])
    runs = catalogues["serial"]
    assert set(runs["caregiving.profile"]) == {"sensitive", "rejecting"} and set(runs["seed"]) == {0, 1}
    assert (runs["rows"] == 300).all()
    # the profiles differ in what was simulated, not only in their labels
    by_profile = runs.groupby("caregiving.profile")["share_b"].mean()
    assert by_profile["sensitive"] > by_profile["rejecting"]


# --- (2) SIGKILL part-way, then rerun ------------------------------------------------------------
def test_sweep_killed_with_sigkill_resumes_with_every_run_present_once(tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("caregiving.profile: [sensitive, rejecting, inconsistent, community]\n")
    store = tmp_path / "store"
    cmd = [sys.executable, "-m", "attachsim.cli", "sweep", "normative", "--grid", str(grid), "--seeds", "4",
           "--n", "300", "--years", "1", "--store", str(store), "--executor", "processes", "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(list(store.glob("runs/*.parquet"))) < 3:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no run was stored within two minutes"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its worker processes, mid-sweep
        proc.wait()
    stored_before = _file_hashes(store)
    assert 3 <= len(stored_before) < 16
    for path in (store / "runs").glob("*.parquet"):  # whatever has a final name is a complete run
        assert read_run_record(path)["rows"] == 300

    result = runner.invoke(app, cmd[3:])
    assert result.exit_code == 0, result.output
    report_line = next(line for line in result.output.splitlines() if line.startswith("16 runs:"))
    computed = int(report_line.split(":")[1].split("computed")[0])
    assert computed == 16 - len(stored_before)
    stored_after = _file_hashes(store)
    assert len(stored_after) == 16
    assert {k: stored_after[k] for k in stored_before} == stored_before  # nothing stored was lost or redone
    assert not [p for p in (store / "runs").iterdir() if p.name.startswith(".")]  # no temporary leftovers
    st = ResultStore(store)
    assert st.verify() == []
    runs = st.runs()
    assert len(runs) == 16 and runs["run_id"].is_unique
    assert set(runs["run_id"] + ".parquet") == set(stored_after)
    planned = plan_sweep("normative", grid, 4, n=300, years=1)
    assert {s.run_id for s in planned} == set(runs["run_id"])
    counts = st.query("SELECT run_id, count(*) AS n FROM people GROUP BY run_id")
    assert len(counts) == 16 and (counts["n"] == 300).all()


def test_reconcile_repairs_what_a_killed_process_leaves(tmp_path):
    """A file renamed but never catalogued, a temp file of a dead writer, a corrupt file, a lost file."""
    store = tmp_path / "store"
    sweep("normative", GRID, seeds=1, store=store, **TINY)
    st = ResultStore(store)
    ids = list(st.runs()["run_id"])
    runs = store / "runs"
    # a coordinator killed after the worker's rename but before the catalogue update
    people = st.people(ids[0])
    record = read_run_record(runs / f"{ids[0]}.parquet")
    write_run_file(store, "f" * 24, people.drop(columns="run_id"), {**record, "seed": 99})
    # a writer killed before its rename left its temporary file (and no lock on it) ...
    (runs / f".{'e' * 24}.host.123.abcd1234.tmp").write_bytes(b"PAR1 partial")
    # ... while a live writer's temporary file is locked and must be left alone
    live = open(runs / f".{'c' * 24}.host.456.abcd1234.tmp", "wb")
    fcntl.flock(live, fcntl.LOCK_EX)
    # a damaged file under a final name, and a catalogued file that has gone
    (runs / f"{'d' * 24}.parquet").write_bytes(b"PAR1 not a parquet file")
    (runs / f"{ids[1]}.parquet").unlink()
    with st.locked():
        report = st.reconcile()
    assert (report.temp_files_removed, report.files_catalogued, report.files_quarantined, report.entries_dropped) \
        == (1, 1, 1, 1)
    assert [p.name for p in runs.glob(".*.tmp")] == [Path(live.name).name]
    live.close()
    assert (runs / "quarantine").is_dir() and len(list((runs / "quarantine").iterdir())) == 1
    assert set(st.runs()["run_id"]) == {ids[0], "f" * 24}
    assert st.verify() == []
    # the next sweep recomputes only the lost run
    again = sweep("normative", GRID, seeds=1, store=store, **TINY)
    assert (again.computed, again.skipped) == (1, 1)


def test_store_lock_and_non_store_folder(tmp_path):
    store = ResultStore(tmp_path / "s")
    with store.locked(), pytest.raises(StoreError, match="in use by another sweep"), ResultStore(store.root).locked():
        pass
    other = tmp_path / "notes"
    other.mkdir()
    (other / "thesis.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not a result store"):
        ResultStore(other)


# --- (3) bad grids, and resume ---------------------------------------------------------------------
@pytest.mark.parametrize(("text", "fragments"), [
    ("parameters.parenting.sensitivity_partner: [0.5, 1.5]\n",
     ["key 'parameters.parenting.sensitivity_partner', value 1.5", "allowed range is 0 to 1"]),
    ("parameters.parenting.sensitivity_partnr: [0.5]\n",
     ["unknown key 'parameters.parenting.sensitivity_partnr'", "'parameters.parenting' has no key",
      "sensitivity_partner"]),
    ("caregiving.profile: [sensitive, kind]\n", ["key 'caregiving.profile', value 'kind'", "unknown profile 'kind'"]),
    ("population.n: 500\n", ["key 'population.n' must map to a non-empty list"]),
    ("seed: [1, 2]\n", ["unknown key 'seed'", "--seeds"]),
    ("years.total: [1]\n", ["'years' is a value, not a section"]),
    ("population.n: [300, 300]\n", ["lists the value 300 twice"]),
    ("", ["a grid must be a YAML mapping"]),
    ("caregiving.profile: [sensitive\n", ["not valid YAML"]),
])
def test_bad_grid_files_are_clear_errors_and_run_nothing(tmp_path, text, fragments):
    grid = tmp_path / "grid.yaml"
    grid.write_text(text)
    store = tmp_path / "store"
    result = runner.invoke(app, ["sweep", "normative", "--grid", str(grid), "--store", str(store), "--n", "300"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    for fragment in fragments:
        assert fragment in message, message
    assert not store.exists()


def test_grid_checks_in_the_api(tmp_path):
    with pytest.raises(GridError, match="also given with --n"):
        plan_sweep("normative", {"population.n": [300]}, n=400)
    with pytest.raises(GridError, match="--seeds must be between 1"):
        plan_sweep("normative", GRID, 0)
    with pytest.raises(GridError, match="no effect"):  # a mixture takes precedence over a profile
        plan_sweep({"name": "mix", "caregiving": {"mixture": {"sensitive": 0.5, "rejecting": 0.5}}},
                   {"caregiving.profile": ["sensitive"]})
    # a mapping section and optional sections are reachable from the grid
    specs = plan_sweep("normative", {"caregiving.mixture": [{"sensitive": 0.5, "rejecting": 0.5}],
                                     "adversity.threat.intensity": [0.2, 0.4]}, 2, first_seed=5)
    assert len(specs) == 4 and {s.seed for s in specs} == {5, 6}
    assert {s.resolved["adversity"]["threat"]["intensity"] for s in specs} == {0.2, 0.4}


def test_rerun_skips_finished_runs_and_extends_with_new_seeds(tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("caregiving.profile: [sensitive, rejecting]\n")
    store = tmp_path / "store"
    args = ["sweep", "normative", "--grid", str(grid), "--n", "300", "--years", "1", "--store", str(store)]
    first = runner.invoke(app, [*args, "--seeds", "2"])
    assert first.exit_code == 0, first.output
    assert "4 computed, 0 already stored" in " ".join(first.output.split())
    stamps = {p.name: p.stat().st_mtime_ns for p in (store / "runs").glob("*.parquet")}
    again = runner.invoke(app, [*args, "--seeds", "2"])
    assert "0 computed, 4 already stored (skipped)" in " ".join(again.output.split())
    more = runner.invoke(app, [*args, "--seeds", "3"])
    assert "2 computed, 4 already stored (skipped)" in " ".join(more.output.split())
    after = {p.name: p.stat().st_mtime_ns for p in (store / "runs").glob("*.parquet")}
    assert len(after) == 6 and {k: after[k] for k in stamps} == stamps  # finished runs were not rewritten
    secure = ResultStore(store).query(
        "SELECT p.value_text AS profile, count(*) AS runs, avg(r.share_b) AS secure FROM runs r "
        "JOIN run_parameters p USING (run_id) WHERE p.key = 'caregiving.profile' GROUP BY profile ORDER BY profile")
    assert list(secure["profile"]) == ["rejecting", "sensitive"] and list(secure["runs"]) == [3, 3]


def test_failed_runs_are_recorded_and_retried(tmp_path, monkeypatch):
    from attachsim.core.engine import Simulation

    original = Simulation.run

    def broken(self, progress=None):
        if self.seed == 1:
            raise RuntimeError("simulated crash")
        return original(self, progress)

    monkeypatch.setattr(Simulation, "run", broken)
    store = tmp_path / "store"
    report = sweep("normative", GRID, seeds=2, store=store, **TINY)
    assert report.computed == 2 and len(report.failed) == 2
    assert all("simulated crash" in e for e in report.failed.values())
    failed = ResultStore(store).runs(status="failed")
    assert len(failed) == 2 and set(failed["seed"]) == {1} and failed["error"].str.contains("crash").all()
    monkeypatch.setattr(Simulation, "run", original)
    retry = sweep("normative", GRID, seeds=2, store=store, **TINY)
    assert (retry.computed, retry.skipped, retry.failed) == (2, 2, {})
    assert len(ResultStore(store).runs()) == 4 and ResultStore(store).runs(status="failed").empty
