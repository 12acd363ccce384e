"""docs/tutorial.md runs: its ```python blocks are executed in order, in one namespace, in a temporary folder."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"


def python_blocks(text: str) -> list[str]:
    """The code of every fenced ```python block, in order."""
    return re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)


def test_blocks_are_found():
    blocks = python_blocks("intro\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = x\n```\n")
    assert blocks == ["x = 1\n", "y = x\n"]


def test_tutorial_runs(tmp_path, monkeypatch, capsys):
    blocks = python_blocks(TUTORIAL.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__tutorial__"}
    started = time.perf_counter()
    for i, code in enumerate(blocks, start=1):
        try:
            exec(compile(code, f"{TUTORIAL.name}, python block {i}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"python block {i} of docs/tutorial.md failed: {exc!r}\n{code}")
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    assert "infants assessed" in out and "refused:" in out
    assert (tmp_path / "ecrr-scores.csv").is_file()
    assert (tmp_path / "trial" / "report.html").is_file()
    print(f"tutorial ran in {elapsed:.1f} s")
