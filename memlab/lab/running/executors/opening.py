"""Build the executor an `[execution]` table names (the CLI and TOML edge)."""

from __future__ import annotations

from memlab.lab.running.executors.base import Executor
from memlab.lab.running.run_settings import ExecutionSpec

__all__ = ["open_executor"]


def open_executor(spec: ExecutionSpec) -> Executor:
    """A started executor for `spec` (`processes` or `dask`; `local` needs none).

    Raises:
        ConfigError: `spec` names `local`, or dask is missing or its scheduler does not answer.
    """
    from memlab.errors import ConfigError

    if spec.executor == "processes":
        from memlab.lab.running.executors.processes import ProcessesExecutor

        return ProcessesExecutor(workers=spec.workers)
    if spec.executor == "dask":
        from memlab.lab.running.executors.dask_cluster import DaskExecutor

        return DaskExecutor(scheduler=spec.scheduler, workers=spec.workers)
    raise ConfigError(f"executor {spec.executor!r} runs in the runner itself; it has no workers")
