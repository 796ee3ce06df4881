"""One shard job on a thread of the driver process, while the worker processes start.

A `processes` worker can start only once the fork server has imported memlab and litellm
(seconds of CPU on one core), and the driver idles meanwhile, so one core does nothing. The
`processes` executor therefore runs its first job here, through the same shard function into a
shard of its own, merged like any other: the driver's core works from the start. Shard jobs
replay through `run_sync`, memlab's background event loop, which any thread may wait on; the
driver's main thread meanwhile only submits, waits and merges.

What differs from a worker is said in the report: its `worker` ends with `(driver)`, and its
timings are marked `in_driver` (no boot; CPU is the whole driver's). The worker module's caches
are emptied after the job (`memlab.lab.running.executors.worker.release`), so a long-lived
driver keeps no dataset or cache snapshot.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from memlab.lab.running.executors.base import ShardFn, ShardJob, ShardReport
from memlab.lab.running.executors.worker import release

__all__ = ["DriverThread"]


class DriverThread:
    """Runs one shard job on a thread of this process; `open` until that job has ended."""

    def __init__(self) -> None:
        self._threads: ThreadPoolExecutor | None = None
        self._ended = threading.Event()

    @property
    def taken(self) -> bool:
        """Whether the thread has been given its job."""
        return self._threads is not None

    @property
    def open(self) -> bool:
        """Whether the thread counts as a slot: until its job has ended."""
        return not self._ended.is_set()

    def submit(self, fn: ShardFn, job: ShardJob) -> Future[ShardReport]:
        """Start `fn(job)` on the thread (once per `DriverThread`)."""
        if self._threads is not None:
            raise RuntimeError("the driver thread runs one job; submit the next to a worker")
        self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="memlab-driver-job")
        return self._threads.submit(self._run, fn, job)

    def _run(self, fn: ShardFn, job: ShardJob) -> ShardReport:
        try:
            report = fn(job)
        finally:
            release()
            # Before the future resolves: the driver, woken by it, must already count one slot
            # less, or it would queue a job behind busy workers.
            self._ended.set()
        timings = report.timings
        if timings is not None:
            timings = replace(
                timings, worker_started_at=timings.started_at, boot_cpu_s=0.0, in_driver=True
            )
        return replace(report, worker=f"{report.worker} (driver)", timings=timings)

    def close(self) -> None:
        """Wait for the job, if it runs (a thread cannot be stopped), and end the thread."""
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
        self._ended.set()
