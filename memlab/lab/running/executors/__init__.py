"""Executors: where a replay's units run when one process is not enough.

`local` (the default) runs units on the runner's own event loop, straight into the results
file. `processes` and `dask` run chunks of units (shard jobs) on workers, each into a DuckDB
shard of its own that the driver merges into the results file as it arrives
(`memlab.lab.running.executors.merge`). `Executor` is the interface another engine implements.
"""

from memlab.lab.running.executors.base import Executor, ShardJob, ShardReport, WorkerLost
from memlab.lab.running.executors.dask_cluster import DaskExecutor
from memlab.lab.running.executors.opening import open_executor
from memlab.lab.running.executors.processes import ProcessesExecutor

__all__ = [
    "DaskExecutor",
    "Executor",
    "ProcessesExecutor",
    "ShardJob",
    "ShardReport",
    "WorkerLost",
    "open_executor",
]
