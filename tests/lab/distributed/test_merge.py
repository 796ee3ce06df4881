"""Merging a shard: idempotent per unit, and a unit that did not commit brings no rows."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import duckdb
from grid import small_grid

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.executors.base import ShardJob
from memlab.lab.running.executors.merge import merge_shard
from memlab.lab.running.executors.worker import run_shard
from memlab.lab.running.provenance import load_experiment_dataset
from memlab.lab.running.runner import HealthWarning, plan_units
from memlab.lab.running.tables import create_tables


def _shard(tmp_path: Path) -> tuple[Path, list[str]]:
    experiment = small_grid()
    plans = plan_units(experiment, load_experiment_dataset(experiment))[:2]
    job = ShardJob(
        job_id="t-0000",
        experiment=experiment,
        experiment_id=experiment.experiment_id(),
        unit_ids=tuple(p.unit_id for p in plans),
        shard_dir=str(tmp_path),
        cache_snapshot=None,
        budget_left=None,
        concurrency=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthWarning)
        report = run_shard(job)  # in this process: the worker's function is plain Python
    assert sorted(report.unit_ids) == sorted(job.unit_ids)
    return Path(report.shard_path), list(job.unit_ids)


def _counts(db: DuckDbMemoryDb) -> dict[str, int]:
    cur = db.cursor()
    tables = ("lab_units", "lab_probe_results", "memories", "runs", "llm_calls", "llm_cache")
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # type: ignore[index]


def test_a_shard_merged_twice_is_merged_once(tmp_path: Path) -> None:
    shard, units = _shard(tmp_path / "shards")
    copy = tmp_path / "copy.duckdb"
    shutil.copy(shard, copy)
    with DuckDbMemoryDb(tmp_path / "results.duckdb") as db:
        create_tables(db)
        first = merge_shard(db, shard)
        assert first is not None and sorted(u.unit_id for u in first.units) == sorted(units)
        once = _counts(db)
        assert all(once.values()), once
        again = merge_shard(db, copy)
        assert again is not None
        assert _counts(db) == once
    assert not shard.exists() and not copy.exists()  # merged shards are deleted


def test_a_unit_that_did_not_commit_brings_only_its_paid_calls(tmp_path: Path) -> None:
    shard, units = _shard(tmp_path / "shards")
    dropped = units[1]
    with duckdb.connect(str(shard)) as con:  # as if the worker died before this commit
        namespaces = con.execute(
            "SELECT namespaces FROM lab_units WHERE unit_id = ?", [dropped]
        ).fetchone()[0]  # type: ignore[index]
        con.execute("DELETE FROM lab_units WHERE unit_id = ?", [dropped])
        con.execute(
            "UPDATE llm_calls SET experiment_id = NULL, unit_id = NULL WHERE unit_id = ?",
            [dropped],
        )
        calls = con.execute("SELECT count(*) FROM llm_calls WHERE unit_id IS NULL").fetchone()
    with DuckDbMemoryDb(tmp_path / "results.duckdb") as db:
        create_tables(db)
        merged = merge_shard(db, shard)
        assert merged is not None and [u.unit_id for u in merged.units] == [units[0]]
        cur = db.cursor()
        for table in ("memories", "runs", "messages"):
            held = cur.execute(
                f"SELECT count(*) FROM {table} WHERE list_contains(?, user_id)", [namespaces]
            ).fetchone()
            assert held == (0,), table
        kept = cur.execute(
            "SELECT count(*) FROM llm_calls WHERE starts_with(call_id, 'superseded-')"
        ).fetchone()
        assert kept == calls and calls != (0,)
