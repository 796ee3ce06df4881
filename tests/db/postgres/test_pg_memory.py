"""The same `Memory` on DuckDB and on PostgreSQL: same memories, same recall, frames alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from memlab import DuckDbMemoryDb, Memory
from memlab.db.postgres import PostgresMemoryDb
from memlab.lab import load_dataset
from memlab.schema import Message

DATASET = Path(__file__).parents[3] / "datasets" / "memlab-synthetic-v1.jsonl"


def _replay(memory: Memory, sessions: int = 4) -> list[str]:
    """Ingest the first sessions of the first bundled conversation; return its questions."""
    conversation = load_dataset(DATASET).conversations[0]
    roles = {p.name: p.role for p in conversation.participants}
    for session in conversation.sessions[:sessions]:
        messages = [
            Message(role=roles[t.speaker], content=t.text, name=t.speaker)  # type: ignore[arg-type]
            for t in session.turns
        ]
        memory.add_run(session.id, messages)
        memory.create_user_memories(messages=messages, session_id=session.id)
    return [p.question for p in conversation.probes]


@pytest.mark.slow
def test_a_memory_recalls_the_same_on_both_stores(postgres_url: str, fresh_schema: str) -> None:
    duck = Memory(DuckDbMemoryDb(":memory:"), user_id="zainab", ids="derived")
    pg = Memory(
        PostgresMemoryDb(postgres_url, schema=fresh_schema), user_id="zainab", ids="derived"
    )
    questions = _replay(duck)
    _replay(pg)
    assert [m.memory for m in pg.get_user_memories()] == [
        m.memory for m in duck.get_user_memories()
    ]
    assert pg.db.count_memories("zainab") > 5
    compared = 0
    for question in questions[:12]:
        for strategy in ("bm25", "semantic", "hybrid", "last_n", "recency"):
            want = duck.recall(question, strategy=strategy, limit=5)
            got = pg.recall(question, strategy=strategy, limit=5)
            assert [h.item_id for h in got] == [h.item_id for h in want], (question, strategy)
            if strategy != "recency":  # recency scores decay with the clock between the calls
                assert [h.score for h in got] == pytest.approx([h.score for h in want])
            compared += 1
    assert compared == 60
    # The frames notebooks read have the same columns and rows on both stores.
    assert isinstance(duck.db, DuckDbMemoryDb) and isinstance(pg.db, PostgresMemoryDb)
    for name in ("memories_df", "events_df", "runs_df", "messages_df", "summaries_df"):
        d, p = getattr(duck.db, name)(user_id="zainab"), getattr(pg.db, name)(user_id="zainab")
        assert list(p.columns) == list(d.columns), name
        assert len(p) == len(d), name
    d, p = duck.db.memories_df(), pg.db.memories_df()
    assert p["memory"].tolist() == d["memory"].tolist()
    assert str(p["updated_at"].dt.tz) == "UTC"
    pg.db.close()
