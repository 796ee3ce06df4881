"""`dask`: a real scheduler and two workers on 127.0.0.1; one is killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import DaskCluster
from grid import small_grid
from replay_fixtures import tiny_dataset
from shard_rows import assert_same_rows, table_rows

from memlab.errors import ConfigError
from memlab.lab.running.executors import DaskExecutor
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.run_settings import ExecutionSpec
from memlab.lab.running.runner import replay

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


@pytest.mark.slow
def test_a_killed_dask_worker_loses_only_its_unfinished_units(
    tmp_path: Path, dask_cluster: DaskCluster, local_rows: dict[str, list[dict[str, Any]]]
) -> None:
    path = tmp_path / "dask.duckdb"
    shards = tmp_path / "dask.duckdb.shards"
    # Two jobs of two units, one per worker: both are running once a shard file exists.
    spec = ExecutionSpec(executor="dask", scheduler=dask_cluster.address, chunk_units=2)
    victim = dask_cluster.workers[0]
    killed_while_running: list[bool] = []
    finished = threading.Event()

    def kill_mid_job() -> None:
        deadline = time.monotonic() + 240
        while not list(shards.glob("*.duckdb")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        killed_while_running.append(not finished.is_set())
        os.kill(victim.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_mid_job)
    killer.start()
    try:
        results = replay(small_grid(), db=path, quiet=True, concurrency=2, executor=spec)
    finally:
        finished.set()
        killer.join(timeout=300)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    assert killed_while_running == [True]
    assert len(results.units_df()) == 4
    results.close()
    assert not list(shards.glob("*.duckdb")) if shards.exists() else True
    assert_same_rows(table_rows(path), local_rows)


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"no Dask scheduler answered at tcp://127\.0\.0\.1:9"):
        DaskExecutor(scheduler="tcp://127.0.0.1:9", timeout_s=2)


@pytest.mark.slow
def test_dask_without_a_scheduler_starts_a_local_cluster(tmp_path: Path) -> None:
    grid = build_experiment(
        {
            "name": "verbatim",
            "dataset": tiny_dataset(n_agent=1, n_pairs=1),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": 3}],
        }
    )
    on_dask = replay(grid, db=tmp_path / "d.duckdb", quiet=True, executor="dask")
    on_local = replay(grid, db=tmp_path / "l.duckdb", quiet=True, executor="local")
    keys = ["unit_id", "variant_id", "probe_id", "evidence_recall_any"]
    got = on_dask.probes_df().sort_values(keys[:3])
    want = on_local.probes_df().sort_values(keys[:3])
    assert [list(r) for r in got["recalled_ids"]] == [list(r) for r in want["recalled_ids"]]
    got, want = got[keys].reset_index(drop=True), want[keys].reset_index(drop=True)
    on_dask.close()
    on_local.close()
    assert len(want) > 0
    pd.testing.assert_frame_equal(got, want)  # NaN (undefined) equals NaN here
