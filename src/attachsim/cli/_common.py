"""What every command family shares: consoles, the run-wide flags, the progress helper, flag checks."""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import UserError

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@dataclass
class Flags:
    """Flags that apply to every command (set by the top-level callback)."""

    debug: bool = False
    quiet: bool = False
    argv: list[str] = field(default_factory=list)


FLAGS = Flags()

#: Options shared by the commands that write an output folder (run, compare, sweep, validate).
Overwrite = Annotated[bool, typer.Option(
    "--overwrite", help="Replace a previous attachsim output of the same kind at --out (its old files are removed).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no progress bars or tables; errors and the paths "
                                     "written only.")]


def say(text: str) -> None:
    """Print a line of ordinary output (markup allowed; nothing under ``--quiet``)."""
    if not FLAGS.quiet:
        console.print(text)


def show(renderable: Any, **kwargs: Any) -> None:
    """Print a table or other renderable (nothing under ``--quiet``)."""
    if not FLAGS.quiet:
        console.print(renderable, **kwargs)


def fail(message: str, code: int = 2) -> None:
    """Print ``error: message`` (the message verbatim: no markup, so ``[...]`` survives) and exit."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def progress(label: str, total: int | None, unit: str, *, transient: bool = False) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr; yields ``update(completed=..., total=..., description=...)``.

    Under ``--quiet`` (or ``--json``) the bar is not drawn and ``update`` does nothing.
    """
    if FLAGS.quiet:
        yield lambda **_: None
        return
    columns: list[Any] = [TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn(unit), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=transient) as bar:
        task = bar.add_task(escape(label), total=total)

        def update(**fields: Any) -> None:
            if "description" in fields:
                fields["description"] = escape(str(fields["description"]))
            bar.update(task, **fields)

        yield update


def check_range(flag: str, value: float | None, lo: float | None, hi: float | None, *, lo_open: bool = False) -> None:
    """A flag's value within its allowed range, else a :class:`UserError` naming the flag."""
    if value is None:
        return
    below = lo is not None and (value <= lo if lo_open else value < lo)
    above = hi is not None and value > hi
    if below or above:
        low = "-inf" if lo is None else _number(lo) + (" (exclusive)" if lo_open else "")
        high = "inf" if hi is None else _number(hi)
        raise UserError(f"{flag} must be between {low} and {high}; got {_number(value)}.", flag=flag)


def _number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def field_bounds(model: Any, name: str) -> tuple[float | None, float | None, bool]:
    """(low, high, low exclusive) of a schema field, read from its pydantic metadata (never retyped)."""
    lo = hi = None
    lo_open = False
    for meta in model.model_fields[name].metadata:
        if getattr(meta, "ge", None) is not None:
            lo = meta.ge
        if getattr(meta, "gt", None) is not None:
            lo, lo_open = meta.gt, True
        if getattr(meta, "le", None) is not None:
            hi = meta.le
    return lo, hi, lo_open


def check_choice(flag: str, value: str, allowed: tuple[str, ...] | list[str]) -> None:
    """A flag's value among ``allowed``, else a :class:`UserError` naming the flag."""
    if value not in allowed:
        raise UserError(f"{flag} must be one of {', '.join(allowed)}; got {value!r}.", flag=flag)


def git_describe() -> str | None:
    """``git describe --always --dirty`` of the source tree this package runs from, or None."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=here, capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def provenance(resolved_scenario: str, params: dict[str, float] | None = None) -> dict[str, Any]:
    """Version, git describe, UTC time, command line and SHA-256 of the resolved scenario and parameters."""
    import json

    from .. import __version__
    from ..io import utc_now

    digest = hashlib.sha256(resolved_scenario.encode("utf-8"))
    out: dict[str, Any] = {
        "attachsim_version": __version__,
        "git_describe": git_describe(),
        "written_utc": utc_now(),
        "command_line": ["attachsim", *FLAGS.argv],
        "scenario_sha256": digest.hexdigest(),
    }
    if params:
        out["params"] = params
        out["params_sha256"] = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    return out
