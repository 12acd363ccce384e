"""The result store: one Parquet file per run plus a DuckDB catalogue that can always be rebuilt.

Layout of a store folder::

    STORE/
      catalogue.duckdb        runs, run_parameters and scenarios tables (written by one process)
      runs/<run_id>.parquet   the people table of one run; its footer carries the run's record
      .lock                   held by the process that coordinates a sweep

Each Parquet file is self-describing: its key-value metadata ``attachsim.run`` holds the
run's record (scenario, parameter point, seed, summary), so the catalogue is an index that
can be rebuilt from the files at any time. A file gets its final name only when it is
complete (written under a temporary name in the same folder, fsynced, then renamed), so a
file named ``<run_id>.parquet`` is a finished run; the catalogue is updated after that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import UserError
from ..io import fsync_dir as _fsync_dir

CATALOGUE = "catalogue.duckdb"
RUNS = "runs"
LOCK = ".lock"
META_KEY = b"attachsim.run"
#: Version of the record kept in each file's footer.
RECORD_FORMAT = 1
_TMP_SUFFIX = ".tmp"
_STALE_TMP_S = 24 * 3600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    scenario VARCHAR,
    scenario_hash VARCHAR,
    point JSON,
    seed BIGINT,
    n BIGINT,
    years DOUBLE,
    status VARCHAR,
    path VARCHAR,
    bytes BIGINT,
    rows BIGINT,
    created TIMESTAMP,
    elapsed_s DOUBLE,
    n_assessed BIGINT,
    share_a DOUBLE,
    share_b DOUBLE,
    share_c DOUBLE,
    share_d DOUBLE,
    sensitivity_security_r DOUBLE,
    summary JSON,
    error VARCHAR,
    attachsim_version VARCHAR
);
CREATE TABLE IF NOT EXISTS run_parameters (
    run_id VARCHAR,
    key VARCHAR,
    value JSON,
    value_num DOUBLE,
    value_text VARCHAR
);
CREATE TABLE IF NOT EXISTS scenarios (
    scenario_hash VARCHAR PRIMARY KEY,
    name VARCHAR,
    resolved JSON
);
"""
_RUN_COLUMNS = ("run_id", "scenario", "scenario_hash", "point", "seed", "n", "years", "status", "path", "bytes",
                "rows", "created", "elapsed_s", "n_assessed", "share_a", "share_b", "share_c", "share_d",
                "sensitivity_security_r", "summary", "error", "attachsim_version")


class StoreError(UserError, RuntimeError):
    """A store that cannot be used as asked (locked by another sweep, not a store folder, ...)."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the text hashed into ids."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def scenario_hash(resolved: dict[str, Any]) -> str:
    """Hash of a fully resolved scenario (every default filled in)."""
    return hashlib.sha256(canonical_json(resolved).encode()).hexdigest()[:20]


def run_id_for(resolved: dict[str, Any], point: dict[str, Any], seed: int) -> str:
    """The id of a run: a hash of the resolved scenario, the parameter point and the seed.

    The point is already part of the resolved scenario; hashing the resolved scenario (not
    the grid) means the same run is found again from any grid that reaches it.
    """
    del point  # contained in ``resolved``; kept in the signature to say what identifies a run
    text = canonical_json({"scenario": resolved, "seed": int(seed)})
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None and numpy scalars by Python ones."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_run_file(root: str | Path, run_id: str, people: pd.DataFrame, record: dict[str, Any]) -> Path:
    """Write one run's people table atomically to ``root/runs/<run_id>.parquet``; return the path.

    Safe to call from worker processes (it touches no catalogue). The file is written under a
    temporary name in the same folder, read back to check its footer, fsynced and renamed, so
    a process killed at any moment leaves either the complete file or no file under the final
    name. ``record`` (JSON-safe) is stored in the footer as ``attachsim.run``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(root) / RUNS
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{run_id}.parquet"
    tmp = folder / f".{run_id}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}{_TMP_SUFFIX}"
    table = pa.Table.from_pandas(people, preserve_index=False)
    if "run_id" not in table.column_names:
        table = table.add_column(0, "run_id", pa.DictionaryArray.from_arrays(
            pa.array([0] * table.num_rows, type=pa.int32()), pa.array([run_id])))
    metadata = dict(table.schema.metadata or {})
    metadata[META_KEY] = canonical_json({**record, "format": RECORD_FORMAT, "run_id": run_id}).encode()
    table = table.replace_schema_metadata(metadata)
    try:
        with open(tmp, "wb") as fh:
            _lock_file(fh, wait=True)  # held until renamed: a lockable temp file is a dead writer's leftover
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
            written = pq.read_metadata(tmp)
            if written.num_rows != table.num_rows:
                raise OSError(f"{tmp}: wrote {written.num_rows} rows, expected {table.num_rows}")
            os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)
    return final


def _lock_file(fh: Any, wait: bool) -> bool:
    """Take an exclusive flock on an open file; False if ``wait`` is off and another process holds it."""
    import fcntl

    try:
        fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def read_run_record(path: str | Path) -> dict[str, Any]:
    """The record in a run file's footer; raises ``ValueError`` if the file is not a complete run file."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) on a bad footer
        raise ValueError(f"{path}: not a complete Parquet file ({exc})") from None
    kv = meta.metadata or {}
    if META_KEY not in kv:
        raise ValueError(f"{path}: no attachsim run record in the file's metadata")
    record: dict[str, Any] = json.loads(kv[META_KEY])
    if record.get("run_id") != Path(path).stem:
        raise ValueError(f"{path}: the record's run id {record.get('run_id')!r} does not match the file name")
    record["rows"] = meta.num_rows
    return record


@dataclass
class Reconciled:
    """What opening a store found and repaired."""

    temp_files_removed: int = 0
    files_catalogued: int = 0
    entries_dropped: int = 0
    files_quarantined: int = 0
    catalogue_rebuilt: bool = False


class ResultStore:
    """A result store folder: Parquet files per run and a DuckDB catalogue.

    Only one process should write the catalogue: the one that coordinates a sweep
    (:meth:`locked` holds an exclusive lock for that). Workers write run files with
    :func:`write_run_file` and hand their records back; the coordinator calls :meth:`record`.
    Readers use :meth:`runs`, :meth:`people` and :meth:`query`.
    """

    def __init__(self, root: str | Path, create: bool = True) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"The store {self.root} exists and is not a folder.")
        if not self.root.exists():
            if not create:
                raise StoreError(f"No result store at {self.root}.")
            self.root.mkdir(parents=True)
        elif create and any(self.root.iterdir()) and not (self.root / RUNS).is_dir() \
                and not (self.root / CATALOGUE).exists():
            raise StoreError(f"The folder {self.root} is not empty and is not a result store "
                             f"(no {RUNS}/ or {CATALOGUE}); choose an empty or new folder.")
        if create:
            (self.root / RUNS).mkdir(exist_ok=True)
        self._lock_fh: Any = None

    # --- locking -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[ResultStore]:
        """Hold the store's writer lock (released by the OS if this process dies)."""
        import fcntl

        fh = open(self.root / LOCK, "a+")  # held open for the whole context: the flock lives with it
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise StoreError(f"The store {self.root} is in use by another sweep ({holder}); wait for it to "
                             "finish or use another --store folder.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        self._lock_fh = fh
        try:
            yield self
        finally:
            self._lock_fh = None
            fh.close()  # closing releases the flock

    # --- catalogue -----------------------------------------------------------------------------
    def _connect(self, read_only: bool = False, attempts: int = 50) -> Any:
        """A DuckDB connection to the catalogue, retried while another process holds it."""
        import duckdb

        path = self.root / CATALOGUE
        for attempt in range(attempts):
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                if not read_only:
                    con.execute(_SCHEMA)
                return con
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if attempt == attempts - 1:
                    raise StoreError(f"The catalogue {path} is held open by another process (DuckDB allows one "
                                     "writer); close it there and try again.") from None
                time.sleep(0.1 + 0.02 * attempt)
        raise AssertionError("unreachable")

    def record(self, records: Iterable[dict[str, Any]]) -> None:
        """Insert or replace run records in the catalogue (coordinating process only)."""
        rows = list(records)
        if not rows:
            return
        con = self._connect()
        try:
            con.execute("BEGIN TRANSACTION")
            for rec in rows:
                self._insert(con, rec)
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    @staticmethod
    def _insert(con: Any, rec: dict[str, Any]) -> None:
        summary = rec.get("summary") or {}
        shares = summary.get("shares", {})
        r = (summary.get("sensitivity_security_r") or {}).get("r")
        resolved = rec.get("resolved")
        row = {
            "run_id": rec["run_id"], "scenario": rec.get("scenario"), "scenario_hash": rec.get("scenario_hash"),
            "point": canonical_json(rec.get("point", {})), "seed": rec.get("seed"), "n": rec.get("n"),
            "years": rec.get("years"), "status": rec.get("status", "done"), "path": rec.get("path"),
            "bytes": rec.get("bytes"), "rows": rec.get("rows"),
            "created": rec.get("created") or dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "elapsed_s": rec.get("elapsed_s"), "n_assessed": summary.get("n"),
            "share_a": shares.get("A", {}).get("share"), "share_b": shares.get("B", {}).get("share"),
            "share_c": shares.get("C", {}).get("share"), "share_d": shares.get("D", {}).get("share"),
            "sensitivity_security_r": r, "summary": canonical_json(json_safe(summary)) if summary else None,
            "error": rec.get("error"), "attachsim_version": rec.get("attachsim_version"),
        }
        con.execute("DELETE FROM runs WHERE run_id = ?", [row["run_id"]])
        con.execute("DELETE FROM run_parameters WHERE run_id = ?", [row["run_id"]])
        con.execute(f"INSERT INTO runs ({', '.join(_RUN_COLUMNS)}) VALUES ({', '.join('?' * len(_RUN_COLUMNS))})",
                    [json_safe(row[c]) if c != "created" else row[c] for c in _RUN_COLUMNS])
        for key, value in (rec.get("point") or {}).items():
            num = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            text = value if isinstance(value, str) else canonical_json(value)
            con.execute("INSERT INTO run_parameters VALUES (?, ?, ?, ?, ?)",
                        [row["run_id"], key, canonical_json(value), num, text])
        if resolved is not None and rec.get("scenario_hash"):
            con.execute("INSERT OR IGNORE INTO scenarios VALUES (?, ?, ?)",
                        [rec["scenario_hash"], rec.get("scenario"), canonical_json(resolved)])

    # --- opening: repair what a killed process left --------------------------------------------
    def reconcile(self) -> Reconciled:
        """Make the catalogue agree with the run files; remove stale temporary files.

        * temporary files of dead writers are deleted (they never had a final name);
        * complete run files missing from the catalogue (a coordinator killed between the
          rename and its catalogue update) are catalogued from their footers;
        * catalogue entries whose file is gone or differs in size are dropped (the run will be
          recomputed); files that fail validation are moved to ``runs/quarantine/``, never deleted;
        * a catalogue that cannot be opened is set aside and rebuilt from the files.

        Call it from the coordinating process (holding :meth:`locked`).
        """
        import duckdb

        report = Reconciled()
        runs = self.root / RUNS
        runs.mkdir(exist_ok=True)
        report.temp_files_removed = self._remove_stale_temps(runs)
        try:
            con = self._connect()
        except duckdb.Error:
            broken = self.root / f"{CATALOGUE}.broken-{int(time.time())}"
            os.replace(self.root / CATALOGUE, broken)
            wal = self.root / f"{CATALOGUE}.wal"
            if wal.exists():
                os.replace(wal, broken.with_name(broken.name + ".wal"))
            con = self._connect()
            report.catalogue_rebuilt = True
        try:
            catalogued = {rid: (status, size) for rid, status, size in
                          con.execute("SELECT run_id, status, bytes FROM runs").fetchall()}
        finally:
            con.close()
        files = {p.stem: p for p in runs.glob("*.parquet")}
        add: list[dict[str, Any]] = []
        drop: list[str] = []
        for rid, path in files.items():
            status, size = catalogued.get(rid, (None, None))
            if status == "done" and size == path.stat().st_size:
                continue
            try:
                rec = read_run_record(path)
            except ValueError:
                self._quarantine(path)
                report.files_quarantined += 1
                if rid in catalogued:
                    drop.append(rid)
                continue
            stat = path.stat()
            add.append({**rec, "status": "done", "path": f"{RUNS}/{path.name}", "bytes": stat.st_size,
                        "created": dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(tzinfo=None)})
        for rid, (status, _) in catalogued.items():
            if status == "done" and rid not in files:
                drop.append(rid)
        if add:
            self.record(add)
            report.files_catalogued = len(add)
        if drop:
            con = self._connect()
            try:
                con.execute("BEGIN TRANSACTION")
                for rid in drop:
                    con.execute("DELETE FROM runs WHERE run_id = ?", [rid])
                    con.execute("DELETE FROM run_parameters WHERE run_id = ?", [rid])
                con.execute("COMMIT")
            finally:
                con.close()
            report.entries_dropped = len(drop)
        return report

    @staticmethod
    def _remove_stale_temps(runs: Path) -> int:
        """Delete temporary files whose writer has died (its lock on the file is gone) or that are a day old."""
        removed = 0
        for tmp in runs.glob(f".*{_TMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                with open(tmp, "rb") as fh:
                    stale = _lock_file(fh, wait=False) or time.time() - tmp.stat().st_mtime > _STALE_TMP_S
                    if stale:
                        tmp.unlink()
                        removed += 1
        return removed

    def _quarantine(self, path: Path) -> None:
        folder = path.parent / "quarantine"
        folder.mkdir(exist_ok=True)
        os.replace(path, folder / f"{path.name}.{int(time.time())}")

    # --- reading -------------------------------------------------------------------------------
    def present_ids(self) -> set[str]:
        """Ids of runs that are finished: catalogued as done and their file in place with the recorded size."""
        if not (self.root / CATALOGUE).exists():
            return set()
        con = self._connect(read_only=True)
        try:
            rows = con.execute("SELECT run_id, path, bytes FROM runs WHERE status = 'done'").fetchall()
        finally:
            con.close()
        present = set()
        for rid, path, size in rows:
            f = self.root / path
            with contextlib.suppress(OSError):
                if f.stat().st_size == size:
                    present.add(rid)
        return present

    def runs(self, status: str | None = "done") -> pd.DataFrame:
        """The catalogue's runs, one row each, with one extra column per parameter-point key."""
        if not (self.root / CATALOGUE).exists():
            return pd.DataFrame(columns=list(_RUN_COLUMNS))
        con = self._connect(read_only=True)
        try:
            where = "WHERE status = ?" if status is not None else ""
            df: pd.DataFrame = con.execute(f"SELECT * FROM runs {where} ORDER BY scenario, point, seed",
                                           [status] if status is not None else []).df()
        finally:
            con.close()
        points = [json.loads(p) if isinstance(p, str) else {} for p in df["point"]]
        keys = list(dict.fromkeys(k for p in points for k in p))
        for key in keys:
            df[key] = [p.get(key) for p in points]
        return df.reset_index(drop=True)

    def people(self, run_id: str) -> pd.DataFrame:
        """The people table of one stored run."""
        path = self.root / RUNS / f"{run_id}.parquet"
        if not path.exists():
            raise KeyError(f"No run '{run_id}' in the store {self.root}.")
        return pd.read_parquet(path)

    def query(self, sql: str) -> pd.DataFrame:
        """Run DuckDB SQL over the views ``runs``, ``run_parameters``, ``scenarios`` and ``people``.

        ``people`` is every stored run's people table (with a ``run_id`` column), read from the
        Parquet files; join it to ``runs`` on ``run_id``.
        """
        import duckdb

        con = duckdb.connect()
        try:
            if (self.root / CATALOGUE).exists():
                path = str(self.root / CATALOGUE).replace("'", "''")
                for attempt in range(50):
                    try:
                        con.execute(f"ATTACH '{path}' AS cat (READ_ONLY)")
                        break
                    except duckdb.IOException:
                        if attempt == 49:
                            raise StoreError(f"The catalogue {path} is held open for writing by another "
                                             "process; try again when it is closed.") from None
                        time.sleep(0.1)
                for table in ("runs", "run_parameters", "scenarios"):
                    con.execute(f"CREATE VIEW {table} AS SELECT * FROM cat.{table}")
            if any((self.root / RUNS).glob("*.parquet")):
                pattern = str(self.root / RUNS / "*.parquet").replace("'", "''")
                con.execute(f"CREATE VIEW people AS SELECT * FROM read_parquet('{pattern}', union_by_name = true)")
            out: pd.DataFrame = con.execute(sql).df()
            return out
        finally:
            con.close()

    def verify(self) -> list[str]:
        """Problems found by reading every run file's footer and comparing it with the catalogue."""
        problems = []
        catalogue = self.runs()
        files = {p.stem: p for p in (self.root / RUNS).glob("*.parquet")}
        for row in catalogue.itertuples():
            path = files.get(str(row.run_id))
            if path is None:
                problems.append(f"{row.run_id}: catalogued as done but its file is missing")
                continue
            try:
                rec = read_run_record(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if rec["rows"] != row.rows:
                problems.append(f"{row.run_id}: {rec['rows']} rows in the file, {row.rows} in the catalogue")
        for rid in set(files) - set(catalogue["run_id"]):
            problems.append(f"{rid}: file not in the catalogue")
        return problems
