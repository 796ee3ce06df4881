"""From `replay(..., executor=...)` to a running executor: the runner's distributed path.

Resolves what `replay` was given (a name, an `ExecutionSpec`, an `Executor`) against the
experiment's `[execution]`, places the shard directory, merges what an interrupted run left
there, and runs the units on the executor through the driver.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.lab.data.dataset import Dataset
from memlab.lab.running.budget_guard import BudgetGuard
from memlab.lab.running.executors.base import Executor
from memlab.lab.running.executors.merge import MergedShard, merge_shard, shard_files
from memlab.lab.running.experiment import Experiment
from memlab.lab.running.run_settings import EXECUTORS, ExecutionSpec
from memlab.lab.running.unit import UnitPlan

__all__ = ["merge_leftovers", "resolve_execution", "run_distributed", "shard_dir_of"]


def resolve_execution(
    experiment: Experiment, executor: str | ExecutionSpec | Executor | None
) -> ExecutionSpec | Executor:
    """What runs the units: `executor` when given, else the experiment's `[execution]`.

    For `processes`, this also starts the fork server its workers will fork from, so that its
    imports (memlab, litellm: seconds of CPU) overlap the caller's set-up instead of
    delaying the first unit.

    Raises:
        ConfigError: `executor` names no known executor.
    """
    if executor is None:
        resolved: ExecutionSpec | Executor = experiment.execution
    elif isinstance(executor, str):
        if executor not in EXECUTORS:
            raise ConfigError(
                f"unknown executor {executor!r}; known: {', '.join(EXECUTORS)} (or pass an "
                "Executor object)"
            )
        resolved = ExecutionSpec.model_validate({"executor": executor})
    else:
        resolved = executor
    if isinstance(resolved, ExecutionSpec) and resolved.executor == "processes":
        from memlab.lab.running.executors.processes import start_fork_server

        start_fork_server()
    return resolved


def shard_dir_of(store: DuckDbMemoryDb, execution: ExecutionSpec | Executor) -> Path:
    """Where shards go: the `[execution]` setting, else beside the results file."""
    if isinstance(execution, ExecutionSpec) and execution.shard_dir is not None:
        return Path(execution.shard_dir)
    path = str(store.path)
    if path == ":memory:" or not path:
        return Path(tempfile.gettempdir()) / f"memlab-shards-{id(store):x}"
    return Path(f"{path}.shards")


def merge_leftovers(store: DuckDbMemoryDb, shard_dir: Path) -> None:
    """Merge the shards an interrupted run left (any executor resumes from them)."""
    for shard in shard_files(shard_dir):
        merge_shard(store, shard)


def run_distributed(
    store: DuckDbMemoryDb,
    experiment: Experiment,
    experiment_id: str,
    todo: list[UnitPlan],
    execution: ExecutionSpec | Executor,
    *,
    shard_dir: Path,
    concurrency: int,
    cache_from: str | Path | None,
    guard: BudgetGuard,
    on_merged: Callable[[MergedShard], None],
) -> None:
    """Replay `todo` on the executor `execution` names (or is), merging into `store`.

    An executor built here from an `ExecutionSpec` is closed here; one passed in is the
    caller's. An emptied shard directory is removed.
    """
    from memlab.lab.running.executors.driver import DriverRun, run_on_executor
    from memlab.lab.running.executors.opening import open_executor

    if not todo:
        return
    spec = execution if isinstance(execution, ExecutionSpec) else None
    executor = open_executor(spec) if spec is not None else execution
    assert not isinstance(executor, ExecutionSpec)
    settings = DriverRun(
        experiment=_portable(experiment),
        experiment_id=experiment_id,
        shard_dir=shard_dir,
        concurrency=concurrency,
        chunk_units=spec.chunk_units if spec is not None else None,
        cache_from=str(Path(cache_from).resolve()) if cache_from is not None else None,
    )
    try:
        run_on_executor(store, todo, executor, settings, guard=guard, on_merged=on_merged)
    finally:
        if spec is not None:  # an executor passed in is the caller's to close
            executor.close()
        if shard_dir.is_dir() and not any(shard_dir.iterdir()):
            shard_dir.rmdir()


def _portable(experiment: Experiment) -> Experiment:
    """The experiment with its dataset path absolute, for workers in other directories."""
    ref = experiment.dataset
    if isinstance(ref, Dataset) or Path(ref.path).is_absolute():
        return experiment
    return experiment.model_copy(
        update={"dataset": ref.model_copy(update={"path": str(Path(ref.path).resolve())})}
    )
