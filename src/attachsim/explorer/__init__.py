"""``attachsim serve``: a web explorer (FastAPI + Jinja2 + HTMX + Plotly.js, every asset shipped, works offline).

Importing this package is cheap (the command line registers ``serve`` from it); the web stack is
imported when :func:`create_app` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(**options: Any) -> FastAPI:
    """The explorer application (see :func:`attachsim.explorer.app.create_app` for the options)."""
    from .app import create_app as build

    return build(**options)
