"""`processes`: worker processes with shards give the rows of `local`, and resume anywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from grid import small_grid
from shard_rows import assert_same_rows, table_rows

from memlab.lab.running.run_settings import ExecutionSpec
from memlab.lab.running.runner import replay

CHILD = Path(__file__).parent / "driver_child.py"

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


@pytest.mark.slow
def test_two_worker_processes_give_the_rows_of_local(
    tmp_path: Path, local_rows: dict[str, list[dict[str, Any]]]
) -> None:
    path = tmp_path / "processes.duckdb"
    spec = ExecutionSpec(executor="processes", workers=2, chunk_units=2)
    results = replay(small_grid(), db=path, quiet=True, concurrency=2, executor=spec)
    assert len(results.units_df()) == 4
    results.close()
    assert not (tmp_path / "processes.duckdb.shards").exists()  # every shard merged, then gone
    assert_same_rows(table_rows(path), local_rows)


@pytest.mark.slow
def test_a_killed_driver_on_processes_resumes_on_local(
    tmp_path: Path, local_rows: dict[str, list[dict[str, Any]]]
) -> None:
    path = tmp_path / "killed.duckdb"
    # The child prints a line per merged shard; it is killed with its workers after the first.
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert child.stdout is not None
        merged = 0
        while merged < 1:
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "the child ended"
            merged += line.startswith("merged")
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    resumed = replay(small_grid(), db=path, quiet=True, concurrency=2, executor="local")
    assert len(resumed.units_df()) == 4
    resumed.close()
    assert not list((tmp_path / "killed.duckdb.shards").glob("*.duckdb"))  # all merged
    assert_same_rows(table_rows(path), local_rows, history=False)
