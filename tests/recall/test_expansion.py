"""Index expansion: extra keys find items, and the returned text never changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.recall import get_strategy
from memlab.schema import Message, Run, SessionSummary, UserMemory

WHEN = datetime(2023, 12, 14, 20, 56, tzinfo=UTC)


@pytest.fixture
def memory(db: DuckDbMemoryDb) -> Memory:
    messages = [
        Message(
            id="t1",
            role="user",
            name="Zainab",
            content="I climbed it three days ago!",
            created_at=WHEN,
        ),
        Message(
            id="t2",
            role="assistant",
            name="Assistant",
            content="Amazing, well done.",
            created_at=WHEN,
        ),
        Message(id="t3", role="user", name="Zainab", content="My knees disagree.", created_at=WHEN),
    ]
    db.add_runs([Run(run_id="r1", session_id="s1", user_id="u", messages=messages)])
    db.add_memory(
        "u", UserMemory(memory="Zainab climbed Snowdon in December 2023", source_message_ids=["t1"])
    )
    db.upsert_summary(
        SessionSummary(session_id="s1", user_id="u", summary="Zainab talks about hiking and knees")
    )
    return Memory(db, user_id="u", model=None)


@pytest.mark.parametrize(
    "question, keys, found",
    [
        pytest.param("Snowdon", ["facts"], {"t1"}, id="facts"),
        pytest.param("Zainab", ["speaker"], {"t1", "t3"}, id="speaker"),
        pytest.param("December 2023", ["date"], {"t1", "t2", "t3"}, id="date"),
        pytest.param("hiking", ["summary"], {"t1", "t2", "t3"}, id="summary"),
    ],
)
def test_expansion_keys_find_items_and_leave_their_text_alone(
    memory: Memory, question: str, keys: list[str], found: set[str]
) -> None:
    assert memory.recall(question, strategy="bm25", limit=5, over="messages") == []
    hits = memory.recall(question, strategy="bm25", limit=5, over="messages", expand=keys)
    assert {h.item_id for h in hits} == found
    stored = {m.id: m.content for m in memory.db.get_messages_by_ids("u", ["t1", "t2", "t3"])}
    for hit in hits:
        assert hit.text == stored[hit.item_id]
        assert hit.source_message_ids == [hit.item_id]


def test_expansion_follows_new_facts_for_old_turns(memory: Memory) -> None:
    before = memory.recall(
        "knees hurt", strategy="bm25", limit=5, over="messages", expand=["facts"]
    )
    assert [h.item_id for h in before] == ["t3"]
    memory.db.add_memory(
        "u", UserMemory(memory="Zainab has sore joints", source_message_ids=["t2"])
    )
    hits = memory.recall("sore joints", strategy="bm25", limit=5, over="messages", expand=["facts"])
    assert [h.item_id for h in hits] == ["t2"]
    assert hits[0].text == "Amazing, well done."


def test_an_unknown_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="expand"):
        get_strategy("bm25", expand=["mood"])
