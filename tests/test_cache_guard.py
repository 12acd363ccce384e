"""The kernel cache guard: a kernel compiled under other laws is compiled again, not loaded stale from disk."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from attachsim.core.laws import guard_cache, law_digest

KERNEL = '''
import numba as nb

@nb.njit(cache=True)
def twice(x):
    return 2.0 * x
'''


def _load(tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, tmp_path / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_a_changed_law_digest_empties_the_kernel_cache_once(tmp_path: Path) -> None:
    (tmp_path / "guarded_kernel.py").write_text(KERNEL)
    mod = _load(tmp_path, "guarded_kernel")
    assert guard_cache(mod.twice, digest="laws-v1") == ["twice"]  # no stamp yet: start clean
    assert mod.twice(2.0) == 4.0  # compiles and writes the cache entry
    assert mod.twice._cache._cache_file._load_index()  # the entry is on disk
    assert guard_cache(mod.twice, digest="laws-v1") == []  # same laws: the cache is kept
    assert mod.twice._cache._cache_file._load_index()
    assert guard_cache(mod.twice, digest="laws-v2") == ["twice"]  # a law changed: the stale entry goes
    assert not mod.twice._cache._cache_file._load_index()


def test_the_digest_follows_law_sources_and_ignores_other_modules(tmp_path: Path) -> None:
    (tmp_path / "laws_a.py").write_text("@kernel_law\ndef f(x):\n    return x\n")
    (tmp_path / "plain.py").write_text("X = 1\n")
    before = law_digest(tmp_path)
    (tmp_path / "plain.py").write_text("X = 2\n")
    assert law_digest(tmp_path) == before
    (tmp_path / "laws_a.py").write_text("@kernel_law\ndef f(x):\n    return x + 1\n")
    assert law_digest(tmp_path) != before
