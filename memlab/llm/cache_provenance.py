"""Where a cached model answer came from: the shared-cache file format and its table.

A response cache exported to Parquet (`memlab cache export`) carries, per entry, the model,
the host it was called at, the prompt, the memlab version and the file it was exported from.
When entries are imported into another file (`memlab cache import`, or served to a replay by
`--cache-from`), that provenance is kept in `llm_cache_provenance`, next to `llm_cache`, so a
re-export still names where each answer was first paid for, and a replay's cached ledger rows
join (on `request_hash`) to the cache that served them. The table has its own append-only
migrations and ledger (`_cache_migrations`), like the lab's tables.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from memlab.db.migrations import Migration, apply_migrations
from memlab.db.rows import LLM_CACHE_SCHEMA

__all__ = [
    "CACHE_FORMAT",
    "CACHE_FORMAT_KEY",
    "CACHE_FORMAT_VERSION",
    "CACHE_MIGRATIONS",
    "EXPORT_SCHEMA",
    "PROVENANCE_COLUMNS",
    "migrate_cache_provenance",
    "record_provenance",
]

CACHE_FORMAT_KEY = b"memlab_cache_format"
"""The Parquet metadata key that marks a file as a memlab cache export."""
CACHE_FORMAT = b"memlab-llm-cache"
"""Its value's name part; the full value is `memlab-llm-cache/<version>`."""
CACHE_FORMAT_VERSION = 1
"""The version of the export format this memlab writes (and the newest it reads)."""

PROVENANCE_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("prompt", pa.string(), "the prompt as `name@version`, when the ledger names it"),
    ("api_base_host", pa.string(), "the host the model was called at; null: its provider's own"),
    ("memlab_version", pa.string(), "the memlab that exported the entry first"),
    ("exported_from", pa.string(), "the name of the file the entry was first exported from"),
)
"""The provenance of one entry: (column, type, meaning), in the export's column order."""

EXPORT_SCHEMA = pa.schema(
    [
        *LLM_CACHE_SCHEMA,
        *(pa.field(name, kind) for name, kind, _ in PROVENANCE_COLUMNS),
        pa.field("exported_at", pa.timestamp("us")),
    ]
)
"""The columns of an exported cache: `llm_cache`'s, the provenance, and the export's time."""

_TABLE = "llm_cache_provenance"
LEDGER = "_cache_migrations"
"""The table recording the cache-provenance migrations applied to a file."""
CACHE_MIGRATIONS: list[tuple[str, Migration]] = []
"""Every migration of `llm_cache_provenance`, in order (append-only)."""


def _cache_migration(fn: Migration) -> Migration:
    CACHE_MIGRATIONS.append((fn.__name__, fn))
    return fn


@_cache_migration
def cache_m001_provenance(con: duckdb.DuckDBPyConnection) -> None:
    """Provenance of the `llm_cache` entries that came from another file.

    `imported_from` names the file the entry was read from (a Parquet export, or a results
    file given to `--cache-from`); entries the file's own replays cached have no row.
    """
    con.execute(
        f"""
        CREATE TABLE {_TABLE} (
            request_hash VARCHAR PRIMARY KEY,
            prompt VARCHAR,
            api_base_host VARCHAR,
            memlab_version VARCHAR,
            exported_from VARCHAR,
            imported_from VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL
        );
        """
    )


def migrate_cache_provenance(con: duckdb.DuckDBPyConnection, *, path: str) -> None:
    """Create `llm_cache_provenance`, or migrate it to this memlab's version.

    Raises:
        StoreError: a newer memlab wrote the file's provenance table.
    """
    apply_migrations(
        con, CACHE_MIGRATIONS, ledger=LEDGER, tables="cache provenance table", path=path
    )


def record_provenance(
    cur: duckdb.DuckDBPyConnection,
    view: str,
    *,
    imported_from: str,
    at: datetime,
) -> None:
    """Insert the provenance of the entries in the registered view `view` (export columns).

    An entry whose provenance the file already holds keeps it (the first import wins, as in
    `llm_cache`).
    """
    names = ", ".join(name for name, _, _ in PROVENANCE_COLUMNS)
    cur.execute(
        f"INSERT INTO {_TABLE} SELECT request_hash, {names}, ?, ? FROM {view}"
        " ON CONFLICT DO NOTHING",
        [imported_from, at],
    )
