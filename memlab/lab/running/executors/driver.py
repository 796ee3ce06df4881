"""The driver of a distributed replay: chunk units into shard jobs, submit, merge, re-submit.

The driver holds the results file; workers never open it. It writes a Parquet snapshot of the
file's response cache for the workers, keeps at most `executor.slots()` jobs in flight (asked
at every fill: an executor's slots may change, as `processes`' do when its in-driver job ends),
merges each job's shards as the job ends (so progress, resume and the report see units as
they finish), re-submits the unfinished units of a job whose worker died, and starts no job
once the run budget is reached. Everything committed stays whatever stops the run.

Units are dealt out longest first, in chunks cut when a worker frees up, each a share of what
is left (guided self-scheduling): early chunks are large (few shards to make and merge), the
last ones a unit or two, so no worker idles long at the end while another finishes a big
chunk. A finished job's worker gets its next job before the driver merges the shard.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, replace
from pathlib import Path

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.budget_guard import BudgetGuard
from memlab.lab.running.executors.base import Executor, ShardJob, ShardReport, WorkerLost
from memlab.lab.running.executors.merge import MergedShard, merge_shard
from memlab.lab.running.executors.worker import job_shards, run_shard
from memlab.lab.running.experiment import Experiment
from memlab.lab.running.tables import lab_cursor
from memlab.lab.running.unit import UnitPlan
from memlab.schema import new_id

__all__ = ["MAX_ATTEMPTS", "DriverRun", "run_on_executor"]

MAX_ATTEMPTS = 4
"""Attempts of one job before its worker losses stop the run (a job that kills workers)."""


@dataclass(frozen=True)
class DriverRun:
    """A distributed run's settings (everything but the units and the executor)."""

    experiment: Experiment
    experiment_id: str
    shard_dir: Path
    concurrency: int
    chunk_units: int | None = None
    cache_from: str | None = None


def _snapshot_cache(db: DuckDbMemoryDb, shard_dir: Path, tag: str) -> str | None:
    path = shard_dir / f"cache-{tag}.parquet"
    cur = lab_cursor(db)
    if cur.execute("SELECT count(*) FROM llm_cache").fetchone() == (0,):
        return None
    cur.execute(
        "COPY (SELECT request_hash, response, input_tokens, output_tokens, cost_usd"
        f" FROM llm_cache) TO '{path}' (FORMAT parquet)"
    )
    return str(path)


def _work(plan: UnitPlan) -> tuple[int, int]:
    # Extraction reads every turn; recall runs once per probe and grid cell.
    conversation = plan.conversation
    return conversation.turn_count(), len(conversation.probes) * len(plan.recalls)


class _Chunks:
    """Unit ids, longest first, cut into chunks as workers free up (see the module doc)."""

    def __init__(self, plans: Sequence[UnitPlan], *, fixed: int | None) -> None:
        ordered = sorted(plans, key=_work, reverse=True)  # stable: ties keep plan order
        self._ids = deque(p.unit_id for p in ordered)
        self._fixed = fixed

    def __len__(self) -> int:
        return len(self._ids)

    def take(self, *, slots: int) -> tuple[str, ...]:
        """The next chunk for one of `slots` (empty when every unit was dealt)."""
        size = self._fixed or max(1, math.ceil(len(self._ids) / (2 * slots)))
        return tuple(self._ids.popleft() for _ in range(min(size, len(self._ids))))

    def clear(self) -> int:
        """Deal no more units; how many were left."""
        left = len(self._ids)
        self._ids.clear()
        return left


def run_on_executor(
    db: DuckDbMemoryDb,
    plans: Sequence[UnitPlan],
    executor: Executor,
    settings: DriverRun,
    *,
    guard: BudgetGuard,
    on_merged: Callable[[MergedShard], None],
) -> None:
    """Replay `plans` on `executor`'s workers, merging each job's shards into `db`.

    Raises:
        WorkerLost: one job's workers died `MAX_ATTEMPTS` times.
        MemlabError: a job failed (a spent model budget, a failing model); what the other
            jobs committed is merged first.
    """
    if not plans:
        return
    run_tag = new_id()[:6]
    settings.shard_dir.mkdir(parents=True, exist_ok=True)
    snapshot = _snapshot_cache(db, settings.shard_dir, run_tag)
    base = ShardJob(
        job_id="",
        experiment=settings.experiment,
        experiment_id=settings.experiment_id,
        unit_ids=(),
        shard_dir=str(settings.shard_dir),
        cache_snapshot=snapshot,
        budget_left=None,
        concurrency=settings.concurrency,
        cache_from=settings.cache_from,
    )
    chunks = _Chunks(plans, fixed=settings.chunk_units)
    pending: dict[Future[ShardReport], tuple[ShardJob, int]] = {}
    failure: BaseException | None = None
    jobs = 0

    def fill() -> None:
        nonlocal jobs
        while chunks and failure is None:
            slots = max(executor.slots(), 1)
            if len(pending) >= slots:
                return
            if guard.reached():
                guard.skipped += chunks.clear()
                return
            job = replace(
                base,
                job_id=f"{run_tag}-{jobs:04d}",
                unit_ids=chunks.take(slots=slots),
                budget_left=guard.left(),
            )
            jobs += 1
            pending[executor.submit(run_shard, job)] = (job, 1)

    def merge_job(job: ShardJob) -> set[str]:
        done: set[str] = set()
        for shard in job_shards(settings.shard_dir, job.job_id):
            merged = merge_shard(db, shard)
            if merged is not None:
                guard.add(merged.spent_usd)
                done |= {u.unit_id for u in merged.units}
                on_merged(merged)
        return done

    try:
        while True:
            fill()
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            ended = [(future, *pending.pop(future)) for future in finished]
            if not guard.limited and all(f.exception() is None for f in finished):
                fill()  # the freed worker starts its next job while the driver merges
            for future, job, attempt in ended:
                done = merge_job(job)
                error = future.exception()
                left = tuple(u for u in job.unit_ids if u not in done)
                if error is None:
                    guard.skipped += len(left)  # refused by the worker's share of the budget
                elif isinstance(error, WorkerLost) and attempt < MAX_ATTEMPTS and left:
                    retry = replace(job, unit_ids=left, budget_left=guard.left())
                    pending[executor.submit(run_shard, retry)] = (retry, attempt + 1)
                elif failure is None:
                    failure = error
                    chunks.clear()
    finally:
        for future in pending:
            future.cancel()
        if snapshot is not None:
            Path(snapshot).unlink(missing_ok=True)
    if failure is not None:
        raise failure
