"""`processes`: worker processes on this machine, each replaying its shard jobs.

Workers start from a fork server that has imported memlab and litellm once
(`memlab.lab.running.executors.preload`), so a worker costs a fork, not a fresh interpreter
importing litellm; `start_fork_server` starts it early (the runner's `resolve_execution` does),
so its imports overlap the driver's own set-up. While they run, the driver's core would idle:
the first job runs on a thread of the driver instead (`driver_job`, see
`memlab.lab.running.executors.driver_thread`), which counts as one more slot until it ends.
When a worker dies, Python's pool fails every job it holds (`BrokenProcessPool`) and cannot be
used again: each of those jobs fails with `WorkerLost` (what its units committed is in their
shards and kept) and the next submit starts a new pool; the in-driver job is not in the pool
and goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver

from memlab.lab.running.executors.base import ShardFn, ShardJob, ShardReport, translate_lost
from memlab.lab.running.executors.driver_thread import DriverThread
from memlab.lab.running.executors.worker import mark_worker_start

__all__ = ["ProcessesExecutor", "start_fork_server"]

_PRELOAD = ["memlab.lab.running.executors.preload"]


def start_fork_server() -> None:
    """Start the fork server workers fork from, if it is not running; returns at once.

    The server imports memlab and litellm in its own process while the caller goes on.
    """
    multiprocessing.get_context("forkserver").set_forkserver_preload(_PRELOAD)
    forkserver.ensure_running()


class ProcessesExecutor:
    """Shard jobs on `workers` local processes (default: one per core).

    Args:
        workers: Worker processes; None for `os.cpu_count()`.
        driver_job: Run the first job on a thread of this process while the workers start
            (one more slot until it ends); False runs every job on a worker. Once per
            executor: a later run on the same executor finds its workers up.
    """

    name = "processes"

    def __init__(self, *, workers: int | None = None, driver_job: bool = True) -> None:
        self.workers = workers or os.cpu_count() or 1
        start_fork_server()
        self._context = multiprocessing.get_context("forkserver")
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        self._driver = DriverThread() if driver_job else None

    def slots(self) -> int:
        """One job per worker process, plus the in-driver job until it has ended."""
        in_driver = self._driver is not None and self._driver.open
        return self.workers + 1 if in_driver else self.workers

    def _ready_pool(self) -> ProcessPoolExecutor:
        if self._pool is None or self._broken:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=self._context, initializer=mark_worker_start
            )
            self._broken = False
        return self._pool

    def submit(self, fn: ShardFn, job: ShardJob) -> Future[ShardReport]:
        """Run `fn(job)` in a worker process (the first job: on the driver's thread)."""
        if self._driver is not None and not self._driver.taken:
            return self._driver.submit(fn, job)
        source = self._ready_pool().submit(fn, job)

        def note(finished: Future[ShardReport]) -> None:
            if isinstance(finished.exception(), BrokenProcessPool):
                self._broken = True

        source.add_done_callback(note)
        # A script without a main guard kills every worker it starts: say so where it shows.
        where = (
            "worker process (a script that replays on `processes` needs"
            ' `if __name__ == "__main__":`)'
        )
        return translate_lost(source, (BrokenProcessPool,), where=where)

    def close(self) -> None:
        """Stop the worker processes; wait for the in-driver job if it runs."""
        if self._driver is not None:
            self._driver.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
