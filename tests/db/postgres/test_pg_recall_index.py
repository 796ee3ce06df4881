"""`PostgresMemoryDb` as a `RecallIndexStore`: recall's mirror stays in step, in any process."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memlab import Memory
from memlab.db.postgres import PostgresMemoryDb
from memlab.db.postgres.core import content_hash
from memlab.db.recall_index import RecallIndexStore
from memlab.errors import ConfigError
from memlab.recall.generic_store import index_store
from memlab.schema import Message, Run, SessionSummary, UserMemory


def test_recall_follows_writes_of_this_store_and_of_another(
    postgres_url: str, fresh_schema: str
) -> None:
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    other = PostgresMemoryDb(postgres_url, schema=fresh_schema)  # another process's store
    assert isinstance(db, RecallIndexStore) and index_store(db) is db
    memory = Memory(db, user_id="ana")
    first = db.add_memory("ana", UserMemory(memory="Ana adopted a dog called Biscuit"))
    assert [h.item_id for h in memory.recall("dog", strategy="bm25")] == [first.memory_id]
    version = db.data_version("ana")
    # This store's writes are replayed exactly; a run counts as a change without memories.
    second = db.add_memory("ana", UserMemory(memory="Ana's dog loves the beach"))
    db.add_runs(
        [Run(session_id="s1", user_id="ana", messages=[Message(role="user", content="hi")])]
    )
    changes = db.memory_changes_since("ana", version)
    assert changes is not None and [m.memory_id for c in changes for m in c.appended] == [
        second.memory_id
    ]
    assert {h.item_id for h in memory.recall("dog", strategy="bm25")} == {
        first.memory_id,
        second.memory_id,
    }
    # Another store's write is not known here: the mirror reads a snapshot instead.
    version = db.data_version("ana")
    other.delete_memory("ana", first.memory_id or "")
    assert db.data_version("ana") > version
    assert db.memory_changes_since("ana", version) is None
    assert [h.item_id for h in memory.recall("dog", strategy="bm25")] == [second.memory_id]
    # Summaries change the data version too.
    version = db.data_version("ana")
    other.upsert_summary(SessionSummary(user_id="ana", session_id="s1", summary="Ana and dogs"))
    assert db.data_version("ana") > version
    db.close()
    other.close()


def test_corpus_columns_agree_with_the_memories_the_caller_holds(
    postgres_url: str, fresh_schema: str
) -> None:
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    when = datetime(2024, 5, 1, 12, 30, 0, 123456, tzinfo=UTC)
    stored = db.upsert_memories(
        "ana",
        [UserMemory(memory=t, updated_at=when, created_at=when) for t in ("b ü", "a", "c")],
    )
    snapshot = db.corpus_snapshot("ana", "memories")
    held = db.memory_rows(stored)
    assert snapshot.column("item_id").to_pylist() == [m.memory_id for m in stored]
    assert snapshot.column("fingerprint").equals(held.column("fingerprint"))
    assert snapshot.column("ts_us").to_pylist() == held.column("ts_us").to_pylist()
    texts = db.corpus_texts("ana", "memories", [m.memory_id or "" for m in reversed(stored)])
    assert texts.column("content_hash").to_pylist() == [content_hash(m.memory) for m in stored]
    assert db.get_memories_by_ids("ana", [stored[2].memory_id or "", "nope"]) == [stored[2]]
    with pytest.raises(ConfigError, match="corpus"):
        db.corpus_snapshot("ana", "nope")
    db.close()
