"""Executors (issue 22): speed-up of `processes` over `local`, and the merge cost per unit.

1. `speedup`: an offline extraction grid on the bundled dataset (2 extract prompts ×
   bm25@5, recall scored without an answer stage) replayed on `local` and on `processes` with
   `--workers` worker processes into fresh files (target >= 1.6x with 2 workers on 2 cores).
   Worker start-up (the fork server imports memlab once) is inside the measured time.
2. `merge`: the shards of a `processes` run merged again into a fresh results file (each
   shard copied first), timed per shard: milliseconds per merged unit.

    .venv/bin/python benchmarks/executors.py [--limit N] [--workers N]

Figures measured while other processes use the CPU are not comparable: rerun on an idle
machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running import executors
from memlab.lab.running.executors import merge
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.run_settings import ExecutionSpec
from memlab.lab.running.runner import HealthWarning, replay
from memlab.lab.running.tables import create_tables

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "datasets" / "memlab-synthetic-v1.jsonl"


def grid(limit: int) -> Experiment:
    """Offline extraction with two prompts, recall only."""
    return build_experiment(
        {
            "name": "executors-bench",
            "dataset": {"path": str(BUNDLED), "limit": limit},
            "ingest": [
                {"kind": "extract", "prompt": "agno-v2"},
                {"kind": "extract", "prompt": "agno-v2", "context": "top_k", "top_k": 5},
            ],
            "recall": [{"strategy": "bm25", "k": 5}],
        }
    )


def timed(experiment: Experiment, path: Path, spec: ExecutionSpec) -> tuple[float, int]:
    """Seconds of one replay into a fresh file, and its units."""
    started = time.perf_counter()
    results = replay(experiment, db=path, quiet=True, executor=spec)
    seconds = time.perf_counter() - started
    units = len(results.units_df())
    results.close()
    return seconds, units


def merge_cost(experiment: Experiment, folder: Path, workers: int) -> tuple[float, int, int]:
    """(seconds merging, units merged, shards) for the shards of a `processes` run."""
    kept = folder / "kept"
    kept.mkdir(parents=True)
    original = merge.merge_shard

    def keep(db: DuckDbMemoryDb, shard: Path) -> merge.MergedShard | None:
        shutil.copy(shard, kept / shard.name)  # a copy to merge again, timed, below
        return original(db, shard)

    merge.merge_shard = keep  # type: ignore[assignment]
    executors.driver.merge_shard = keep  # type: ignore[attr-defined]
    try:
        timed(experiment, folder / "p.duckdb", ExecutionSpec(executor="processes", workers=workers))
    finally:
        merge.merge_shard = original  # type: ignore[assignment]
        executors.driver.merge_shard = original  # type: ignore[attr-defined]
    shards = sorted(kept.glob("*.duckdb"))
    seconds = 0.0
    units = 0
    with DuckDbMemoryDb(folder / "merged.duckdb") as db:
        create_tables(db)
        for shard in shards:
            started = time.perf_counter()
            merged = original(db, shard)
            seconds += time.perf_counter() - started
            units += len(merged.units) if merged else 0
    return seconds, units, len(shards)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=12, help="conversations (default 12)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore", HealthWarning)
    experiment = grid(args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        local_s, units = timed(experiment, folder / "l.duckdb", ExecutionSpec())
        spec = ExecutionSpec(executor="processes", workers=args.workers)
        proc_s, _ = timed(experiment, folder / "p.duckdb", spec)
        print(
            f"speedup: {units} units, local {local_s:.1f} s, processes x{args.workers} "
            f"{proc_s:.1f} s: {local_s / proc_s:.2f}x (target >= 1.6x)"
        )
        merged_s, merged_units, shards = merge_cost(experiment, folder / "m", args.workers)
        print(
            f"merge: {shards} shards, {merged_units} units in {merged_s * 1000:.0f} ms: "
            f"{merged_s * 1000 / max(merged_units, 1):.1f} ms per unit"
        )


if __name__ == "__main__":
    main()
