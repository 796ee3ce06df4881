"""Share a response cache: export it to a Parquet file, import it into another file.

A grid paid for once with a real model can be re-scored, re-plotted and extended by anyone who
has its cached answers. `export_cache` writes a results (or store) file's `llm_cache` to a
Parquet file with each entry's provenance (see `memlab.llm.cache_provenance`);
`import_cache` adds such a file's entries to another DuckDB file without ever replacing an
answer it already holds (a different answer for the same request is reported as a conflict).
Source files are only read (see `memlab.llm.cache_files`).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from memlab.db.connection import registered
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.rows import LLM_CACHE_SCHEMA
from memlab.errors import ConfigError
from memlab.llm.cache_files import read_cache_file, read_store_entries
from memlab.llm.cache_provenance import (
    CACHE_FORMAT,
    CACHE_FORMAT_KEY,
    CACHE_FORMAT_VERSION,
    migrate_cache_provenance,
    record_provenance,
)
from memlab.schema import utcnow

__all__ = [
    "CacheConflict",
    "ExportSummary",
    "ImportSummary",
    "add_entries",
    "export_cache",
    "import_cache",
    "same_answer",
]

_ORIGIN_KEYS = ("call_id", "at")  # which call first got an answer: not part of the answer


class ExportSummary(NamedTuple):
    """What `export_cache` wrote."""

    path: Path
    """The Parquet file."""
    entries: int
    """Cached answers written."""
    models: dict[str, int]
    """Entries per model."""


class CacheConflict(NamedTuple):
    """A request the target already caches with a different answer (kept as it was)."""

    request_hash: str
    """The request."""
    model: str
    """The model it was sent to."""
    prompt: str | None
    """The prompt as `name@version`, when known."""


class ImportSummary(NamedTuple):
    """What `import_cache` did."""

    added: int
    """Entries new to the target, now in its `llm_cache`."""
    same: int
    """Entries the target already held with the same answer (nothing to do)."""
    conflicts: list[CacheConflict]
    """Entries the target holds with a different answer: the target's answer was kept."""


def same_answer(a: str, b: str) -> bool:
    """True when two cached responses hold the same answer (the call that got it aside)."""
    if a == b:
        return True
    try:
        left, right = json.loads(a), json.loads(b)
    except json.JSONDecodeError:
        return False
    if not isinstance(left, dict) or not isinstance(right, dict):
        return False
    for key in _ORIGIN_KEYS:
        left.pop(key, None)
        right.pop(key, None)
    return bool(left == right)


# ------------------------------------------------------------------------------ export
def export_cache(
    db: str | Path, to: str | Path, *, model: str | None = None, force: bool = False
) -> ExportSummary:
    """Write the response cache of the DuckDB file `db` to the Parquet file `to`.

    Args:
        db: A results or store file (read only).
        to: The Parquet file to write; written whole or not at all.
        model: Export only this model's answers.
        force: Replace `to` when it exists.

    Raises:
        ConfigError: `to` exists (without `force`), or `model` has no cached answer.
        StoreError: `db` cannot be read (see `read_store_entries`).
    """
    target = Path(to)
    if target.exists() and not force:
        raise ConfigError(f"{to} exists: remove it, give another file, or pass --force")
    entries = read_store_entries(db, model=model)
    if model is not None and entries.num_rows == 0:
        models = sorted(set(read_store_entries(db).column("model").to_pylist()))
        raise ConfigError(
            f"{db} caches no answer of model {model!r}; it caches "
            + (", ".join(repr(m) for m in models) or "nothing")
        )
    tag = CACHE_FORMAT + b"/" + str(CACHE_FORMAT_VERSION).encode()
    table = entries.replace_schema_metadata({CACHE_FORMAT_KEY: tag})
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        pq.write_table(table, partial, compression="zstd")
        partial.replace(target)  # a reader never sees half a file
    finally:
        partial.unlink(missing_ok=True)
    models_count = Counter(entries.column("model").to_pylist())
    return ExportSummary(target, entries.num_rows, dict(sorted(models_count.items())))


# ------------------------------------------------------------------------------ import
def import_cache(file: str | Path, db: str | Path | DuckDbMemoryDb) -> ImportSummary:
    """Add the entries of the cache export `file` to the DuckDB file `db` (made if missing).

    Idempotent: an entry `db` already holds with the same answer is left alone. An entry it
    holds with a different answer is never replaced: it is reported in `conflicts`. New
    entries and their provenance are written in one transaction.

    Raises:
        ConfigError: `file` is not a usable cache export (nothing is written).
        StoreError: `db` cannot be opened for writing.
    """
    incoming = read_cache_file(file)
    return add_entries(incoming, db, source=Path(file).name)


def add_entries(
    incoming: pa.Table, db: str | Path | DuckDbMemoryDb, *, source: str
) -> ImportSummary:
    """Add entries (export columns) to `db`'s `llm_cache`, recording `source` as their origin.

    See `import_cache` for what is kept and reported.
    """
    store = db if isinstance(db, DuckDbMemoryDb) else DuckDbMemoryDb(db)
    try:
        migrate_cache_provenance(store.cursor(), path=str(store.path))
        with store.transaction() as cur, registered(cur, "_incoming_cache", incoming):
            overlap = cur.execute(
                "SELECT i.request_hash, i.model, i.prompt, i.response, c.response"
                " FROM _incoming_cache i JOIN llm_cache c USING (request_hash)"
                " ORDER BY i.request_hash"
            ).fetchall()
            conflicts = [
                CacheConflict(key, model, prompt)
                for key, model, prompt, theirs, ours in overlap
                if not same_answer(theirs, ours)
            ]
            held = pa.array([key for key, *_ in overlap], pa.string())
            new = incoming.filter(pc.invert(pc.is_in(incoming.column("request_hash"), held)))
            with registered(cur, "_new_cache", new):
                cache_columns = ", ".join(LLM_CACHE_SCHEMA.names)
                cur.execute(f"INSERT INTO llm_cache SELECT {cache_columns} FROM _new_cache")
                record_provenance(cur, "_new_cache", imported_from=source, at=_now())
    finally:
        if store is not db:
            store.close()
    return ImportSummary(new.num_rows, len(overlap) - len(conflicts), conflicts)


def _now() -> Any:
    return utcnow().replace(tzinfo=None)
