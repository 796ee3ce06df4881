"""Copy the cached model answers out of a damaged DuckDB file into a new store.

A damaged store or results file is never repaired in place, but the model answers cached in
its `llm_cache` table are often still readable, and they are what cost money and hours: with
them, a replay rerun into a new file gives the same results without asking the models again.
`copy_cache` reads the damaged file read-only and writes only the new one. From a shell:
`python -m memlab.db.salvage DAMAGED.duckdb NEW.duckdb`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from memlab.db.connection import registered
from memlab.db.damage import check_header
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.rows import LLM_CACHE_SCHEMA
from memlab.errors import ConfigError, MemlabError, StoreError

__all__ = ["copy_cache", "main"]


def copy_cache(source: str | Path, target: str | Path) -> int:
    """Copy every cached model answer of `source` into the store `target` (made if missing).

    Entries `target` already holds are kept as they are. `source` is opened read-only and
    never written, whatever state it is in.

    Returns:
        How many entries were added to `target`.

    Raises:
        ConfigError: `target` is `source`.
        StoreError: `source` is missing, not a DuckDB file, or its cache cannot be read (the
            part of the file that holds it is lost); nothing was copied.
    """
    src = Path(source)
    if not src.is_file():
        raise StoreError(f"{source}: no such file to copy cached model answers from")
    if Path(target).resolve() == src.resolve():
        raise ConfigError(
            f"copy_cache needs a new file to copy into, got the damaged file {source} itself; "
            "memlab never writes to a damaged file"
        )
    check_header(src)  # also keeps DuckDB from opening a SQLite file through an extension
    answers = _read_cache(src)
    with (
        DuckDbMemoryDb(target) as db,
        db.transaction() as cur,
        registered(cur, "_salvaged_cache", answers),
    ):
        row = cur.execute(
            "INSERT INTO llm_cache SELECT * FROM _salvaged_cache ON CONFLICT DO NOTHING"
        ).fetchone()
    return int(row[0]) if row else 0


def _read_cache(src: Path) -> pa.Table:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS damaged (READ_ONLY)", [str(src)])
        columns = ", ".join(LLM_CACHE_SCHEMA.names)
        found: pa.Table = con.sql(f"SELECT {columns} FROM damaged.llm_cache").to_arrow_table()
    except duckdb.Error as exc:
        raise StoreError(
            f"the cached model answers in {src} could not be read, so nothing was copied "
            f"(DuckDB: {str(exc).strip().splitlines()[0]}). Restore the file from a backup "
            "copy, or rerun the replay into a new file, asking the models again"
        ) from exc
    finally:
        con.close()
    return found.cast(LLM_CACHE_SCHEMA)


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m memlab.db.salvage DAMAGED NEW`: copy the cache, say how many entries."""
    parser = argparse.ArgumentParser(
        prog="python -m memlab.db.salvage",
        description="Copy the cached model answers of a damaged memlab DuckDB file into a new "
        "file, reading the damaged one read-only.",
    )
    parser.add_argument("source", help="the damaged file (never written)")
    parser.add_argument("target", help="the new file (created when missing)")
    args = parser.parse_args(argv)
    try:
        added = copy_cache(args.source, args.target)
    except MemlabError as exc:
        print(f"memlab: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    print(
        f"copied {added} cached model answers from {args.source} into {args.target}; "
        f"a replay rerun with `--db {args.target}` reuses them"
    )


if __name__ == "__main__":
    main()
