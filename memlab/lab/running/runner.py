"""`replay`: run an experiment over a dataset into one DuckDB file, resumably and concurrently.

The unit of work is (ingest × summary variant, conversation); see `memlab.lab.running.unit`.
Units run concurrently on an asyncio loop (at most `concurrency` at once; model calls are further
limited per model by the `LLM`). Each finished unit is committed in one transaction. Running
the same experiment again skips committed units, discards what a half-done unit left in its
namespaces and redoes it, so an interrupted run (Ctrl-C, `kill -9`, a failure) resumes with
the same command and ends with the same rows as an uninterrupted one (ids are derived, see
`memlab.lab.running.leftovers`). A unit with any error (its ingest, a probe's answer or
judge, a judge control) is redone on resume; `force=True` recomputes every unit.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from memlab.db.damage import reported
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import ConfigError

# The module, not the name: `results` reads this package's row declarations, and this import
# runs while it loads when `memlab.lab.analysis` is imported first.
from memlab.lab.analysis import results
from memlab.lab.data.dataset import Dataset
from memlab.lab.running.api_keys import experiment_key, key_advice
from memlab.lab.running.budget_guard import BudgetGuard
from memlab.lab.running.executors.dispatch import (
    merge_leftovers,
    resolve_execution,
    run_distributed,
    shard_dir_of,
)
from memlab.lab.running.experiment import Experiment, load_experiment
from memlab.lab.running.leftovers import discard_leftovers
from memlab.lab.running.models import ReplayModels
from memlab.lab.running.provenance import canonical, load_experiment_dataset, provenance
from memlab.lab.running.rows import ExperimentRow, VariantRow
from memlab.lab.running.run_settings import ExecutionSpec
from memlab.lab.running.tables import create_tables, finished_units, record_experiment
from memlab.lab.running.unit import UnitPlan, UnitResult
from memlab.lab.running.unit_loop import run_units
from memlab.llm.sync import run_sync
from memlab.schema import utcnow

if TYPE_CHECKING:
    from memlab.lab.running.executors.base import Executor
    from memlab.lab.running.executors.merge import MergedShard

__all__ = ["HealthWarning", "plan_units", "replay"]


class HealthWarning(UserWarning):
    """A unit stored nothing, or its recall came back empty for every probe."""


def plan_units(experiment: Experiment, dataset: Dataset) -> list[UnitPlan]:
    """Every unit of the experiment, ingest variant by ingest variant, in dataset order."""
    experiment_id = experiment.experiment_id()
    variants = experiment.variants()
    plans: list[UnitPlan] = []
    for iv in experiment.ingest_variants():
        recalls = [(v.variant_id, v.recall) for v in variants if v.ingest.ingest_id == iv.ingest_id]
        if not recalls:
            warnings.warn(
                f"ingest {iv.label!r} has no recall setting whose corpus it fills (e.g. recall "
                "over memories for a `messages` ingest); it is not replayed",
                stacklevel=2,
            )
            continue
        for conversation in dataset.conversations:
            plans.append(UnitPlan(experiment, experiment_id, iv, recalls, conversation))
    return plans


def _record_experiment(db: DuckDbMemoryDb, experiment: Experiment, dataset: Dataset) -> str:
    experiment_id = experiment.experiment_id()
    # How and with what budget a run ran changes no row: rows stay identical across executors.
    config = experiment.model_dump(mode="json", exclude={"dataset", "execution", "budget"})
    config["dataset"] = (
        {"name": experiment.dataset.name, "in_memory": True}
        if isinstance(experiment.dataset, Dataset)
        else experiment.dataset.model_dump()
    )
    record_experiment(
        db,
        ExperimentRow(
            experiment_id=experiment_id,
            name=experiment.name,
            config_json=canonical(config),
            provenance_json=canonical(provenance(experiment, dataset)),
            created_at=utcnow().replace(tzinfo=None),
        ),
        [
            VariantRow(
                experiment_id=experiment_id,
                variant_id=v.variant_id,
                ingest_id=v.ingest.ingest_id,
                recall_id=v.recall.recall_id,
                label=v.label,
                settings_json=canonical(v.settings),
            )
            for v in experiment.variants()
        ],
    )
    return experiment_id


class _Progress:
    def __init__(self, total_units: int, total_probes: int, quiet: bool) -> None:
        self.bar = None
        self.probes = 0
        self.total_probes = total_probes
        self.tokens = 0
        self.cost = 0.0
        if not quiet:
            from tqdm.auto import tqdm  # type: ignore[import-untyped]

            self.bar = tqdm(total=total_units, unit="unit", desc="replay")

    def on_probes(self, n: int) -> None:
        self.probes += n
        self._postfix()

    def unit_done(self, result: UnitResult, spent_usd: float = 0.0) -> None:
        if result.calls is not None:
            self.tokens += result.calls.tokens()
            self.cost += result.calls.cost_usd()
        unit = result.unit
        self._one(unit.unit_id, unit.status, unit.health, unit.error)

    def merged(self, shard: MergedShard) -> None:
        """Count the units a worker's shard brought into the results file."""
        self.tokens += shard.tokens
        self.cost += shard.cost_usd
        self.probes += sum(u.n_probes for u in shard.units)
        for unit in shard.units:
            self._one(unit.unit_id, unit.status, unit.health, unit.error)

    def _one(self, unit_id: str, status: str, health: str, error: str | None) -> None:
        if health != "ok" or status != "ok":
            message = f"unit {unit_id}: status={status} health={health}" + (
                f" ({error})" if error else ""
            )
            warnings.warn(message, HealthWarning, stacklevel=3)
            if self.bar is not None:
                self.bar.write(f"warning: {message}")
        if self.bar is not None:
            self.bar.update(1)
            self._postfix()

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix(
                probes=f"{self.probes}/{self.total_probes}",
                tokens=f"{self.tokens:,}",  # a number would switch to 1.2e+06 when large
                cost=f"${self.cost:.4f}",
                refresh=False,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def replay(
    experiment: Experiment | str | Path,
    *,
    db: str | Path | DuckDbMemoryDb = ":memory:",
    concurrency: int | None = None,
    force: bool = False,
    quiet: bool = False,
    cache_from: str | Path | None = None,
    executor: str | ExecutionSpec | Executor | None = None,
) -> results.Results:
    """Replay `experiment` into the DuckDB file `db` and return its `Results`.

    The returned `Results` holds the file open (`results.close()` when done); passing an open
    store leaves it to the caller.

    Args:
        experiment: An `Experiment`, or the path of its TOML file.
        db: The results file (created when missing), or an open store; `":memory:"` for a
            throwaway run.
        concurrency: Units (and model calls per model) at once; default the experiment's.
        force: Recompute every unit, even committed ones.
        quiet: No progress bar (health warnings are still issued as `HealthWarning`s).
        cache_from: Another file whose response cache answers the calls this file's cache
            does not (a `memlab cache export` Parquet file or a results file; only read).
        executor: Where units run: `"local"` (this process), `"processes"`, `"dask"`, an
            `ExecutionSpec` (workers, scheduler, ...), or a started `Executor`; None for the
            experiment's `[execution]`. Rows are the same on every executor.

    Raises:
        ConfigError: the experiment does not validate.
        DatasetError: the dataset cannot be read.
        BudgetExceeded: a model's budget is spent; committed units stay, run again to resume.
        RunBudgetReached: the run's `[budget] max_cost_usd` is reached; every unit started
            has committed, the rest were not started: run again to resume.
    """
    if not isinstance(experiment, Experiment):
        experiment = load_experiment(experiment)
    if concurrency is not None and concurrency < 1:
        raise ConfigError(f"concurrency must be >= 1, got {concurrency}")
    concurrency = concurrency or experiment.concurrency
    dataset = load_experiment_dataset(experiment)
    execution = resolve_execution(experiment, executor)
    # A replay writes ledger rows in bursts and commits its units itself: a longer write-behind
    # interval saves hundreds of small commits.
    store = db if isinstance(db, DuckDbMemoryDb) else DuckDbMemoryDb(db, flush_interval_s=2.0)
    shard_dir = shard_dir_of(store, execution)
    guard = BudgetGuard(experiment.budget.max_cost_usd)
    # A garbled block is found by the first read that reaches it, wherever that is.
    with reported(store.path):
        create_tables(store)
        experiment_id = _record_experiment(store, experiment, dataset)
        # Shards an interrupted distributed run left hold committed units: any executor
        # resumes from them.
        merge_leftovers(store, shard_dir)
        plans = plan_units(experiment, dataset)
        done = set() if force else finished_units(store, experiment_id)
        todo = [p for p in plans if p.unit_id not in done]
        discard_leftovers(store, todo)
        progress = _Progress(len(plans), sum(len(p.conversation.probes) for p in plans), quiet)
        if progress.bar is not None:
            progress.bar.update(len(plans) - len(todo))
        try:
            if isinstance(execution, ExecutionSpec) and execution.executor == "local":
                models = ReplayModels(
                    store,
                    concurrency=concurrency,
                    max_cost_usd=experiment.max_cost_usd,
                    max_tokens=experiment.max_tokens,
                    api_base=experiment.api_base,
                    api_key=experiment_key(experiment),
                    key_advice=key_advice(experiment),
                    cache_from=cache_from,
                )
                run_sync(
                    run_units(
                        store,
                        todo,
                        models,
                        concurrency=concurrency,
                        on_probes=progress.on_probes,
                        on_unit=progress.unit_done,
                        guard=guard,
                    )
                )
            else:
                run_distributed(
                    store,
                    experiment,
                    experiment_id,
                    todo,
                    execution,
                    shard_dir=shard_dir,
                    concurrency=concurrency,
                    cache_from=cache_from,
                    guard=guard,
                    on_merged=progress.merged,
                )
        finally:
            progress.close()
            store.flush()
    if guard.skipped:
        if not isinstance(db, DuckDbMemoryDb):
            store.close()
        guard.check()
    return results.Results(store, experiment_id)
