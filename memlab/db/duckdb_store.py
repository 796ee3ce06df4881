"""`DuckDbMemoryDb`: memories, their history, runs, summaries and the LLM ledger in one file."""

from __future__ import annotations

from memlab.db.damage import reports_damage
from memlab.db.store_embeddings import EmbeddingsMixin
from memlab.db.store_ledger import CachedResponse, LedgerMixin
from memlab.db.store_memories import MemoriesMixin
from memlab.db.store_ops import OpsMixin
from memlab.db.store_recall import RecallMixin
from memlab.db.store_sessions import SessionsMixin

__all__ = ["CachedResponse", "DuckDbMemoryDb"]


@reports_damage
class DuckDbMemoryDb(
    MemoriesMixin, OpsMixin, SessionsMixin, LedgerMixin, RecallMixin, EmbeddingsMixin
):
    """The memlab store on DuckDB: a file path, or `":memory:"` for a throwaway store.

    Every read and write is scoped to one `user_id`; multi-row changes run in one transaction,
    retried when another thread's write conflicts. Threads may share one instance (each gets its
    own cursor), and a second instance on a file this process already has open shares it (both
    see every write); a second process opening the file gets a `StoreError` naming the process
    that holds it, and a damaged or foreign file gets one that says what is wrong and what to
    do (`memlab.db.damage`). See `StoreCore` for the options (`read_only`, `write_behind`,
    `flush_rows`, `flush_interval_s`).
    """
