"""Bulk upserts go through binary COPY: every field must come back exactly as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from memlab import UserMemory
from memlab.db.postgres import PostgresMemoryDb

TEXTS = [
    "Zoë moved to Kraków in März",
    'loves 🍣 and 寿司, "quoted" and \\backslashed\\',
    "tab\there, newline\nthere, carriage\rreturn",
    "",
    "x" * 20_000,
]


def _memories(n: int) -> list[UserMemory]:
    base = datetime(2024, 2, 29, 23, 59, 59, 999_999)  # naive: taken as UTC by memlab
    return [
        UserMemory(
            memory=f"{TEXTS[i % len(TEXTS)]} #{i}",
            topics=[] if i % 3 == 0 else ["place", f"t{i}", "ünïcode"],
            input=None if i % 2 else f"input {i} ✓",
            source_message_ids=[f"m{i}", f"m{i + 1}"] if i % 4 else [],
            created_at=base + timedelta(seconds=i),
            updated_at=base + timedelta(seconds=i, microseconds=1),
        )
        for i in range(200)
    ]


def test_a_bulk_upsert_round_trips_every_field(postgres_url: str, fresh_schema: str) -> None:
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    try:
        given = _memories(200)  # above the multi-row INSERT limit: the COPY path
        stored = db.upsert_memories("zoe", given)
        read = {m.memory_id: m for m in db.list_memories("zoe")}
        assert len(read) == 200
        for original, back in zip(given, stored, strict=True):
            got = read[back.memory_id]
            assert got.memory == original.memory
            assert got.topics == original.topics
            assert got.input == original.input
            assert got.source_message_ids == original.source_message_ids
            assert got.created_at == original.created_at.replace(tzinfo=UTC)
        events = db.events_df(user_id="zoe")
        assert sorted(events["memory_id"]) == sorted(read)
        assert set(events["op"]) == {"add"}
        # A second bulk upsert of the same ids replaces them (UPDATE path) with new events.
        again = db.upsert_memories(
            "zoe", [m.model_copy(update={"memory": m.memory + " (edited)"}) for m in stored]
        )
        assert [m.memory for m in again] == [m.memory + " (edited)" for m in given]
        assert len(db.events_df(user_id="zoe")) == 400
    finally:
        db.close()
