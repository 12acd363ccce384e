"""The explorer's web application (FastAPI): the form, jobs, results, people, experiments, downloads.

Security: jobs are addressed by server-generated ids; static assets come from a fixed table
(no request path is looked up on disk); downloads are built in memory; request bodies are
capped; POSTs from another origin are refused; the Host header is checked when the server
knows its names; pages carry a Content-Security-Policy without inline scripts.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from .._version import __version__
from ..scenarios import builtin_names, load_scenario
from ..scenarios.loader import MAX_SCENARIO_BYTES
from . import form as formlib
from . import views
from .jobs import (
    ABSOLUTE_MAX_PEOPLE,
    CompareOutput,
    Job,
    JobKind,
    JobManager,
    QueueFullError,
    RunOutput,
    population_cap,
)

MAX_BODY_BYTES = 2 * MAX_SCENARIO_BYTES
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".txt": "text/plain; charset=utf-8"}


def plotly_js_path() -> Path:
    """The Plotly.js bundle shipped inside the ``plotly`` Python package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _load_assets() -> dict[str, tuple[bytes, str]]:
    """Every static asset by name, read once at start-up (names are the only thing a request chooses)."""
    folder = resources.files("attachsim.explorer") / "static"
    assets = {}
    for entry in folder.iterdir():
        suffix = Path(entry.name).suffix
        if suffix in STATIC_TYPES:
            assets[entry.name] = (entry.read_bytes(), STATIC_TYPES[suffix])
    assets["plotly.min.js"] = (plotly_js_path().read_bytes(), STATIC_TYPES[".js"])
    return assets


class SecurityHeaders:
    """Adds the CSP and related headers; refuses cross-origin POSTs and oversized bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on and add the headers to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = ""
        if scope["method"] == "POST":
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != headers.get("host", ""):
                problem = "403 cross-origin requests are refused"
            try:
                if int(headers.get("content-length", "0")) > MAX_BODY_BYTES:
                    problem = f"413 the request body may be at most {MAX_BODY_BYTES:,} bytes"
            except ValueError:
                problem = "400 bad content-length"
        if problem:
            code, _, text = problem.partition(" ")
            response = Response(text + ".\n", status_code=int(code), media_type="text/plain")
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(*, max_queued: int = 3, max_people: int | None = None, allowed_hosts: list[str] | None = None,
               manager: JobManager | None = None) -> FastAPI:
    """The explorer application.

    ``max_queued`` jobs may wait behind the running one; ``max_people`` caps a run's population
    (default: from the memory available, at most ``ABSOLUTE_MAX_PEOPLE``); ``allowed_hosts``, when
    given, are the only Host headers served (a guard against DNS rebinding).
    """
    jobs = manager or JobManager(max_queued=max_queued, keep_finished=5)
    def cap() -> int:
        """The population cap now (from the memory available now, unless the caller fixed one)."""
        return population_cap() if max_people is None else min(max_people, ABSOLUTE_MAX_PEOPLE)

    assets = _load_assets()
    compressed: dict[str, bytes] = {}
    env = jinja2.Environment(loader=jinja2.PackageLoader("attachsim.explorer", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, fig_json=views.fig_json, not_available=views.NOT_AVAILABLE,
                       isnan=lambda x: isinstance(x, float) and math.isnan(x))
    experiments = [n for n in builtin_names() if load_scenario(n).arms]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="attachsim explorer", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None, lifespan=lifespan)
    app.state.jobs = jobs
    app.state.max_people = cap()
    app.add_middleware(SecurityHeaders)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(max_people=cap(), max_queued=jobs.max_queued, **context)
        return HTMLResponse(html, status_code=status, headers=headers)

    def job_or_404(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "No such job (jobs are kept in memory; the server may have restarted or "
                                     "forgotten an old one).")
        return job

    def form_page(state: formlib.FormState, status: int = 200, fragment: bool = False,
                  queue_message: str = "") -> HTMLResponse:
        ctx: dict[str, Any] = {"state": state, "sections": formlib.sections(), "builtins": builtin_names(),
               "experiments": experiments, "seed_field": formlib.SEED_FIELD, "yaml_field": formlib.YAML_FIELD,
               "queue_message": queue_message, "jobs": jobs.jobs()}
        return page("_form.html" if fragment else "index.html", status=status, **ctx)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> HTMLResponse:
        return page("message.html", status=exc.status_code, title=f"{exc.status_code}", message=str(exc.detail))

    # ------------------------------------------------------------------ pages
    @app.get("/", response_class=HTMLResponse)
    def index(start: str = "normative") -> HTMLResponse:
        return form_page(formlib.starting_point(start))

    @app.get("/jobs/{job_id}/edit", response_class=HTMLResponse)
    def edit(job_id: str) -> HTMLResponse:
        job = job_or_404(job_id)
        return form_page(formlib.from_scenario(job.scenario, job.seed, job.scenario.name))

    @app.get("/jobs/{job_id}/people")
    def find_person(job_id: str, pid: str = "") -> Response:
        job_or_404(job_id)
        if not pid.strip().isdigit():
            raise HTTPException(400, f"A person's id is a whole number from 0; got {pid!r}.")
        return RedirectResponse(f"/jobs/{job_id}/people/{int(pid)}", status_code=303)

    @app.get("/form", response_class=HTMLResponse)
    def form_fragment(start: str = "normative") -> HTMLResponse:
        return form_page(formlib.starting_point(start), fragment=True)

    @app.post("/runs")
    async def submit(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return Response(f"The form may be at most {MAX_BODY_BYTES:,} bytes.\n", status_code=413)
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=2000)
        except (UnicodeDecodeError, ValueError):
            return Response("The form could not be read (expected URL-encoded UTF-8).\n", status_code=400)
        fields = {k: v[-1] for k, v in parsed.items()}
        htmx = request.headers.get("hx-request") == "true"
        sub = formlib.parse(fields, cap(), compare=fields.get("_action") == "compare")
        if sub.scenario is None:
            return form_page(sub.state, status=422, fragment=htmx)
        kind: JobKind = "compare" if fields.get("_action") == "compare" else "run"
        if kind == "compare" and len(sub.scenario.arms) < 2:  # (the form checked the cap for every arm)
            sub.state.errors[formlib.YAML_FIELD] = ("arms: comparing needs an experiment (at least two arms, one "
                                                    "with control: true); start from one of the experiments.")
            return form_page(sub.state, status=422, fragment=htmx)
        try:
            job = jobs.submit(kind, sub.scenario, sub.seed)
        except QueueFullError as exc:
            return form_page(sub.state, status=429, fragment=htmx, queue_message=str(exc))
        url = f"/jobs/{job.id}"
        if htmx:
            return Response(status_code=200, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: str) -> HTMLResponse:
        job = job_or_404(job_id)
        if job.status != "done":
            return page("job.html", job=job)
        if isinstance(job.result, CompareOutput):
            return compare_page(job, job.result)
        return results_page(job, job.result)

    def results_page(job: Job, out: RunOutput) -> HTMLResponse:
        res = out.results
        people = res.people
        summary = res.summary()
        ages = views.adult_ages(people)
        ts = views.timeseries_frame(res)
        groupings = views.timeseries_groupings(ts) if ts is not None else []
        series, zero = views.timeseries_charts(ts, groupings[0]) if ts is not None else ([], [])
        has_ts_attr = hasattr(res, "timeseries")
        return page("results.html", job=job, summary=summary, shares=views.shares(summary),
                    plane=views.plane(people, ages[-1]) if ages else None, adult_ages=ages,
                    screening=out.screening, screening_note=out.screening_note, series=series,
                    groupings=groupings, by=groupings[0] if groupings else "", has_ts_attr=has_ts_attr, zero=zero,
                    people=views.people_preview(people, out.traced), traced=out.traced,
                    has_life=hasattr(res, "life"), n_people=len(people))

    def compare_page(job: Job, out: CompareOutput) -> HTMLResponse:
        cmp = out.comparison
        return page("compare.html", job=job, arms=out.arms, rows=views.effects_table(cmp.effects, out.arms),
                    effects=views.effects_chart(cmp.effects, out.arms) if cmp.effects else None,
                    arm_shares=views.arm_shares_chart(cmp.people, out.arms), targets=cmp.targets)

    @app.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
    def progress(job_id: str) -> HTMLResponse:
        job = job_or_404(job_id)
        headers = {"HX-Refresh": "true"} if job.finished_state else None
        return page("_progress.html", job=job, headers=headers)

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str) -> JSONResponse:
        job = job_or_404(job_id)
        return JSONResponse({"id": job.id, "kind": job.kind, "status": job.status, "step": job.step,
                             "n_steps": job.n_steps, "stage": job.stage, "error": job.error,
                             "elapsed_s": round(job.elapsed(), 3)})

    @app.post("/jobs/{job_id}/cancel")
    def cancel(job_id: str, request: Request) -> Response:
        job_or_404(job_id)
        jobs.cancel(job_id)
        if request.headers.get("hx-request") == "true":
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/jobs/{job_id}/timeseries", response_class=HTMLResponse)
    def timeseries(job_id: str, by: str = "") -> HTMLResponse:
        job = job_or_404(job_id)
        if job.status != "done" or not isinstance(job.result, RunOutput):
            raise HTTPException(404, "This job has no time series.")
        ts = views.timeseries_frame(job.result.results)
        if ts is None:
            raise HTTPException(404, f"Time series: {views.NOT_AVAILABLE}.")
        groupings = views.timeseries_groupings(ts)
        if by not in groupings:
            raise HTTPException(400, f"Unknown grouping {by!r}; allowed: {', '.join(groupings)}.")
        series, zero = views.timeseries_charts(ts, by)
        return page("_series.html", job=job, series=series, zero=zero, groupings=groupings, by=by)

    @app.get("/jobs/{job_id}/people/{pid}", response_class=HTMLResponse)
    def person(job_id: str, pid: int) -> HTMLResponse:
        job = job_or_404(job_id)
        if job.status != "done" or not isinstance(job.result, RunOutput):
            raise HTTPException(404, "People pages belong to finished single runs.")
        res = job.result.results
        row = views.person_row(res.people, pid)
        if row is None:
            raise HTTPException(404, f"No person {pid} in this run (ids run from 0 to {len(res.people) - 1}).")
        story, chart, life_note = "", None, ""
        if not hasattr(res, "life"):
            life_note = f"Life stories are {views.NOT_AVAILABLE}."
        else:
            try:
                life = res.life(pid)
            except (KeyError, ValueError, IndexError, LookupError) as exc:
                life_note = (f"No life story for person {pid}: {exc}. Traced people in this run: "
                             f"{', '.join(map(str, job.result.traced)) or 'none'}.")
            else:
                story = str(getattr(life, "story", ""))
                table = getattr(life, "table", None)
                chart = views.life_chart(table) if table is not None else None
        return page("person.html", job=job, pid=pid, row=row, story=story, chart=chart, life_note=life_note,
                    traced=job.result.traced)

    @app.get("/jobs/{job_id}/download/{name}")
    def download(job_id: str, name: str) -> Response:
        job = job_or_404(job_id)
        stem, _, fmt = name.rpartition(".")
        if fmt not in ("csv", "parquet") or job.status != "done":
            raise HTTPException(404, "Downloads: people.csv, people.parquet, timeseries.csv, timeseries.parquet, "
                                     "effects.csv (finished jobs only).")
        frame = None
        if isinstance(job.result, RunOutput):
            if stem == "people":
                frame = job.result.results.people
            elif stem == "timeseries":
                frame = views.timeseries_frame(job.result.results)
        elif isinstance(job.result, CompareOutput):
            cmp = job.result.comparison
            if stem == "people":
                import pandas as pd

                frame = pd.concat([p.assign(arm=a) for a, p in cmp.people.items()], ignore_index=True)
            elif stem == "effects":
                import pandas as pd

                frame = pd.DataFrame(cmp.effects)
        if frame is None:
            raise HTTPException(404, f"No download '{name}' for this job.")
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
        filename = f"{job.scenario.name}-seed{job.seed}-{stem}.{fmt}"
        return Response(views.to_bytes(frame, fmt), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    @app.get("/static/{name}")
    def static(name: str, request: Request) -> Response:
        if name not in assets:
            raise HTTPException(404, "No such asset.")
        body, media = assets[name]
        headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
        if len(body) > 10_000 and "gzip" in request.headers.get("accept-encoding", ""):
            if name not in compressed:  # compressed once, on first use (Plotly.js: 4.8 MB -> about 1.4 MB)
                compressed[name] = gzip.compress(body, compresslevel=6, mtime=0)
            body = compressed[name]
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type=media, headers=headers)

    return app
