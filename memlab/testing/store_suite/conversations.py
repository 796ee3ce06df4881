"""The contract of a store's conversations: runs with their messages, message reads, summaries."""

from __future__ import annotations

import pytest

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.schema import Message, Run, SessionSummary, ToolCall
from memlab.testing.store_suite.records import at, chat_run

__all__ = ["ConversationsContract"]


class ConversationsContract:
    """Tests of the run, message and summary methods of `MemoryDb` (mixed into the suite)."""

    def test_runs_round_trip_with_their_messages(self, db: MemoryDb) -> None:
        """`get_runs` returns the runs as stored, in order, per session, or the last few."""
        first = chat_run("s1", "u1", 0, ("system", "be kind"), ("user", "I adopted a dog"))
        second = Run(
            session_id="s2",
            user_id="u1",
            created_at=at(60),
            status="error",
            messages=[
                Message(role="user", content="Call the shelter", created_at=at(60), name="Ana"),
                Message(
                    role="assistant",
                    content="",
                    created_at=at(61),
                    tool_calls=[ToolCall(id="c1", name="call", arguments='{"to": "shelter"}')],
                ),
                Message(role="tool", content="ringing", created_at=at(62), tool_call_id="c1"),
                Message(role="user", content="I adopted a dog", from_history=True),
            ],
        )
        third = chat_run("s1", "u1", 120, ("user", "He is called Biscuit"))
        db.add_runs([first, second])
        db.add_runs([third])
        assert db.get_runs("u1") == [first, second, third]
        assert db.get_runs("u1", "s1") == [first, third]
        assert db.get_runs("u1", last_n=2) == [second, third]
        assert db.get_runs("u1", "s1", last_n=1) == [third]
        assert db.get_runs("u1", "nope") == []

    def test_messages_come_in_conversation_order(self, db: MemoryDb) -> None:
        """`list_messages`: user and assistant turns by default, no empty or replayed ones."""
        db.add_runs(
            [
                chat_run("s1", "u1", 0, ("system", "rules"), ("user", "one"), ("assistant", "two")),
                chat_run("s2", "u1", 60, ("user", "three"), ("assistant", " "), ("tool", "out")),
            ]
        )
        history = Message(role="user", content="one again", from_history=True)
        db.add_runs([Run(session_id="s2", user_id="u1", created_at=at(90), messages=[history])])
        db.add_runs([chat_run("s2", "u1", 120, ("user", "four"))])

        def texts(messages: list[Message]) -> list[str]:
            return [m.content for m in messages]

        assert texts(db.list_messages("u1")) == ["one", "two", "three", "four"]
        assert texts(db.list_messages("u1", limit=2)) == ["one", "two"]
        assert texts(db.list_messages("u1", order="newest", limit=2)) == ["three", "four"]
        assert texts(db.list_messages("u1", roles=["system", "tool"])) == ["rules", "out"]
        assert texts(db.list_messages("u1", include_history=True)) == [
            "one",
            "two",
            "three",
            "one again",
            "four",
        ]
        with pytest.raises(ConfigError):
            db.list_messages("u1", roles=["narrator"])

    def test_summaries_round_trip_replace_and_delete(self, db: MemoryDb) -> None:
        """One summary per session: stored as given, replaced, listed oldest update first."""
        s1 = SessionSummary(
            session_id="s1", user_id="u1", summary="a dog", topics=["pets"], updated_at=at(10)
        )
        s2 = SessionSummary(session_id="s2", user_id="u1", summary="a shop", updated_at=at(5))
        db.upsert_summary(s1)
        db.upsert_summary(s2)
        assert db.get_summary("u1", "s1") == s1
        assert db.list_summaries("u1") == [s2, s1]
        s2_again = s2.model_copy(update={"summary": "a second shop", "updated_at": at(20)})
        db.upsert_summary(s2_again)
        assert db.list_summaries("u1") == [s1, s2_again]
        assert db.delete_summary("u1", "s1") == s1
        assert db.delete_summary("u1", "s1") is None
        assert db.list_summaries("u1") == [s2_again]

    def test_summary_sources_name_the_messages_a_summary_covers(self, db: MemoryDb) -> None:
        """Named runs, or the whole session; never replayed turns; nothing without a summary."""
        a = chat_run("s1", "u1", 0, ("user", "one"), ("assistant", "two"))
        b = chat_run("s1", "u1", 10, ("user", "three"))
        replay = Message(role="user", content="one", from_history=True)
        four = Message(role="user", content="four", created_at=at(20))
        c = Run(session_id="s2", user_id="u1", created_at=at(20), messages=[replay, four])
        db.add_runs([a, b, c])
        db.upsert_summary(SessionSummary(session_id="s1", user_id="u1", summary="x", run_ids=[]))
        db.upsert_summary(
            SessionSummary(session_id="s2", user_id="u1", summary="y", run_ids=[c.run_id])
        )
        assert db.summary_sources("u1", ["s1", "s2", "s3"]) == {
            "s1": [m.id for m in a.messages + b.messages],
            "s2": [four.id],
            "s3": [],
        }
        db.upsert_summary(
            SessionSummary(session_id="s1", user_id="u1", summary="x", run_ids=[b.run_id])
        )
        assert db.summary_sources("u1", ["s1"]) == {"s1": [b.messages[0].id]}
        assert db.summary_sources("u1", []) == {}
