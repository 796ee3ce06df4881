"""A shard function that kills the worker process running it, as an out-of-memory kill does."""

from __future__ import annotations

import os
import signal

from memlab.lab.running.executors.base import ShardJob, ShardReport


def die(job: ShardJob) -> ShardReport:
    """Kill this process before doing anything of `job`."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError(f"{job.job_id}: still alive after SIGKILL")
