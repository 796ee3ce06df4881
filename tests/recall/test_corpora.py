"""Recall over raw messages and over session summaries, with provenance."""

from datetime import UTC, datetime, timedelta

import pytest

from memlab import Memory
from memlab.schema import Message, SessionSummary, ToolCall

T0 = datetime(2024, 5, 1, tzinfo=UTC)
ALL = ["last_n", "first_n", "bm25", "semantic", "hybrid", "recency"]


def said(role: str, text: str, minute: int, **extra: object) -> Message:
    return Message(role=role, content=text, created_at=T0 + timedelta(minutes=minute), **extra)  # type: ignore[arg-type]


@pytest.fixture
def chat(memory: Memory) -> dict[str, list[str]]:
    """Two sessions of Ana, one of Bob; returns message ids by session."""
    s1 = [
        said("system", "You are a helpful assistant about Porto.", 0),
        said("user", "I just moved to Porto for a nursing job.", 1),
        said("assistant", "Congratulations on the move to Porto!", 2),
        said("assistant", "", 3, tool_calls=[ToolCall(id="c1", name="lookup")]),
        said("tool", "Porto weather: sunny", 4, tool_call_id="c1", name="lookup"),
    ]
    s2 = [
        said("user", "I just moved to Porto for a nursing job.", 60, from_history=True),
        said("user", "My cat Miso hates the train.", 61),
        said("assistant", "Cats often dislike travel.", 62),
    ]
    memory.add_run("s1", s1)
    memory.add_run("s2", s2)
    memory.add_run("s9", [said("user", "I live in Porto too, says Bob.", 5)], user_id="bob")
    return {"s1": [m.id for m in s1], "s2": [m.id for m in s2]}


@pytest.mark.parametrize("strategy", ALL)
def test_messages_corpus_holds_what_was_said(
    memory: Memory, chat: dict[str, list[str]], strategy: str
) -> None:
    hits = memory.recall("Porto", strategy=strategy, limit=10, over="messages")

    said_ids = [chat["s1"][1], chat["s1"][2], chat["s2"][1], chat["s2"][2]]
    assert {h.item_id for h in hits} <= set(said_ids)  # no system, tool, empty, history, Bob
    assert all(h.kind == "message" and h.source_message_ids == [h.item_id] for h in hits)
    if strategy in ("last_n", "first_n", "semantic", "recency", "hybrid"):
        assert len(hits) == 4
    by_id = {h.item_id: h for h in hits}
    if chat["s1"][1] in by_id:
        assert by_id[chat["s1"][1]].role == "user"
        assert by_id[chat["s1"][1]].updated_at == T0 + timedelta(minutes=1)


def test_message_order_and_role_filter(memory: Memory, chat: dict[str, list[str]]) -> None:
    newest = memory.recall(None, strategy="last_n", limit=2, over="messages")
    assert [h.text for h in newest] == [
        "My cat Miso hates the train.",
        "Cats often dislike travel.",
    ]
    oldest = memory.recall(None, strategy="first_n", limit=1, over="messages", roles=["system"])
    assert [h.text for h in oldest] == ["You are a helpful assistant about Porto."]
    with_history = memory.recall(
        "nursing", strategy="bm25", limit=5, over="messages", include_history=True
    )
    assert len(with_history) == 2
    tool = memory.recall("weather", strategy="bm25", limit=5, over="messages", roles=["tool"])
    assert [h.text for h in tool] == ["Porto weather: sunny"]


def test_messages_added_later_are_found(memory: Memory, chat: dict[str, list[str]]) -> None:
    assert memory.recall("sushi", strategy="bm25", limit=3, over="messages") == []
    memory.add_run("s3", [said("user", "I had sushi in Lisbon.", 90)])
    assert [h.text for h in memory.recall("sushi", strategy="bm25", limit=3, over="messages")] == [
        "I had sushi in Lisbon."
    ]
    assert memory.recall("Bob", strategy="bm25", limit=3, over="messages") == []


@pytest.fixture
def summaries(memory: Memory, chat: dict[str, list[str]]) -> None:
    runs = {r.session_id: r.run_id for r in memory.get_runs()}
    memory.add_session_summary(
        SessionSummary(
            session_id="s1",
            user_id="ana",
            summary="Ana moved to Porto to work as a nurse.",
            run_ids=[runs["s1"]],
            updated_at=T0,
        )
    )
    memory.add_session_summary(
        SessionSummary(
            session_id="s2",
            user_id="ana",
            summary="Ana's cat Miso dislikes trains.",
            updated_at=T0 + timedelta(hours=1),
        )
    )


@pytest.mark.parametrize("strategy", ALL)
def test_summaries_corpus_cites_the_messages_of_its_runs(
    memory: Memory, chat: dict[str, list[str]], summaries: None, strategy: str
) -> None:
    hits = memory.recall(
        "Which pet does Ana have? a cat", strategy=strategy, limit=2, over="summaries"
    )

    by_id = {h.item_id: h for h in hits}
    assert all(h.kind == "summary" for h in hits)
    assert by_id["s2"].text == "Ana's cat Miso dislikes trains."
    # s2 names no runs: it covers its whole session, replayed history left out.
    assert by_id["s2"].source_message_ids == chat["s2"][1:]
    if "s1" in by_id:
        assert by_id["s1"].source_message_ids == chat["s1"]


def test_summary_updates_and_deletes_show_at_once(
    memory: Memory, chat: dict[str, list[str]], summaries: None
) -> None:
    assert memory.recall("cat", strategy="bm25", limit=2, over="summaries")[0].item_id == "s2"
    memory.add_session_summary(
        SessionSummary(session_id="s2", user_id="ana", summary="Ana travels by train with a dog.")
    )
    assert memory.recall("cat", strategy="bm25", limit=2, over="summaries") == []
    memory.delete_session_summary("s2")
    assert (
        memory.recall("train dog", strategy="semantic", limit=2, over="summaries")[0].item_id
        == "s1"
    )
