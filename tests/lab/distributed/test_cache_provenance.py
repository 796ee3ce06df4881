"""`--cache-from` on `processes`: the results file gets the cache provenance a local run records."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from replay_fixtures import tiny_dataset

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.executors.base import ShardJob
from memlab.lab.running.executors.merge import merge_shard
from memlab.lab.running.executors.worker import run_shard
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.provenance import load_experiment_dataset
from memlab.lab.running.run_settings import ExecutionSpec
from memlab.lab.running.runner import plan_units, replay
from memlab.lab.running.tables import create_tables

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


def _grid() -> Experiment:
    return build_experiment(
        {
            "name": "provenance",
            "dataset": tiny_dataset(n_agent=1, n_pairs=1),
            "ingest": [{"kind": "extract"}],
            "recall": [{"strategy": "bm25", "k": 2}],
            "answer": {},
        }
    )


def _provenance(path: Path) -> list[tuple[Any, ...]]:
    # imported_at is when the entry was imported: a timing, not provenance.
    with DuckDbMemoryDb(path) as db:
        return (
            db.cursor()
            .execute(
                "SELECT request_hash, prompt, api_base_host, memlab_version, exported_from,"
                " imported_from FROM llm_cache_provenance ORDER BY request_hash"
            )
            .fetchall()
        )


def _cache(path: Path) -> list[tuple[Any, ...]]:
    with DuckDbMemoryDb(path) as db:
        return db.cursor().execute("SELECT request_hash FROM llm_cache ORDER BY ALL").fetchall()


@pytest.mark.slow
def test_processes_keeps_the_cache_provenance_of_local(tmp_path: Path) -> None:
    source = tmp_path / "source.duckdb"
    replay(_grid(), db=source, quiet=True, executor="local").close()
    on_local, on_processes = tmp_path / "local.duckdb", tmp_path / "processes.duckdb"
    replay(_grid(), db=on_local, quiet=True, cache_from=source, executor="local").close()
    spec = ExecutionSpec(executor="processes", workers=2, chunk_units=1)
    replay(_grid(), db=on_processes, quiet=True, cache_from=source, executor=spec).close()
    want = _provenance(on_local)
    assert want and {row[-1] for row in want} == {"source.duckdb"}
    assert len(want) == len(_cache(source))  # every answer came from the other file
    assert _provenance(on_processes) == want
    assert _cache(on_processes) == _cache(on_local)


@pytest.mark.slow
def test_a_shard_merged_twice_adds_its_provenance_once(tmp_path: Path) -> None:
    source = tmp_path / "source.duckdb"
    replay(_grid(), db=source, quiet=True, executor="local").close()
    experiment = _grid()
    plans = plan_units(experiment, load_experiment_dataset(experiment))
    job = ShardJob(
        job_id="p-0000",
        experiment=experiment,
        experiment_id=experiment.experiment_id(),
        unit_ids=tuple(p.unit_id for p in plans),
        shard_dir=str(tmp_path / "shards"),
        cache_snapshot=None,
        budget_left=None,
        concurrency=2,
        cache_from=str(source),
    )
    (tmp_path / "shards").mkdir()
    shard = Path(run_shard(job).shard_path)  # in this process: the worker's function
    copy = tmp_path / "copy.duckdb"
    shutil.copy(shard, copy)
    path = tmp_path / "results.duckdb"
    with DuckDbMemoryDb(path) as db:
        create_tables(db)
        assert merge_shard(db, shard) is not None
    once = _provenance(path)
    assert once and len(once) == len(_cache(source))
    with DuckDbMemoryDb(path) as db:
        assert merge_shard(db, copy) is not None
    assert _provenance(path) == once
