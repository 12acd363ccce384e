"""All file input and output of attachsim in one place: atomic writes, output folders, strict YAML.

**Atomic writes.** :func:`atomic_write` and its typed helpers (text, bytes, JSON, Parquet, CSV)
write to a temporary file in the target's folder, flush and fsync it, rename it over the
target and fsync the folder, so a reader (or a crash) sees the old file or the new one, never
half a file. On any failure the temporary file is removed.

**Output folders.** A command that writes a folder (``run --out``, ``compare --out``,
``validate --out``) calls :func:`check_output_dir` *before* any compute, then
:func:`write_output_dir`, which writes every file into a staging folder beside the target and
swaps it in at the end. A folder is written only if it is absent, empty, or a previous
attachsim output of the same kind and ``overwrite`` is set; the old files (a stale
``report.html`` included) go with the swap. Each folder carries :data:`MANIFEST`, a small JSON
file naming its kind, so a later command can recognise it.

**YAML.** :func:`load_yaml` parses with PyYAML's safe loader, rejects duplicate keys and turns
syntax errors into one line with the line and column; :func:`read_text_file` reads a small
UTF-8 file (BOM allowed) with errors for a missing file, a directory, a large or binary file.
Every error is raised as the caller's :class:`~attachsim.errors.UserError` subclass.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from .errors import OutputError, UserError

#: The manifest file that marks a folder as an attachsim output of a given kind.
MANIFEST = "attachsim-output.json"

#: Files that mark an output folder written before manifests existed, by kind.
_LEGACY_MARKERS: dict[str, tuple[str, ...]] = {
    "run": ("people.parquet", "summary.json"),
    "compare": ("effects.json",),
    "validation": ("validation.md",),
}

Writer = Callable[[Path], object]


# ---------------------------------------------------------------- atomic files

def fsync_dir(folder: str | Path) -> None:
    """Flush a folder's entries (a rename inside it) to disk; a no-op where folders cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: str | Path, write: Writer) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then fsync and rename it into place."""
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:  # on disk before the rename makes it visible
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return target


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, data: Any) -> Path:
    """Write JSON (indented, NaN allowed as in the rest of attachsim's outputs) atomically."""
    return atomic_write_text(path, json.dumps(data, indent=2, allow_nan=True, default=str) + "\n")


def atomic_write_parquet(path: str | Path, frame: Any) -> Path:
    """Write a pandas DataFrame as Parquet atomically (no index)."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def atomic_write_csv(path: str | Path, frame: Any) -> Path:
    """Write a pandas DataFrame as CSV atomically (no index)."""
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))


# ---------------------------------------------------------------- output paths

def _nearest_existing(path: Path) -> Path:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    return probe


def _check_creatable(path: Path, flag: str) -> None:
    """``path`` does not exist: its nearest existing ancestor must be a writable folder."""
    base = _nearest_existing(path.parent if path.parent != path else path)
    if not base.is_dir():
        raise OutputError(f"{flag} {path}: cannot be created because {base} is a file, not a folder.", flag=flag)
    _probe_writable(base, f"{flag} {path}: cannot be created", flag)


def _probe_writable(folder: Path, what: str, flag: str) -> None:
    """Create and remove a temporary file in ``folder`` (os.access is not enough: root, read-only mounts)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputError(f"{what}: {folder} is not writable ({exc.strerror or exc}).", flag=flag) from None


def output_kind(folder: str | Path) -> str | None:
    """The kind of attachsim output a folder holds ('run', 'compare', ...), or None if not one."""
    root = Path(folder)
    manifest = root / MANIFEST
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        kind = data.get("kind") if isinstance(data, dict) else None
        return kind if isinstance(kind, str) else None
    for kind, markers in _LEGACY_MARKERS.items():
        if all((root / m).is_file() for m in markers):
            return kind
    return None


def check_output_dir(path: str | Path, kind: str, *, overwrite: bool = False, flag: str = "--out") -> Path:
    """Check, before any compute, that ``path`` may receive a ``kind`` output; create nothing.

    Allowed: an absent folder whose nearest existing parent is writable; an empty folder; a
    previous output of the same kind when ``overwrite`` is set. Raises :class:`OutputError`.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{flag} {target}: is a file; {flag} takes a folder (absent, empty, or a previous "
                          f"'{kind}' output with --overwrite).", flag=flag)
    if not target.exists():
        _check_creatable(target, flag)
        return target
    _probe_writable(target, f"{flag} {target}", flag)
    if not any(target.iterdir()):
        return target
    found = output_kind(target)
    if found is None:
        raise OutputError(f"{flag} {target}: the folder holds files that attachsim did not write; give a new or "
                          "empty folder.", flag=flag)
    if found != kind:
        raise OutputError(f"{flag} {target}: the folder holds a '{found}' output; a '{kind}' output needs a new or "
                          "empty folder (outputs of different kinds are never mixed).", flag=flag)
    if not overwrite:
        raise OutputError(f"{flag} {target}: the folder holds a previous '{kind}' output; pass --overwrite to "
                          "replace it (its old files, a report.html included, are removed).", flag=flag)
    return target


def check_output_file(path: str | Path, *, overwrite: bool = False, flag: str = "--out",
                      suffixes: tuple[str, ...] = ()) -> Path:
    """Check, before any compute, that a single output file may be written at ``path``; create nothing."""
    target = Path(path)
    if suffixes and target.suffix.lower() not in suffixes:
        raise OutputError(f"{flag} {target}: the file name must end in {' or '.join(suffixes)}.", flag=flag)
    if target.is_dir():
        raise OutputError(f"{flag} {target}: is a folder; {flag} takes a file name.", flag=flag)
    if target.exists():
        if not overwrite:
            raise OutputError(f"{flag} {target}: the file exists; pass --overwrite to replace it.", flag=flag)
        _probe_writable(target.parent, f"{flag} {target}", flag)
        return target
    _check_creatable(target, flag)
    return target


def write_output_file(path: str | Path, write: Writer, *, overwrite: bool = False, flag: str = "--out") -> Path:
    """Check, create the parent folders and write one output file atomically."""
    target = check_output_file(path, overwrite=overwrite, flag=flag)
    target.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(target, write)


def write_output_dir(path: str | Path, kind: str, files: Mapping[str, Writer], *, overwrite: bool = False,
                     flag: str = "--out", extra: Mapping[str, Any] | None = None) -> list[Path]:
    """Write a ``kind`` output folder: all files in a staging folder, then swapped in whole.

    ``files`` maps relative names (``"arm/people.parquet"`` allowed) to writers. The check of
    :func:`check_output_dir` is repeated first. On failure nothing is left behind and a previous
    output stays as it was.
    """
    target = check_output_dir(path, kind, overwrite=overwrite, flag=flag)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name or 'out'}.", suffix=".staging", dir=target.parent))
    try:
        for name, write in files.items():
            dest = stage / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            write(dest)
            with open(dest, "rb") as fh:
                os.fsync(fh.fileno())
        from ._version import __version__

        manifest = {"kind": kind, "attachsim": __version__, "written_utc": utc_now(), "files": sorted(files),
                    **(extra or {})}
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        for folder in sorted({p for p in stage.rglob("*") if p.is_dir()} | {stage}):
            os.chmod(folder, 0o755)
        _swap_in(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    fsync_dir(target.parent)
    return [target / name for name in files]


def _swap_in(stage: Path, target: Path) -> None:
    """Replace ``target`` (absent, empty, or an old output) by ``stage`` with renames."""
    if not target.exists():
        os.replace(stage, target)
        return
    aside = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.old"
    try:
        os.replace(target, aside)
    except OSError:  # e.g. the folder is a mount point or the working directory: move its entries instead
        for entry in list(target.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in stage.iterdir():
            os.replace(entry, target / entry.name)
        stage.rmdir()
        return
    try:
        os.replace(stage, target)
    except BaseException:
        os.replace(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def utc_now() -> str:
    """The current time in UTC as ISO 8601 with seconds (e.g. ``2026-11-30T07:05:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- YAML

class _DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            try:
                dup = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if dup:
                raise _DuplicateKeyError(
                    None, None, f"the key '{key}' is given twice (first at line {seen[key].line + 1}); "
                                "each key may appear once", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,  # type: ignore[no-untyped-call]
                              _StrictLoader.construct_mapping)


def load_yaml(text: str, origin: str, error: type[UserError] = UserError) -> Any:
    """Parse YAML text strictly (safe loader, no duplicate keys); errors name the line and column."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{origin}: not valid YAML{where}: {problem}.") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. a timestamp out of range
        raise error(f"{origin}: not valid YAML: {exc}.") from None


def read_text_file(path: str | Path, origin: str, what: str, error: type[UserError] = UserError,
                   max_bytes: int = 1_000_000) -> str:
    """Read a small UTF-8 text file (a leading BOM is dropped); ``what`` names it in errors ('a scenario file')."""
    p = Path(path)
    if p.is_dir():
        raise error(f"{origin}: is a directory, not {what}.")
    if not p.exists():
        noun = what.removeprefix("a ").removeprefix("an ")
        raise error(f"{origin}: no such {noun}.")
    if not p.is_file():
        raise error(f"{origin}: not a regular file; give {what}.")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise error(f"{origin}: the file is {size:,} bytes; {what} may be at most {max_bytes:,} bytes.")
        data = p.read_bytes()
    except PermissionError:
        raise error(f"{origin}: cannot be read (permission denied).") from None
    except OSError as exc:
        raise error(f"{origin}: cannot be read ({exc.strerror or exc}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{origin}: not a text file ({what} is UTF-8 YAML).") from None


__all__ = [
    "MANIFEST", "atomic_write", "atomic_write_bytes", "atomic_write_csv", "atomic_write_json", "atomic_write_parquet",
    "atomic_write_text", "check_output_dir", "check_output_file", "fsync_dir", "load_yaml", "output_kind",
    "read_text_file", "utc_now", "write_output_dir", "write_output_file",
]
