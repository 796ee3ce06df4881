"""`PostgresMemoryDb`: the memlab store on a PostgreSQL server, for agents served by processes."""

from __future__ import annotations

from memlab.db.postgres.bulk import PgBulkMixin
from memlab.db.postgres.frames import PgFramesMixin
from memlab.db.postgres.ledger import PgLedgerMixin
from memlab.db.postgres.ops import PgOpsMixin
from memlab.db.postgres.recall import PgRecallMixin
from memlab.db.postgres.search import PgSearchMixin
from memlab.db.postgres.sessions import PgSessionsMixin

__all__ = ["PostgresMemoryDb"]


class PostgresMemoryDb(
    PgOpsMixin,
    PgSessionsMixin,
    PgLedgerMixin,
    PgFramesMixin,
    PgSearchMixin,
    PgBulkMixin,
    PgRecallMixin,
):
    """The `MemoryDb` protocol on PostgreSQL: `PostgresMemoryDb(dsn, *, schema="memlab")`.

    The tables live in a schema of their own, created and migrated when the store opens
    (`memlab.db.postgres.migrations`). A pool of connections serves the threads of a process;
    any number of processes may write at once, each write being one transaction (no
    single-writer lock, unlike a DuckDB file). Every read and write is scoped to one
    `user_id`, as in `DuckDbMemoryDb`, and the same `Memory` runs on either store. Recall
    mirrors a user's corpus in process and reads only what changed (`memlab.db.RecallIndexStore`,
    `memlab.db.postgres.recall`), with DuckDB's results and order.
    Server-side recall (`keyword_search`, `semantic_search`, `hybrid_search`) is there for
    services that query the database without a `Memory` in front. Frames for notebooks
    (`memories_df()`, ...) have the DuckDB store's columns.

    Args:
        dsn: A libpq URL, e.g. `postgresql://user:password@host:5432/dbname`.
        schema: The schema of the store's tables.
        max_connections: Pool size: threads that can be inside a call at once.
        timeout_s: How long to wait for the server at open, or for a free connection.
        use_pgvector: Rank vectors in the server with pgvector (HNSW, cosine) when the server
            offers the extension; otherwise, or when False, they are ranked in the client.
    """
