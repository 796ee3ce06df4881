"""Stores for memlab: the `MemoryDb` protocol, the recall-side `RecallIndexStore`, and DuckDB.

`MemoryDb` is what any backend implements; `RecallIndexStore` is the optional bulk interface
that makes recall fast; `DuckDbMemoryDb` implements both.
"""

from memlab.db.base import MemoryDb
from memlab.db.duckdb_store import CachedResponse, DuckDbMemoryDb
from memlab.db.migrations import MIGRATIONS, apply_migrations
from memlab.db.recall_index import RecallIndexStore, SessionLayout

__all__ = [
    "MIGRATIONS",
    "CachedResponse",
    "DuckDbMemoryDb",
    "MemoryDb",
    "RecallIndexStore",
    "SessionLayout",
    "apply_migrations",
]
