"""The executor interface: where a replay's shard jobs run, behind three methods.

A shard job is a chunk of units; a worker replays them through the public unit entry point
into a DuckDB file of its own (a shard) and returns its location; the driver merges the
shard into the results file (`memlab.lab.running.executors.merge`). An executor only moves
jobs to workers and results back, so one for another engine is a page: `slots` (jobs worth
running at once), `submit` (a `concurrent.futures.Future` of the job's report; a lost worker
fails it with `WorkerLost`, which the driver answers by re-submitting the job's unfinished
units), and `close`. A Ray adapter, for instance:

```python
class RayExecutor:
    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        ray.init(address=address)

    def slots(self) -> int:
        return int(ray.cluster_resources().get("CPU", 1))

    def submit(self, fn, job):
        future = ray.remote(max_retries=0)(fn).remote(job).future()
        return translate_lost(future, (ray.exceptions.WorkerCrashedError,))

    def close(self) -> None:
        ray.shutdown()
```
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from memlab.errors import MemlabError
from memlab.lab.running.experiment import Experiment

__all__ = [
    "Executor",
    "ShardFn",
    "ShardJob",
    "ShardReport",
    "ShardTimings",
    "WorkerLost",
    "translate_lost",
]


class WorkerLost(MemlabError):
    """The worker running a shard job died (killed, out of memory, its machine gone)."""


@dataclass(frozen=True)
class ShardJob:
    """A chunk of units for one worker, and what it needs to replay them alone."""

    job_id: str
    """Unique per job and run; the shard files of its attempts start with it."""
    experiment: Experiment
    """The experiment (its dataset path absolute, so any working directory reads it)."""
    experiment_id: str
    """The experiment's id, as the driver computed it."""
    unit_ids: tuple[str, ...]
    """The units to replay, in order."""
    shard_dir: str
    """Where the shard is written (the driver reads it from there)."""
    cache_snapshot: str | None
    """A Parquet copy of the results file's response cache taken when the run started."""
    budget_left: float | None
    """USD the run may still spend when the job was submitted (None: no run budget)."""
    concurrency: int
    """Units (and model calls per model) at once inside the worker."""
    cache_from: str | None = None
    """Another cache to answer from (`replay(cache_from=...)`), or None."""


@dataclass(frozen=True)
class ShardTimings:
    """Where a worker's time went on one job: what a speed-up is lost to, per job.

    Times are epoch seconds of the worker's clock; durations are wall seconds unless named CPU.
    """

    worker_started_at: float
    """When the worker process started (its first job's start when the engine does not say)."""
    started_at: float
    """When the job started in the worker."""
    ended_at: float
    """When the job's shard was closed and its report was ready."""
    open_s: float
    """Making the shard: dataset and plans, the file and its tables, the models and cache."""
    units_s: float
    """Replaying and committing the units."""
    close_s: float
    """Closing the shard (DuckDB's checkpoint writes it out)."""
    cpu_s: float
    """CPU seconds of the worker process during the job (all its threads)."""
    boot_cpu_s: float
    """CPU seconds of the worker process before its first job (start-up and imports)."""
    in_driver: bool = False
    """The job ran on a thread of the driver process (`processes`' in-driver job): no worker
    booted for it, so `worker_started_at` is the job's start and `boot_cpu_s` 0, and `cpu_s`
    is the whole driver's CPU during the job (its merges and bookkeeping too)."""


@dataclass(frozen=True)
class ShardReport:
    """What a worker returns: where its shard is and which units it committed there."""

    job_id: str
    shard_path: str
    unit_ids: tuple[str, ...]
    """Units committed in this job's shards (this attempt's and dead attempts')."""
    worker: str
    """Host and process id of the worker."""
    timings: ShardTimings | None = None
    """Where the worker's time went (None from a worker that does not measure)."""


ShardFn = Callable[[ShardJob], ShardReport]
"""The function a worker runs (`memlab.lab.running.executors.worker.run_shard`)."""


class Executor(Protocol):
    """Runs shard jobs somewhere and hands back their reports."""

    name: str
    """Short name for messages (`processes`, `dask`, ...)."""

    def slots(self) -> int:
        """Jobs worth running at once (the workers' total)."""
        ...

    def submit(self, fn: ShardFn, job: ShardJob) -> Future[ShardReport]:
        """Start `fn(job)` on a worker; the future fails with `WorkerLost` if the worker died."""
        ...

    def close(self) -> None:
        """Release the workers this executor started (not a cluster it only connected to)."""
        ...


def translate_lost(
    source: Any, lost: tuple[type[BaseException], ...], *, where: str = "worker"
) -> Future[ShardReport]:
    """A `concurrent.futures.Future` following `source`, with `lost` errors as `WorkerLost`.

    Args:
        source: Any future with `add_done_callback(fn(future))` and `result()` (a Dask or
            `concurrent.futures` future, or Ray's `ObjectRef.future()`).
        lost: The engine's exception types that mean a worker died.
        where: Names the engine in the `WorkerLost` message.
    """
    out: Future[ShardReport] = Future()
    out.set_running_or_notify_cancel()

    def done(finished: Any) -> None:
        try:
            out.set_result(finished.result())
        except lost as exc:
            out.set_exception(WorkerLost(f"a {where} died while running a shard job: {exc}"))
        except BaseException as exc:  # the job's own error, re-raised by the driver
            out.set_exception(exc)

    out.source = source  # type: ignore[attr-defined]  # some engines cancel an unreferenced task
    source.add_done_callback(done)
    return out
