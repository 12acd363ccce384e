"""The web explorer (``attachsim serve``) through FastAPI's TestClient: tiny runs, no browser."""

from __future__ import annotations

import io
import re
import threading
import time
import warnings
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from attachsim.core.params import ParamModel
from attachsim.explorer import form as formlib
from attachsim.explorer import views
from attachsim.explorer.app import create_app
from attachsim.explorer.jobs import (
    ABSOLUTE_MAX_PEOPLE,
    Job,
    JobManager,
    QueueFullError,
    RunOutput,
    population_cap,
)
from attachsim.scenarios import Scenario, load_scenario


def form_data(start: str = "normative", **changes: str) -> dict[str, str]:
    """What the browser submits for a starting point, with some inputs changed."""
    state = formlib.starting_point(start)
    data = dict(state.values)
    data.update({"_start": start, "_seed": "0", formlib.YAML_FIELD: state.structured})
    data.update(changes)
    return data


def wait(client: TestClient, job_url: str, timeout: float = 120.0) -> dict[str, Any]:
    job_id = job_url.rsplit("/", 1)[1]
    deadline = time.time() + timeout
    while time.time() < deadline:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if status["status"] in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(create_app(max_people=5_000, max_queued=3)) as c:
        yield c


@pytest.fixture(scope="module")
def finished_run(client: TestClient) -> str:
    r = client.post("/runs", data=form_data(**{"population.n": "200", "years": "2", "_seed": "3"}),
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    url = r.headers["location"]
    assert wait(client, url)["status"] == "done"
    return str(url)


# ---------------------------------------------------------------------- the form

def _param_models(model: Any) -> list[Any]:
    out = []
    for info in model.model_fields.values():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, ParamModel):
            out.append(ann)
    return out


def test_form_has_every_parameter_with_default_bounds_unit_and_source() -> None:
    from attachsim.scenarios.schema import Parameters

    for name, group in zip(Parameters.model_fields, _param_models(Parameters), strict=True):
        for rec in group.describe():
            f = formlib.BY_PATH[f"parameters.{name}.{rec['name']}"]
            assert f.default == rec["default"] and f.unit == rec["unit"] and f.source == rec["source"]
            assert (f.lo, f.hi) == (rec["min"], rec["max"])


def test_index_page_shows_help_with_unit_and_source(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    f = next(f for f in formlib.FIELDS if f.source and f.unit)
    block = r.text[r.text.index(f'data-path="{f.path}"'):]
    block = block[: block.index("</div>")]
    assert f.unit in block and "Source:" in block and f.bounds in block


def test_starting_point_round_trips_to_the_builtin_scenario() -> None:
    for name in ("normative", "sensitivity-training", "maltreated"):
        sub = formlib.parse(form_data(name), max_people=ABSOLUTE_MAX_PEOPLE)
        assert sub.scenario is not None, (sub.state.errors, sub.state.general)
        expected = load_scenario(name).model_dump(mode="json")
        expected["population"]["n"] = min(expected["population"]["n"], formlib.QUICK_PEOPLE)
        assert sub.scenario.model_dump(mode="json") == expected


def test_experiment_starting_point_carries_its_arms_in_the_yaml_block() -> None:
    state = formlib.starting_point("sensitivity-training")
    assert "arms:" in state.structured and "vipp" in state.structured and state.has_arms


@pytest.mark.parametrize(("field", "value", "expect"), [
    ("population.female_share", "1.5", "allowed: 0 to 1"),
    ("years", "abc", "valid number"),
    ("parameters.distress.cry_rate_newborn" if "parameters.distress.cry_rate_newborn" in formlib.BY_PATH
     else next(f.path for f in formlib.FIELDS if f.path.startswith("parameters.distress.")), "-5", "allowed"),
    ("assessments.adult.ages_years", "18, 99", "allowed: 18 to 60"),
])
def test_bad_value_is_shown_beside_its_field(client: TestClient, field: str, value: str, expect: str) -> None:
    r = client.post("/runs", data=form_data(**{field: value}))
    assert r.status_code == 422
    html_id = formlib.BY_PATH[field].html_id
    block = r.text[r.text.index(f'data-path="{field}"'):]
    block = block[: block.index("<small")]
    match = re.search(rf'id="{html_id}-error"[^>]*>([^<]*)<', block)
    assert match is not None and expect in match.group(1), block
    assert 'aria-invalid="true"' in block
    assert r.text.count('class="error" id="') == 1  # only that field is marked


def test_population_cap_is_shown_beside_population_n(client: TestClient) -> None:
    r = client.post("/runs", data=form_data(**{"population.n": "5001"}))
    assert r.status_code == 422
    assert re.search(r'id="f-population--n-error"[^>]*>[^<]*allowed: 1 to 5,000', r.text)


def test_bad_yaml_and_bad_seed_are_shown_beside_their_inputs(client: TestClient) -> None:
    r = client.post("/runs", data=form_data(**{formlib.YAML_FIELD: "arms: [", "_seed": "-1"}))
    assert r.status_code == 422
    assert re.search(r'id="f-structured-error"[^>]*>not valid YAML', r.text)
    assert re.search(r'id="f-seed-error"[^>]*>[^<]*not a seed', r.text)


def test_htmx_submission_gets_the_form_fragment_with_errors(client: TestClient) -> None:
    r = client.post("/runs", data=form_data(**{"years": "0"}), headers={"HX-Request": "true"})
    assert r.status_code == 422
    assert r.text.lstrip().startswith('<form id="scenario-form"') and "<html" not in r.text
    assert 'id="f-years-error"' in r.text


def test_compare_needs_arms(client: TestClient) -> None:
    r = client.post("/runs", data=form_data(_action="compare"))
    assert r.status_code == 422 and "comparing needs an experiment" in r.text


# ---------------------------------------------------------------------- jobs

def _blocking_runner(release: threading.Event) -> Any:
    def run(job: Job, progress: Any) -> Any:
        while not release.is_set():
            progress(1, 10, "waiting")
            time.sleep(0.01)
        return None
    return run


def test_queue_is_bounded_one_running_and_max_queued_waiting() -> None:
    release = threading.Event()
    manager = JobManager(max_queued=2, runner=_blocking_runner(release))
    sc = Scenario()
    try:
        jobs = [manager.submit("run", sc, 0) for _ in range(3)]
        with pytest.raises(QueueFullError, match="queues at most 2"):
            manager.submit("run", sc, 0)
        assert len({j.id for j in jobs}) == 3 and all(len(j.id) >= 16 for j in jobs)
        manager.cancel(jobs[2].id)  # a queued job is cancelled at once, freeing its place
        assert jobs[2].status == "cancelled"
        manager.submit("run", sc, 0)
    finally:
        release.set()
        manager.shutdown()


def test_server_refuses_a_job_past_the_queue_bound_with_429(client: TestClient) -> None:
    release = threading.Event()
    manager = JobManager(max_queued=1, runner=_blocking_runner(release))
    try:
        with TestClient(create_app(manager=manager, max_people=1000)) as c:
            data = form_data(**{"population.n": "100", "years": "2"})
            assert c.post("/runs", data=data, follow_redirects=False).status_code == 303
            assert c.post("/runs", data=data, follow_redirects=False).status_code == 303
            r = c.post("/runs", data=data, follow_redirects=False)
            assert r.status_code == 429
            assert re.search(r'id="queue-message"[^>]*>The explorer runs one job at a time and queues at most 1',
                             r.text)
    finally:
        release.set()
        manager.shutdown()


def test_cancel_stops_a_running_job() -> None:
    release = threading.Event()
    manager = JobManager(max_queued=1, runner=_blocking_runner(release))
    try:
        with TestClient(create_app(manager=manager, max_people=1000)) as c:
            url = c.post("/runs", data=form_data(**{"population.n": "100"}), follow_redirects=False).headers["location"]
            deadline = time.time() + 10
            while c.get("/api/" + url.lstrip("/")).json()["status"] != "running" and time.time() < deadline:
                time.sleep(0.01)
            assert "Cancel" in c.get(url).text
            c.post(url + "/cancel", follow_redirects=False)
            assert wait(c, url, 10)["status"] == "cancelled"
    finally:
        release.set()
        manager.shutdown()


def test_population_cap_follows_available_memory() -> None:
    assert population_cap(memory=1 << 30) == (1 << 30) // 4 // 16_384
    assert population_cap(memory=1 << 50) == ABSOLUTE_MAX_PEOPLE


# ---------------------------------------------------------------------- a real tiny run

def test_results_page_shows_shares_with_intervals_and_people(client: TestClient, finished_run: str) -> None:
    r = client.get(finished_run)
    assert r.status_code == 200
    assert 'id="chart-shares"' in r.text and "95% interval" in r.text
    assert len(re.findall(r'class="person-link"', r.text)) > 0
    fig = re.search(r'id="chart-shares" data-figure="([^"]*)"', r.text)
    assert fig is not None and "error_y" in fig.group(1)
    # 2 years: no adult instruments and no 8-year checklist, said in words
    assert "No ECR-R scores" in r.text and "checklist at 8 years is missing" in r.text


def test_person_page_shows_the_row_and_a_life_story_or_why_not(client: TestClient, finished_run: str) -> None:
    r = client.get(finished_run + "/people/3")
    assert r.status_code == 200 and "<th>ssp_12m</th>" in r.text
    assert 'id="story"' in r.text or 'id="life-note"' in r.text
    assert client.get(finished_run + "/people/99999").status_code == 404


def test_downloads_are_the_people_table(client: TestClient, finished_run: str) -> None:
    csv = client.get(finished_run + "/download/people.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    table = pd.read_csv(io.StringIO(csv.text))
    parquet = pd.read_parquet(io.BytesIO(client.get(finished_run + "/download/people.parquet").content))
    assert len(table) == len(parquet) == 200 and list(table.columns) == list(parquet.columns)
    for name in ("people.txt", "..%2F..%2Fetc%2Fpasswd", "pyproject.toml"):
        assert client.get(finished_run + "/download/" + name).status_code == 404


def test_no_request_reaches_the_file_system(client: TestClient) -> None:
    assert client.get("/static/htmx.min.js").status_code == 200
    assert len(client.get("/static/plotly.min.js").content) > 1_000_000
    for path in ("/static/..%2Fapp.py", "/static/templates", "/jobs/..%2F..%2Fetc", "/?start=../../etc/passwd"):
        r = client.get(path)
        assert "import" not in r.text[:200] and "root:" not in r.text
    assert "normative" in client.get("/?start=/etc/passwd").text  # unknown starting point: the default


def test_security_headers_and_cross_origin_post(client: TestClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text  # no inline scripts
    r = client.post("/runs", data=form_data(), headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_host_header_is_checked_when_hosts_are_given() -> None:
    with TestClient(create_app(max_people=1000, allowed_hosts=["127.0.0.1"]), base_url="http://127.0.0.1") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_experiment_page_shows_arms_side_by_side_with_control_first(client: TestClient) -> None:
    data = form_data("sensitivity-training", **{"population.n": "200", "_action": "compare"})
    url = client.post("/runs", data=data, follow_redirects=False).headers["location"]
    assert wait(client, url)["status"] == "done"
    r = client.get(url)
    assert r.status_code == 200
    header = re.search(r"<tr><th>outcome</th>(.*?)</tr>", r.text)
    assert header is not None and header.group(1).index("control") < header.group(1).index("vipp")
    assert 'id="chart-effects"' in r.text and 'id="chart-arm-shares"' in r.text
    effects = pd.read_csv(io.StringIO(client.get(url + "/download/effects.csv").text))
    assert set(effects["arm"]) == {"control", "vipp"} and {"ci_low", "ci_high"} <= set(effects.columns)


# ---------------------------------------------------------------------- time series and life stories

class _FakeLife:
    table = pd.DataFrame({"age_years": [0.0, 0.5, 1.0], "regulation": [0.1, 0.3, 0.5], "threat": [0.2, 0.2, 0.1]})
    story = "Person 0 was born to a sensitive caregiver."


class _ResultsWithSeries:
    """What a run returns once time series and traces exist (the interface the series branch builds)."""

    def __init__(self, base: Any) -> None:
        self.people, self.scenario, self.seed, self.meta = base.people, base.scenario, base.seed, base.meta
        self.summary = base.summary
        rows = [{"time_years": t, "age_years": t, "by": by, "group": g, "variable": v, "value": t + i, "n": 10}
                for t in (0.0, 1.0, 2.0) for by, groups in (("all", ["all"]), ("ssp_12m", ["A", "B"]))
                for g in groups for i, v in enumerate(("regulation", "threat"))]
        self.timeseries = pd.DataFrame(rows)

    def life(self, pid: int) -> _FakeLife:
        if pid != 0:
            raise KeyError(f"person {pid} was not traced")
        return _FakeLife()


def test_time_series_and_life_story_light_up_when_available() -> None:
    import attachsim

    base = attachsim.run("normative", n=100, years=1.5, seed=1)

    def runner(job: Job, progress: Any) -> RunOutput:
        return RunOutput(results=_ResultsWithSeries(base), traced=[0], screening=None, screening_note="n/a")

    manager = JobManager(runner=runner)
    try:
        with TestClient(create_app(manager=manager, max_people=1000)) as c:
            url = c.post("/runs", data=form_data(**{"population.n": "100"}), follow_redirects=False).headers["location"]
            wait(c, url, 10)
            page = c.get(url).text
            assert views.NOT_AVAILABLE not in page
            assert page.count('class="chart small"') == 2 and 'id="series-by"' in page
            fragment = c.get(url + "/timeseries", params={"by": "ssp_12m"}).text
            assert fragment.count('class="chart small"') == 2 and "&#34;name&#34;:&#34;A&#34;" in fragment
            assert c.get(url + "/timeseries", params={"by": "nope"}).status_code == 400
            assert c.get(url + "/download/timeseries.csv").status_code == 200
            person = c.get(url + "/people/0").text
            assert "born to a sensitive caregiver" in person and 'id="chart-life"' in person
            assert "was not traced" in c.get(url + "/people/1").text
    finally:
        manager.shutdown()


def test_without_series_the_sections_say_not_available(client: TestClient, finished_run: str) -> None:
    import attachsim

    page = client.get(finished_run).text
    if not hasattr(attachsim.Results, "timeseries"):
        assert f"Time series: {views.NOT_AVAILABLE}" in page


# ---------------------------------------------------------------------- the command

def test_serve_binds_loopback_by_default_and_warns_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from attachsim.cli import app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: calls.append(kw))
    runner = CliRunner()
    result = runner.invoke(app, ["serve", "--max-people", "1000"])
    assert result.exit_code == 0 and calls[-1]["host"] == "127.0.0.1" and "WARNING" not in result.output
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--max-people", "1000"])
    assert result.exit_code == 0 and calls[-1]["host"] == "0.0.0.0" and "WARNING" in result.output
    result = runner.invoke(app, ["serve", "--max-people", "10000000"])
    assert result.exit_code == 2 and "--max-people must be at most" in result.output


def test_edit_fills_the_form_with_the_jobs_scenario(client: TestClient, finished_run: str) -> None:
    r = client.get(finished_run + "/edit")
    assert r.status_code == 200
    assert re.search(r'id="f-population--n" name="population.n"[^>]*value="200"', r.text)
    assert re.search(r'name="_seed" value="3"', r.text)


def test_open_person_by_id_and_gzip_assets(client: TestClient, finished_run: str) -> None:
    r = client.get(finished_run + "/people", params={"pid": "7"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/people/7")
    assert client.get(finished_run + "/people", params={"pid": "../x"}).status_code == 400
    r = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and len(r.content) > 1_000_000  # httpx decodes it


def test_series_charts_pool_age_bands_merge_an_instruments_categories_and_skip_zeros() -> None:
    rows = []
    for t in (1.0, 2.0):
        for age, n, value in ((t, 30, 0.2), (t + 25.0, 10, 0.6)):  # two generations alive: pooled by n
            rows.append({"time_years": t, "age_years": age, "by": "all", "group": "all", "variable": "regulation",
                         "value": value, "n": n})
        for cat, share in (("A", 0.3), ("B", 0.7)):
            rows.append({"time_years": t, "age_years": t, "by": "all", "group": "all", "variable": f"ssp_12m:{cat}",
                         "value": share, "n": 40})
        rows.append({"time_years": t, "age_years": t, "by": "all", "group": "all", "variable": "compulsive_alcohol",
                     "value": 0.0, "n": 40})
    figs, zero = views.timeseries_charts(pd.DataFrame(rows), "all")
    assert len(figs) == 2 and len(zero) == 1 and "alcohol" in zero[0]
    regulation = figs[0]["data"][0]
    assert regulation["y"] == [pytest.approx(0.3), pytest.approx(0.3)]  # (30 * 0.2 + 10 * 0.6) / 40
    assert [tr["name"] for tr in figs[1]["data"]] == ["A", "B"]


def test_population_cap_counts_every_arm_of_an_experiment(client: TestClient) -> None:
    data = form_data("sensitivity-training", **{"population.n": "3000", "_action": "compare"})
    r = client.post("/runs", data=data)
    assert r.status_code == 422  # two arms of 3,000 are 6,000 people, past the cap of 5,000
    assert re.search(r'id="f-population--n-error"[^>]*>[^<]*per arm \(2 arms\); allowed: 1 to 2,500', r.text)
