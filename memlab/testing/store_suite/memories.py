"""The contract of a store's memories: adds, reads, order, upserts, deletes, model ops, clear."""

from __future__ import annotations

import pytest

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.schema import MemoryOp, SessionSummary, UserMemory
from memlab.testing.store_suite.records import at, chat_run

__all__ = ["MemoriesContract"]


class MemoriesContract:
    """Tests of the memory methods of `MemoryDb` (mixed into `MemoryDbSuite`)."""

    def test_add_returns_the_stored_memory_with_an_id(self, db: MemoryDb) -> None:
        """`add_memory` gives a new memory an id, keeps a chosen one, and stores it as returned."""
        a = db.add_memory("u1", UserMemory(memory="Ana lives in Porto", topics=["place"]))
        b = db.add_memory("u1", UserMemory(memory_id="chosen", memory="Ana has a dog"))
        assert a.memory_id and b.memory_id == "chosen"
        assert db.get_memory("u1", a.memory_id) == a
        assert db.get_memory("u1", "chosen") == b
        assert db.count_memories("u1") == 2

    def test_unknown_ids_give_none(self, db: MemoryDb) -> None:
        """A read or delete of an id the user does not have is None, and changes nothing."""
        theirs = db.add_memory("u2", UserMemory(memory="of u2"))
        db.upsert_summary(SessionSummary(session_id="s", user_id="u2", summary="u2's day"))
        assert db.get_memory("u1", "no-such-id") is None
        assert db.delete_memory("u1", "no-such-id") is None
        assert db.get_memory("u1", theirs.memory_id or "") is None
        assert db.delete_memory("u1", theirs.memory_id or "") is None
        assert db.get_summary("u1", "s") is None
        assert db.delete_summary("u1", "s") is None
        assert db.get_memory("u2", theirs.memory_id or "") == theirs
        assert db.get_summary("u2", "s") is not None

    def test_memories_come_by_last_update_oldest_first(self, db: MemoryDb) -> None:
        """Order is by `updated_at`, ties in the order first stored; limits take either end."""
        for text, minute in [("c", 30), ("a", 10), ("b1", 20), ("b2", 20), ("d", 40)]:
            db.add_memory("u1", UserMemory(memory=text, created_at=at(0), updated_at=at(minute)))

        def texts(memories: list[UserMemory]) -> list[str]:
            return [m.memory for m in memories]

        assert texts(db.list_memories("u1")) == ["a", "b1", "b2", "c", "d"]
        assert texts(db.list_memories("u1", order="oldest", limit=2)) == ["a", "b1"]
        assert texts(db.list_memories("u1", order="newest", limit=2)) == ["c", "d"]
        assert texts(db.list_memories("u1", order="newest", limit=9)) == ["a", "b1", "b2", "c", "d"]
        assert texts(db.list_memories("u1", order="newest")) == ["a", "b1", "b2", "c", "d"]

    def test_upsert_inserts_and_replaces_by_id(self, db: MemoryDb) -> None:
        """`upsert_memories` adds memories without an id and replaces those whose id exists."""
        a = db.add_memory("u1", UserMemory(memory="lives in Porto"))
        stored = db.upsert_memories(
            "u1",
            [
                a.model_copy(update={"memory": "lives in Lisbon", "updated_at": at(5)}),
                UserMemory(memory="has a cat", source_message_ids=["m1"]),
            ],
        )
        assert [m.memory for m in stored] == ["lives in Lisbon", "has a cat"]
        assert stored[0].memory_id == a.memory_id and stored[1].memory_id
        assert db.count_memories("u1") == 2
        assert db.get_memory("u1", a.memory_id or "") == stored[0]
        assert db.get_memory("u1", stored[1].memory_id or "") == stored[1]

    def test_upsert_refuses_another_users_id_and_writes_nothing(self, db: MemoryDb) -> None:
        """An id of another user's memory, or one id twice, is a `ConfigError`; nothing moves."""
        theirs = db.add_memory("u2", UserMemory(memory="of u2"))
        with pytest.raises(ConfigError):
            db.upsert_memories(
                "u1", [UserMemory(memory="new"), theirs.model_copy(update={"memory": "stolen"})]
            )
        with pytest.raises(ConfigError):
            db.upsert_memories(
                "u1",
                [UserMemory(memory_id="x", memory="one"), UserMemory(memory_id="x", memory="2")],
            )
        assert db.list_memories("u1") == []
        assert db.get_memory("u2", theirs.memory_id or "") == theirs

    def test_delete_returns_the_memory_once(self, db: MemoryDb) -> None:
        """`delete_memory` returns what it deleted, then None."""
        a = db.add_memory("u1", UserMemory(memory="x"))
        assert db.delete_memory("u1", a.memory_id or "") == a
        assert db.delete_memory("u1", a.memory_id or "") is None
        assert db.get_memory("u1", a.memory_id or "") is None
        assert db.count_memories("u1") == 0

    def test_apply_ops_rejects_bad_ops_and_applies_the_rest(self, db: MemoryDb) -> None:
        """One event per op; ops that cannot apply are rejected with a reason, the rest apply."""
        mine = db.add_memory("u1", UserMemory(memory="lives in Porto"))
        gone = db.add_memory("u1", UserMemory(memory="likes jazz"))
        theirs = db.add_memory("u2", UserMemory(memory="likes tea"))
        ops = [
            MemoryOp(op="update", memory_id=mine.memory_id, memory="lives in Lisbon"),
            MemoryOp(op="delete", memory_id="no-such-id"),
            MemoryOp(op="update", memory_id="no-such-id", memory="x"),
            MemoryOp(op="delete", memory_id=theirs.memory_id),
            MemoryOp(op="add", memory="   "),
            MemoryOp(op="delete", memory_id=gone.memory_id),
            MemoryOp(op="add", memory="has a cat", source_message_ids=["m2"]),
        ]
        events = db.apply_ops("u1", ops, cause="call-1")
        assert [e.status for e in events] == [
            "applied",
            "rejected",
            "rejected",
            "rejected",
            "rejected",
            "applied",
            "applied",
        ]
        assert all(e.reason for e in events if e.status == "rejected")
        assert [e.op for e in events] == [op.op for op in ops]
        assert sorted(m.memory for m in db.list_memories("u1")) == ["has a cat", "lives in Lisbon"]
        added = events[-1].memory_id or ""
        assert db.get_memory("u1", added) is not None
        assert db.get_memory("u1", added).source_message_ids == ["m2"]  # type: ignore[union-attr]
        assert db.get_memory("u2", theirs.memory_id or "") == theirs

    def test_apply_ops_names_adds_from_a_prefix(self, db: MemoryDb) -> None:
        """With `id_prefix`, an add at position i is `<prefix>/i`; the name cannot repeat."""
        ops = [
            MemoryOp(op="add", memory="has a cat"),
            MemoryOp(op="delete", memory_id="no-such-id"),
            MemoryOp(op="add", memory="plays chess"),
        ]
        events = db.apply_ops("u1", ops, cause="call-1", id_prefix="u1/run:r1/x0")
        assert [e.memory_id for e in events] == ["u1/run:r1/x0/0", "no-such-id", "u1/run:r1/x0/2"]
        assert db.get_memory("u1", "u1/run:r1/x0/2").memory == "plays chess"  # type: ignore[union-attr]
        with pytest.raises(ConfigError):
            db.apply_ops("u1", ops[:1], cause="call-2", id_prefix="u1/run:r1/x0")
        assert db.count_memories("u1") == 2

    def test_clear_is_scoped_to_one_user_unless_told(self, db: MemoryDb) -> None:
        """`clear(user)` empties that user only; `clear()` alone is a `ConfigError`."""
        for user in ("u1", "u2"):
            db.add_memory(user, UserMemory(memory=f"fact of {user}"))
            db.add_runs([chat_run("s", user, 0, ("user", f"hi from {user}"))])
            db.upsert_summary(SessionSummary(session_id="s", user_id=user, summary="a day"))
        with pytest.raises(ConfigError, match="all_users"):
            db.clear()
        db.clear("u1")
        assert db.count_memories("u1") == 0
        assert db.get_runs("u1") == [] and db.list_messages("u1") == []
        assert db.list_summaries("u1") == []
        assert db.count_memories("u2") == 1 and len(db.get_runs("u2")) == 1
        assert len(db.list_summaries("u2")) == 1
        db.clear(all_users=True)
        assert db.count_memories("u2") == 0 and db.get_runs("u2") == []
