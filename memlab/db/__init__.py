"""Stores for memlab: the `MemoryDb` protocol and its DuckDB implementation."""

from memlab.db.base import MemoryDb
from memlab.db.duckdb_store import CachedResponse, DuckDbMemoryDb
from memlab.db.migrations import MIGRATIONS, apply_migrations

__all__ = ["MIGRATIONS", "CachedResponse", "DuckDbMemoryDb", "MemoryDb", "apply_migrations"]
