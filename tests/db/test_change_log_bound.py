"""The store's in-process log of memory changes keeps its newest users only."""

from __future__ import annotations

from pathlib import Path

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.recall.base import get_strategy
from memlab.schema import UserMemory

USERS = 130  # more than the log keeps (128)


def test_users_changed_long_ago_are_forgotten_and_read_from_the_table(tmp_path: Path) -> None:
    db = DuckDbMemoryDb(tmp_path / "m.duckdb")
    bm25 = get_strategy("bm25")
    start = {}
    for i in range(USERS):
        user = f"u{i}"
        start[user] = db.data_version(user)
        db.add_memory(user, UserMemory(memory=f"user {i} keeps a parrot"))
        assert [h.text for h in bm25.search(db, user_id=user, query="parrot", limit=5)] == [
            f"user {i} keeps a parrot"
        ]
    # The first users' changes are no longer known exactly; the newest users' are.
    assert db.memory_changes_since("u0", start["u0"]) is None
    newest = db.memory_changes_since(f"u{USERS - 1}", start[f"u{USERS - 1}"])
    assert newest is not None
    assert [m.memory for c in newest for m in c.appended] == [f"user {USERS - 1} keeps a parrot"]
    # A forgotten user's recall index is rebuilt from the table: nothing is missed.
    db.add_memory("u0", UserMemory(memory="user 0 also keeps a parrot named Rio"))
    found = [h.text for h in bm25.search(db, user_id="u0", query="parrot Rio", limit=5)]
    assert found == ["user 0 also keeps a parrot named Rio", "user 0 keeps a parrot"]
    assert db.memory_changes_since("u0", db.data_version("u0")) == []
    db.close()
