"""Command-line interface: a thin layer over the public API, split by command family.

Layout::

    cli/__init__.py     ``app``, ``main`` and the error boundary (this file)
    cli/_common.py      consoles, --quiet/--debug, the progress helper, flag checks, provenance
    cli/running.py      run, show, plan, scenarios, bench
    cli/experiments.py  compare, experiments, sweep
    cli/validation.py   validate, calibrate, report
    cli/instruments.py  score, table, screen

**Adding a command.** Write a module with a ``register(app)`` function that adds its commands
(``app.command("name")(function)`` or ``app.add_typer(sub, name=...)``) and add one line to
:data:`FAMILIES` below. Inside a command, raise :class:`attachsim.errors.UserError` (or a
subclass) for bad input: the error boundary prints it as one line and exits with status 2; use
:func:`._common.progress` for a progress bar, :func:`._common.say` / :func:`._common.show` for
output that ``--quiet`` silences, and check output paths with :mod:`attachsim.io` *before*
computing anything.

**The error boundary** (:class:`_Boundary`): a :class:`~attachsim.errors.UserError` prints
``error: <message>`` and exits 2; a ``MemoryError`` exits 3 with a hint; an ``OSError`` (a disk
full, a file vanished) prints the path and the reason and exits 2; anything else is a bug: one
line and exit 1, with the traceback only under ``--debug``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .. import __version__
from ..errors import UserError
from ._common import FLAGS, console, fail

#: Command-family modules; each exposes ``register(app)``. Add a module here to add its commands (a name
#: without dots is a module of this package; a dotted name is imported as it is).
FAMILIES: tuple[str, ...] = ("running", "experiments", "validation", "instruments", "attachsim.recording.cli",
                              "attachsim.explorer.cli")


class _Boundary(TyperGroup):
    """The top-level group: turns every exception into one line and an exit status."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Remember the command line (recorded in summary.json), then run."""
        FLAGS.argv = [str(a) for a in args] if args is not None else sys.argv[1:]
        return super().main(args, *rest, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # typer's own exits and usage errors
            raise
        except UserError as exc:
            if FLAGS.debug:
                raise
            fail(str(exc))
        except MemoryError:
            if FLAGS.debug:
                raise
            fail("out of memory; use fewer people (--n) or fewer seeds.", code=3)
        except KeyboardInterrupt:
            fail("interrupted; nothing partial was written.", code=130)
        except OSError as exc:
            if FLAGS.debug:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}.")
        except Exception as exc:
            if FLAGS.debug:
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            fail(f"internal error ({type(exc).__name__}{': ' + first if first else ''}); run again with --debug for "
                 "the traceback and please report it.", code=1)
        return None  # pragma: no cover - fail() raised


app = typer.Typer(
    cls=_Boundary,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="attachsim: simulate how caregiving shapes attachment, and assess it as researchers do.",
)


def _version(value: bool) -> None:
    if value:
        console.print(f"attachsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an error.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or tables: errors and paths "
                                                              "written only.")] = False,
) -> None:
    """Simulate how caregiving shapes attachment, and assess it as researchers do."""
    FLAGS.debug = debug
    FLAGS.quiet = quiet


def register_families(target: typer.Typer) -> None:
    """Register every command family of :data:`FAMILIES` on ``target``."""
    for name in FAMILIES:
        importlib.import_module(name if "." in name else f"{__name__}.{name}").register(target)


register_families(app)

from .running import write_results  # noqa: E402  (kept importable from attachsim.cli)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["FAMILIES", "app", "main", "register_families", "write_results"]
