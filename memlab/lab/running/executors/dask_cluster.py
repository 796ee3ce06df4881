"""`dask`: shard jobs on a Dask distributed cluster, or on a `LocalCluster` it starts.

Needs the optional extra `memlab[dask]`. Workers must reach the shard directory (a shared
filesystem on a real cluster) and have memlab installed. The scheduler moves a job whose
worker died to another worker; a job whose workers kept dying fails with `KilledWorker`,
which the driver sees as `WorkerLost`. A job's second attempt skips the units its first
attempt committed (see `memlab.lab.running.executors.worker`).
"""

from __future__ import annotations

import importlib
import logging
import os
from concurrent.futures import Future
from typing import Any

from memlab.errors import ConfigError
from memlab.lab.running.executors.base import ShardFn, ShardJob, ShardReport, translate_lost
from memlab.schema import new_id

__all__ = ["DaskExecutor"]


class DaskExecutor:
    """Shard jobs on the Dask cluster at `scheduler`, or on a new local one.

    Args:
        scheduler: A scheduler address (`tcp://host:port`); None starts a `LocalCluster` of
            `workers` single-threaded worker processes on 127.0.0.1, stopped by `close`.
        workers: The LocalCluster's size; None for one per core.
        timeout_s: How long to wait for the scheduler to answer.

    Raises:
        ConfigError: dask is not installed, or the scheduler does not answer.
    """

    name = "dask"

    def __init__(
        self, *, scheduler: str | None = None, workers: int | None = None, timeout_s: float = 30
    ) -> None:
        try:
            # Typed as Any: distributed ships no type information mypy --strict accepts.
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            raise ConfigError(
                "executor 'dask' needs Dask distributed: pip install 'memlab[dask]'"
            ) from None
        self._cluster: Any = None
        if scheduler is None:
            self._cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.WARNING,
            )
            address = self._cluster.scheduler_address
        else:
            address = scheduler
        try:
            self.client: Any = distributed.Client(address, timeout=timeout_s)
        except OSError as exc:
            self._close_cluster()
            raise ConfigError(
                f"no Dask scheduler answered at {address} within {timeout_s:.0f} s ({exc}); "
                "start one (`dask scheduler`) or leave out --scheduler to start a local cluster"
            ) from None

    def slots(self) -> int:
        """The cluster's worker threads (at least one, so jobs queue while workers join)."""
        threads: dict[str, int] = self.client.nthreads()
        return max(sum(threads.values()), 1)

    def submit(self, fn: ShardFn, job: ShardJob) -> Future[ShardReport]:
        """Run `fn(job)` on a worker (a fresh key per attempt: Dask would reuse a result)."""
        killed: type[BaseException] = importlib.import_module("distributed").KilledWorker
        source = self.client.submit(fn, job, key=f"memlab-{job.job_id}-{new_id()[:8]}", pure=False)
        return translate_lost(source, (killed,), where="Dask worker")

    def close(self) -> None:
        """Disconnect; stop the LocalCluster when this executor started it."""
        self.client.close()
        self._close_cluster()

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
