"""The one exception type for bad input: :class:`UserError`.

Every error a user can cause with a file, a scenario or a flag is a :class:`UserError` (or a
subclass: ``ScenarioError``, ``ParamsFileError``, ``GridError``, ``QuestionnaireError``,
``ReportError``, ``StoreError``, ``ExecutorError``, :class:`OutputError`). Its message is meant to
be printed as it is: what is wrong, which field or flag, and what is allowed. The CLI's error
boundary prints it on one line and exits with status 2; anything else is a bug and shows a
traceback only with ``--debug``.
"""

from __future__ import annotations


class UserError(ValueError):
    """Bad input from the user, with a message naming the field or flag and what is allowed.

    ``flag`` optionally names the command-line flag the input came from (e.g. ``"--n"``), so
    the CLI can say "--n" rather than the scenario field it was copied into.
    """

    def __init__(self, message: str, *, flag: str | None = None) -> None:
        super().__init__(message)
        self.flag = flag


class OutputError(UserError):
    """An output path that cannot be written (unwritable, wrong type, or holding other files).

    A folder may receive an output only if it is absent, empty, or a previous attachsim output
    of the same kind with ``--overwrite``.
    """


class ResourceError(UserError):
    """A run that would not fit in this machine (e.g. its memory estimate exceeds the available memory)."""


__all__ = ["OutputError", "ResourceError", "UserError"]
