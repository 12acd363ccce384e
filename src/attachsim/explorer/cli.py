"""The ``serve`` command: start the explorer on this computer."""

from __future__ import annotations

import ipaddress
import sys
from typing import Annotated

import typer

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this computer only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. The default serves this computer only; "
                                                     "any other address lets others on the network run jobs.")]
    = LOOPBACK,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8765,
    max_queued: Annotated[int, typer.Option("--max-queued", help="Jobs that may wait behind the running one "
                                                                 "(beyond that: HTTP 429).", min=0, max=20)] = 3,
    max_people: Annotated[int | None, typer.Option(
        "--max-people", help="Population cap per run (default: from the memory available, at most 200,000).",
        min=100)] = None,
) -> None:
    """Start the web explorer (scenario form, runs with progress, results, people, experiments, downloads)."""
    import uvicorn

    from .app import create_app
    from .jobs import ABSOLUTE_MAX_PEOPLE

    if max_people is not None and max_people > ABSOLUTE_MAX_PEOPLE:
        print(f"--max-people must be at most {ABSOLUTE_MAX_PEOPLE:,}; got {max_people:,}.", file=sys.stderr)
        raise typer.Exit(2)
    allowed: list[str] | None = [LOOPBACK, "localhost", "::1", "[::1]"]
    if not is_loopback(host):
        print(f"WARNING: serving on {host}: anyone who can reach this address can run simulations on this computer "
              "and read their results. There is no login. Use the default (127.0.0.1) unless you mean it.",
              file=sys.stderr)
        allowed = None  # the Host header is whatever name others use for this machine
    app = create_app(max_queued=max_queued, max_people=max_people, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    print(f"attachsim explorer on http://{shown}:{port}/ (press Ctrl+C to stop); at most "
          f"{app.state.max_people:,} people per run, {max_queued} queued jobs.", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the command-line application."""
    app.command("serve")(serve_cmd)
