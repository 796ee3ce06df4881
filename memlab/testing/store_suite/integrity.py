"""The contract every method shares: user scoping, counts, unstorable text, the ledger, closing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError, StoreError
from memlab.schema import LlmCall, MemoryOp, SessionSummary, UserMemory
from memlab.testing.store_suite.records import BAD_TEXT, at, chat_run

__all__ = ["IntegrityContract"]


class IntegrityContract:
    """Tests of what all `MemoryDb` methods promise (mixed into `MemoryDbSuite`).

    Override `ledger_rows` when the backend can read its ledger back, so the ledger test
    checks the rows as well as that recording them never fails.
    """

    def ledger_rows(self, db: MemoryDb) -> list[LlmCall] | None:
        """The ledger rows `db` holds, oldest first; None when the backend cannot read them."""
        return None

    def test_users_never_see_each_other(self, db: MemoryDb) -> None:
        """Every read names one user and returns only that user's data."""
        db.add_memory("u1", UserMemory(memory="secret of u1"))
        db.add_runs([chat_run("s", "u1", 0, ("user", "hello from u1"))])
        db.upsert_summary(SessionSummary(session_id="s", user_id="u1", summary="u1's day"))
        assert db.list_memories("u2") == []
        assert db.count_memories("u2") == 0
        assert db.get_runs("u2") == []
        assert db.get_runs("u2", "s") == []
        assert db.list_messages("u2") == []
        assert db.list_summaries("u2") == []
        assert db.summary_sources("u2", ["s"]) == {"s": []}

    @pytest.mark.parametrize(
        "limit",
        [
            pytest.param(0, id="zero"),
            pytest.param(-1, id="negative"),
            pytest.param(True, id="bool"),
        ],
    )
    def test_a_limit_is_a_positive_int(self, db: MemoryDb, limit: int) -> None:
        """A count or limit of 0, below 0, or a bool is a `ConfigError`."""
        with pytest.raises(ConfigError):
            db.list_memories("u1", limit=limit)
        with pytest.raises(ConfigError):
            db.list_messages("u1", limit=limit)
        with pytest.raises(ConfigError):
            db.get_runs("u1", last_n=limit)

    @pytest.mark.parametrize(
        "user_id", [pytest.param("", id="empty"), pytest.param("  ", id="blank")]
    )
    def test_a_user_id_is_a_non_empty_string(self, db: MemoryDb, user_id: str) -> None:
        """A blank user id is a `ConfigError`, for writes and reads alike."""
        with pytest.raises(ConfigError, match="user_id"):
            db.add_memory(user_id, UserMemory(memory="x"))
        with pytest.raises(ConfigError, match="user_id"):
            db.list_memories(user_id)
        with pytest.raises(ConfigError, match="user_id"):
            db.add_runs([chat_run("s", user_id, 0, ("user", "hi"))])

    def test_the_ledger_records_every_call(self, db: MemoryDb) -> None:
        """`record_llm_call` keeps every row, even one whose text cannot be stored as given."""
        calls = [
            LlmCall(
                purpose="extract",
                model="m",
                request_hash="h1",
                input_tokens=3,
                user_id="u1",
                created_at=at(0),
            ),
            LlmCall(
                purpose="answer", model="m", request_hash="h2", error=BAD_TEXT, created_at=at(1)
            ),
        ]
        for call in calls:
            db.record_llm_call(call)
        db.flush()
        rows = self.ledger_rows(db)
        if rows is None:
            return
        assert [r.call_id for r in rows] == [c.call_id for c in calls]
        assert rows[0].input_tokens == 3 and rows[0].user_id == "u1"
        assert rows[1].error is not None and rows[1].error.startswith("bad ")

    @pytest.mark.parametrize(
        ("field", "write"),
        [
            pytest.param(
                "memory.memory",
                lambda db: db.add_memory("u1", UserMemory(memory=BAD_TEXT)),
                id="memory",
            ),
            pytest.param(
                "memories[1].topics[0]",
                lambda db: db.upsert_memories(
                    "u1", [UserMemory(memory="ok"), UserMemory(memory="x", topics=[BAD_TEXT])]
                ),
                id="topics",
            ),
            pytest.param(
                "runs[0].messages[1].content",
                lambda db: db.add_runs(
                    [chat_run("s", "u1", 0, ("user", "fine"), ("user", BAD_TEXT))]
                ),
                id="message",
            ),
            pytest.param(
                "summary.summary",
                lambda db: db.upsert_summary(
                    SessionSummary(session_id="s", user_id="u1", summary=BAD_TEXT)
                ),
                id="summary",
            ),
            pytest.param(
                "ops[1].memory",
                lambda db: db.apply_ops(
                    "u1",
                    [MemoryOp(op="add", memory="ok"), MemoryOp(op="add", memory=BAD_TEXT)],
                    cause="t",
                ),
                id="op",
            ),
            pytest.param(
                "user_id", lambda db: db.add_memory(BAD_TEXT, UserMemory(memory="x")), id="user"
            ),
        ],
    )
    def test_text_that_cannot_be_stored_is_refused_whole(
        self, db: MemoryDb, field: str, write: Callable[[MemoryDb], object]
    ) -> None:
        """A `ConfigError` naming the field, raised before anything of the call is written."""
        with pytest.raises(ConfigError) as raised:
            write(db)
        assert str(raised.value).startswith(f"{field} ")
        db.flush()
        assert db.list_memories("u1") == []
        assert db.get_runs("u1") == []
        assert db.list_summaries("u1") == []

    def test_flush_then_close_once_or_twice(self, db: MemoryDb) -> None:
        """Writes are readable before and after `flush`; a closed store refuses further use."""
        a = db.add_memory("u1", UserMemory(memory="x"))
        assert db.get_memory("u1", a.memory_id or "") == a
        db.flush()
        assert db.list_memories("u1") == [a]
        db.close()
        db.close()
        with pytest.raises(StoreError):
            db.list_memories("u1")
        with pytest.raises(StoreError):
            db.add_memory("u1", UserMemory(memory="y"))
