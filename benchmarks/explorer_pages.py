"""Page sizes and time to first chart of the explorer (``attachsim serve``) in headless Chromium.

Usage: ``python3 benchmarks/explorer_pages.py [--n 5000] [--years 2] [--screenshot results.png]``.
Starts the explorer on 127.0.0.1 (a free port), submits the form for ``normative`` with the given
population and years, and reports: the simulation time, the bytes of every resource the results
page loads (cold cache), the time from navigation to the first drawn chart (cold and warm cache),
and the size of the form page, the person page and the experiment page.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    code = ("import uvicorn; from attachsim.explorer.app import create_app; "
            f"uvicorn.run(create_app(max_people=20000), host='127.0.0.1', port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ))
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the explorer did not start")


def load(page: Any, url: str) -> dict[str, Any]:
    """Navigate and wait for the first chart; bytes per resource and ms to the first chart."""
    sizes: dict[str, int] = {}

    def on_response(resp: Any) -> None:  # bytes on the wire (compressed when the server compressed)
        try:
            sizes[resp.url.split("/", 3)[-1]] = int(resp.request.sizes()["responseBodySize"])
        except Exception:  # redirects have no body
            pass

    page.on("response", on_response)
    page.goto(url)
    page.wait_for_function("window.attachsimExplorer && window.attachsimExplorer.firstChartMs !== null",
                           timeout=120_000)
    first = page.evaluate("window.attachsimExplorer.firstChartMs")
    page.wait_for_function("window.attachsimExplorer.pending === 0", timeout=120_000)
    every = page.evaluate("performance.now()")
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", on_response)
    return {"first_chart_ms": round(first), "all_charts_ms": round(every), "bytes": sizes,
            "total_bytes": sum(sizes.values())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--years", type=float, default=2.0)
    ap.add_argument("--screenshot", type=Path, default=None)
    ap.add_argument("--person-screenshot", type=Path, default=None)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"n": args.n, "years": args.years}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            page = ctx.new_page()
            out["form_page_bytes"] = len(urllib.request.urlopen(base + "/").read())
            page.goto(base + "/")
            # warm the kernels (the first run of a server compiles them) so the timing is the simulation's
            page.fill("#f-population--n", "100")
            page.fill("#f-years", "1.5")
            page.get_by_role("button", name="Run", exact=True).click()
            page.wait_for_selector("#chart-shares.drawn", timeout=300_000)
            page.goto(base + "/")
            page.fill("#f-population--n", str(args.n))
            page.fill("#f-years", f"{args.years:g}")
            t0 = time.perf_counter()
            page.get_by_role("button", name="Run", exact=True).click()
            page.wait_for_selector("#chart-shares.drawn", timeout=600_000)
            out["submit_to_first_chart_s"] = round(time.perf_counter() - t0, 2)
            results_url = page.url
            job = json.loads(urllib.request.urlopen(base + "/api" + results_url.split(base, 1)[1]).read())
            out["simulation_s"] = job["elapsed_s"]
            ctx.close()
            cold_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            cold = cold_ctx.new_page()
            out["results_cold"] = load(cold, results_url)
            out["results_warm"] = load(cold, results_url)
            out["charts_drawn"] = cold.evaluate("window.attachsimExplorer.charts")
            if args.screenshot is not None:
                cold.screenshot(path=str(args.screenshot), full_page=True)
                out["screenshot"] = str(args.screenshot)
            out["person_page_bytes"] = len(urllib.request.urlopen(results_url + "/people/0").read())
            if args.person_screenshot is not None:
                cold.goto(results_url + "/people/0")
                cold.wait_for_load_state("networkidle")
                cold.screenshot(path=str(args.person_screenshot), full_page=True)
            gz = urllib.request.Request(base + "/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
            out["plotly_js_gzip_bytes"] = len(urllib.request.urlopen(gz).read())
            cold_ctx.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
