"""The result store and the sweeps that fill it.

A store is a folder of Parquet files (one per run, each carrying its own record) indexed by a
DuckDB catalogue; see :class:`ResultStore`. :func:`sweep` runs a grid of scenario settings x
seeds into a store with any executor, and resumes when run again::

    from attachsim.store import ResultStore, sweep

    sweep("normative", {"caregiving.profile": ["sensitive", "rejecting"]}, seeds=4, n=2000,
          store="my-store", executor="processes")
    ResultStore("my-store").query(
        "SELECT p.value_text AS profile, avg(r.share_b) AS secure "
        "FROM runs r JOIN run_parameters p USING (run_id) "
        "WHERE p.key = 'caregiving.profile' GROUP BY profile")
"""

from ._store import (
    CATALOGUE,
    RUNS,
    Reconciled,
    ResultStore,
    StoreError,
    read_run_record,
    run_id_for,
    scenario_hash,
    write_run_file,
)
from ._sweep import (
    MAX_RUNS,
    GridError,
    RunSpec,
    RunTask,
    SweepProgress,
    SweepReport,
    check_key,
    load_grid,
    plan_sweep,
    run_task,
    sweep,
)

__all__ = [
    "CATALOGUE", "MAX_RUNS", "RUNS", "GridError", "Reconciled", "ResultStore", "RunSpec", "RunTask", "StoreError",
    "SweepProgress", "SweepReport", "check_key", "load_grid", "plan_sweep", "read_run_record", "run_id_for",
    "run_task", "scenario_hash", "sweep", "write_run_file",
]
