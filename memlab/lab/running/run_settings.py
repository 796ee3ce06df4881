"""How a replay runs, apart from what it measures: `[execution]` and `[budget]` tables.

Neither table is part of an experiment's id: the same grid on `local`, `processes` or `dask`,
with or without a run budget, gives the same rows and resumes from the same file.

```toml
[execution]
executor = "processes"      # local (default) | processes | dask
workers = 2                 # processes: worker processes; dask: LocalCluster workers
# scheduler = "tcp://10.0.0.5:8786"   # dask only: an existing cluster
[budget]
max_cost_usd = 5.0          # the whole run, all models, all workers
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["EXECUTORS", "BudgetSpec", "ExecutionSpec", "ExecutorName"]

ExecutorName = Literal["local", "processes", "dask"]
"""The executors a TOML file or the CLI can name."""
EXECUTORS: tuple[str, ...] = ("local", "processes", "dask")
"""Their names, in the order `--help` lists them."""


class ExecutionSpec(BaseModel):
    """Where the units of a replay run: one event loop, worker processes, or a Dask cluster."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    executor: ExecutorName = "local"
    """`local`: one asyncio loop in this process (no shards); `processes`: worker processes
    on this machine; `dask`: a Dask cluster (`scheduler`), or a `LocalCluster` when unset."""
    workers: int | None = Field(default=None, ge=1)
    """Worker processes (`processes`, or a `dask` LocalCluster); None: one per core."""
    scheduler: str | None = None
    """The address of a running Dask scheduler, e.g. `tcp://127.0.0.1:8786` (`dask` only)."""
    chunk_units: int | None = Field(default=None, ge=1)
    """Units per shard (a worker's DuckDB file); None: each chunk is half of the units left
    divided by the workers, longest units first, so chunks shrink towards the end."""
    shard_dir: str | None = None
    """Where workers write their shards (a directory every worker and the driver can reach);
    None: `<results file>.shards` beside the results file."""

    @model_validator(mode="after")
    def _fits(self) -> ExecutionSpec:
        if self.scheduler is not None and self.executor != "dask":
            raise ValueError(
                f"scheduler is for executor 'dask', not {self.executor!r}: set "
                'executor = "dask" or drop scheduler'
            )
        if self.scheduler is not None and self.workers is not None:
            raise ValueError(
                "workers starts a LocalCluster of that size; with a scheduler the cluster "
                "already has its workers: drop one of the two"
            )
        if self.scheduler is not None and "://" not in self.scheduler:
            raise ValueError(
                f"scheduler must be an address like 'tcp://127.0.0.1:8786', got {self.scheduler!r}"
            )
        if self.executor == "local" and (self.workers is not None or self.chunk_units):
            raise ValueError(
                "workers and chunk_units apply to executors 'processes' and 'dask'; executor "
                "'local' runs in this process (use concurrency for units at once)"
            )
        return self


class BudgetSpec(BaseModel):
    """Limits of one replay run, enforced by the driver between units."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_cost_usd: float | None = Field(default=None, ge=0)
    """USD this run may spend on model calls (all models, all workers; cache hits are free):
    once reached, no new unit starts, the units in flight finish, and the run stops
    resumably. None: no run budget (the per-model `max_cost_usd` still applies)."""
