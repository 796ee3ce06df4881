"""What a worker runs: a shard job's units, through the public unit entry point, into a shard.

The shard is a DuckDB file of the worker's own (`<job id>-<attempt>.duckdb` in the job's shard
directory) holding the store and lab tables exactly as a local replay writes them: units are
replayed and committed one transaction each by `memlab.lab.running.unit_loop.run_units`, the
same loop as `local`. Model calls are answered first from a read-only Parquet snapshot of the
results file's cache, then from the shard's own cache. An attempt reads the shards of earlier
attempts of the same job (a worker that died) and skips the units committed there, so a dead
worker loses only its unfinished units.

`run_shard` also runs on a thread of the driver process (the `processes` executor's in-driver
job, `memlab.lab.running.executors.driver_thread`): its per-process caches are filled under a
lock, hold one experiment's plans and one snapshot at a time, and `release` empties them, so a
long-lived driver (a notebook) keeps no dataset alive after its run.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.data.dataset import Dataset
from memlab.lab.running.api_keys import experiment_key, key_advice
from memlab.lab.running.budget_guard import BudgetGuard
from memlab.lab.running.executors.base import ShardJob, ShardReport, ShardTimings
from memlab.lab.running.models import ReplayModels
from memlab.lab.running.provenance import load_experiment_dataset
from memlab.lab.running.rows import UnitRow
from memlab.lab.running.tables import create_tables
from memlab.lab.running.unit import UnitPlan
from memlab.lab.running.unit_loop import run_units
from memlab.llm.sync import run_sync
from memlab.schema import new_id

__all__ = ["committed_in", "job_shards", "mark_worker_start", "release", "run_shard"]

# A worker runs many jobs of one experiment: its dataset, plans and cache snapshot are read once.
_PLANS: dict[str, tuple[Dataset, dict[str, UnitPlan]]] = {}
_SNAPSHOTS: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
# (epoch seconds the process started, CPU seconds it spent before its first job); in the
# driver process these are the driver's, and its in-driver job's report replaces them.
_BOOT: list[float] = []
# Jobs in one process run on more than one thread only in the driver; readers keep what they
# got, so emptying the caches under a running job is safe.
_LOCK = threading.Lock()


def mark_worker_start() -> None:
    """Note when this worker process started (a process pool's initializer)."""
    _BOOT[:] = [time.time()]


def job_shards(shard_dir: str | Path, job_id: str) -> list[Path]:
    """The shard files of every attempt of a job, oldest name first."""
    return sorted(Path(shard_dir).glob(f"{job_id}-*.duckdb"))


def committed_in(shard: Path) -> set[str]:
    """Units committed in a shard (empty when it cannot be read: still held, or torn)."""
    try:
        con = duckdb.connect(str(shard), read_only=True)
    except duckdb.Error:
        return set()
    try:
        return {r[0] for r in con.execute(f"SELECT unit_id FROM {UnitRow.TABLE}").fetchall()}
    except duckdb.Error:
        return set()
    finally:
        con.close()


def release() -> None:
    """Forget the cached plans and cache snapshot (they are read again by the next job)."""
    with _LOCK:
        _PLANS.clear()
        _SNAPSHOTS.clear()


def _snapshot(path: str) -> list[tuple[Any, ...]]:
    key = (path, os.stat(path).st_mtime_ns)
    with _LOCK:
        if key not in _SNAPSHOTS:
            _SNAPSHOTS.clear()
            with duckdb.connect() as con:
                _SNAPSHOTS[key] = con.execute(
                    "SELECT request_hash, response, input_tokens, output_tokens, cost_usd"
                    " FROM read_parquet(?)",
                    [path],
                ).fetchall()
        return _SNAPSHOTS[key]


def run_shard(job: ShardJob) -> ShardReport:
    """Replay the job's units into a new shard; return where it is and what it committed.

    Raises:
        BudgetExceeded: a model's own budget is spent (what committed stays in the shard).
        ModelCallError: a model failed in a way the unit could not record as an error row.
    """
    started_at, cpu_at, clock = time.time(), time.process_time(), time.perf_counter()
    with _LOCK:
        if len(_BOOT) < 2:  # this process's first job
            _BOOT[:] = [_BOOT[0] if _BOOT else started_at, cpu_at]
        boot = (_BOOT[0], _BOOT[1])
    plans_by_id = _plans(job)
    before: set[str] = set()
    for shard in job_shards(job.shard_dir, job.job_id):
        before |= committed_in(shard)
    plans = [plans_by_id[u] for u in job.unit_ids if u not in before]
    path = Path(job.shard_dir) / f"{job.job_id}-{new_id()[:8]}.duckdb"
    committed: list[str] = []
    store = DuckDbMemoryDb(path, flush_interval_s=2.0)
    try:
        models = _models(store, job)
        opened = time.perf_counter()
        run_sync(
            run_units(
                store,
                plans,
                models,
                concurrency=job.concurrency,
                on_unit=lambda result, usd: committed.append(result.unit.unit_id),
                guard=BudgetGuard(job.budget_left),
            )
        )
        replayed = time.perf_counter()
    finally:
        store.close()
    timings = ShardTimings(
        worker_started_at=boot[0],
        started_at=started_at,
        ended_at=time.time(),
        open_s=opened - clock,
        units_s=replayed - opened,
        close_s=time.perf_counter() - replayed,
        cpu_s=time.process_time() - cpu_at,
        boot_cpu_s=boot[1],
    )
    return ShardReport(
        job_id=job.job_id,
        shard_path=str(path),
        unit_ids=tuple(sorted(before | set(committed))),
        worker=f"{socket.gethostname()}:{os.getpid()}",
        timings=timings,
    )


def _models(store: DuckDbMemoryDb, job: ShardJob) -> ReplayModels:
    """The shard's tables, and the models of the job answering from the cache snapshot."""
    experiment = job.experiment
    create_tables(store)
    models = ReplayModels(
        store,
        concurrency=job.concurrency,
        max_cost_usd=experiment.max_cost_usd,
        max_tokens=experiment.max_tokens,
        api_base=experiment.api_base,
        api_key=experiment_key(experiment),
        key_advice=key_advice(experiment),
        cache_from=job.cache_from,
    )
    if job.cache_snapshot is not None:
        models.ledger.preload(_snapshot(job.cache_snapshot))
    return models


def _plans(job: ShardJob) -> dict[str, UnitPlan]:
    from memlab.lab.running.runner import plan_units  # the runner imports the executors

    with _LOCK:
        if job.experiment_id not in _PLANS:
            dataset = load_experiment_dataset(job.experiment)
            plans = plan_units(job.experiment, dataset)
            _PLANS.clear()  # one experiment at a time: a driver's caches must not pile up
            _PLANS[job.experiment_id] = (dataset, {p.unit_id: p for p in plans})
        return _PLANS[job.experiment_id][1]
