"""Time to share a response cache: export to Parquet, describe, import, and seed a replay.

A store is filled with N synthetic cached answers (about 600 bytes of JSON each, like an
extraction answer with two tool calls), then exported, described, imported into a fresh file,
imported again (all already there), and read as a `--cache-from` source.

    .venv/bin/python benchmarks/cache_transfer.py [--entries 100000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from memlab.db.connection import registered
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.rows import LLM_CACHE_SCHEMA
from memlab.llm.cache_files import read_cache_source
from memlab.llm.cache_info import describe_cache
from memlab.llm.cache_transfer import export_cache, import_cache


def _fill(path: Path, entries: int) -> None:
    arguments = json.dumps({"memory": "User lives in Lisbon and works as a nurse.", "topics": []})
    response = json.dumps(
        {
            "text": None,
            "tool_calls": [
                {"id": f"call_{i}", "name": "add_memory", "arguments": arguments} for i in range(2)
            ],
            "finish_reason": "tool_calls",
            "call_id": "lab/e/i/c/calls/ingest/0",
            "at": "2026-12-04T18:00:00+00:00",
        }
    )
    table = pa.table(
        {
            "request_hash": [f"{i:064x}" for i in range(entries)],
            "model": ["openai/qwen"] * entries,
            "response": [response] * entries,
            "input_tokens": [800] * entries,
            "output_tokens": [60] * entries,
            "cost_usd": [None] * entries,
            "created_at": pa.array([0] * entries, pa.timestamp("us")),
        }
    ).cast(LLM_CACHE_SCHEMA)
    with DuckDbMemoryDb(path) as db, db.transaction() as cur, registered(cur, "_fill", table):
        cur.execute("INSERT INTO llm_cache SELECT * FROM _fill")


def _timed(label: str, run: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = run()
    print(f"{label:<36} {time.perf_counter() - start:8.2f} s")
    return value


def main() -> None:
    """Print the time of each step for `--entries` cached answers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, export = folder / "paid.duckdb", folder / "cache.parquet"
        _timed(f"fill {args.entries:,} entries", lambda: _fill(source, args.entries))
        _timed("export to Parquet", lambda: export_cache(source, export))
        print(f"{'  Parquet size':<36} {export.stat().st_size / 1e6:8.2f} MB")
        _timed("cache info", lambda: describe_cache(export))
        _timed("import into a fresh file", lambda: import_cache(export, folder / "new.duckdb"))
        _timed("import again (all present)", lambda: import_cache(export, folder / "new.duckdb"))
        _timed("read as --cache-from (Parquet)", lambda: read_cache_source(export))
        _timed("read as --cache-from (results file)", lambda: read_cache_source(source))


if __name__ == "__main__":
    main()
