import json

from typer.testing import CliRunner

from attachsim.bench import bytes_per_agent_step, run_bench
from attachsim.cli import app

KEYS = {"agent_steps_per_s", "bytes_per_agent_step", "stream_gb_per_s", "fraction_of_bound",
        "speedup_vs_numpy_reference", "speedup_vs_numpy_reference_interleaved_ages", "peak_bytes_per_person",
        "wall_s", "n", "years"}


def test_bench_reports_every_figure_from_one_run():
    out = run_bench(n=2000, years=1.1, reference_n=2000)
    assert KEYS <= set(out)
    assert out["n"] == 2000 and out["steps"] == 57
    assert out["agent_steps_per_s"] > 0 and out["stream_gb_per_s"] > 0
    assert out["bytes_per_agent_step"] == bytes_per_agent_step() > out["state_bytes_per_person"] // 2
    assert abs(out["fraction_of_bound"] - out["agent_steps_per_s"] / out["bound_agent_steps_per_s"]) < 1e-12
    assert out["speedup_vs_numpy_reference"] > 0
    assert len(out["speedup_vs_numpy_reference_by_round"]) == 3  # the engines take turns, ratios read side by side
    # where the time went: every kernel and hook of the step, together no more than the weekly loop
    assert {"kernel:development", "kernel:relief", "hook:m9_relationships"} <= set(out["sections_s"])
    assert 0 < sum(out["sections_s"].values()) <= out["steps_s"]
    assert sum(out["bytes_per_agent_step_by_kernel"].values()) == out["bytes_per_agent_step"]
    assert 0 < out["model_state_bytes_per_person"] < out["state_bytes_per_person"]
    # RSS growth: zero when a small run fits in memory the process had already freed (as after other tests)
    assert out["simulation_bytes_per_person"] >= 0 and out["peak_bytes_per_person"] >= 0


def test_bench_json_from_the_cli():
    result = CliRunner().invoke(app, ["bench", "--n", "1000", "--years", "1.1", "--json"])
    assert result.exit_code == 0, result.output
    assert KEYS <= set(json.loads(result.output.strip().splitlines()[-1]))


def test_kernel_floor_variants_still_match_the_shipped_kernels(tmp_path):
    """benchmarks/kernel_floor.py rewrites the kernels' draws; every substitution must still apply."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "kernel_floor.py"
    spec = importlib.util.spec_from_file_location("kernel_floor", path)
    assert spec is not None and spec.loader is not None
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    dev, relief = floor.floor_kernels(tmp_path)
    body = (tmp_path / "attachsim_floor_development.py").read_text().split("def _mean_count")[1]
    draws = ("poisson_inv_nb(", "normal_nb(", "binomial_inv_nb(", "poisson_inv_lanes(", "binomial_inv_lanes(",
             "normal_lanes(", "uniform_lanes(")
    assert not [d for d in draws if d in body]
    assert callable(dev.development_step) and callable(relief.relief_step)
