"""Stored structures round-trip exactly: JSON and native types, never eval or pickle."""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memlab.db import DuckDbMemoryDb
from memlab.schema import Message, Run, SessionSummary, ToolCall, UserMemory

DB = DuckDbMemoryDb(":memory:")
texts = st.text(min_size=1, max_size=3000).filter(lambda s: s.strip() and "\x00" not in s)
any_text = st.text(max_size=200).filter(lambda s: "\x00" not in s)
nasty = st.sampled_from(
    [
        "'; DROP TABLE memories; --",
        '"quoted"',
        "line\nbreak",
        "__import__('os')",
        "{'a': 1}",
        "\\x00\\n",
    ]
)
times = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(texts, nasty),
    topics=st.lists(any_text, max_size=5),
    sources=st.lists(any_text, max_size=5),
    at=times,
)
def test_memory_round_trips(text: str, topics: list[str], sources: list[str], at: datetime) -> None:
    m = UserMemory(
        memory=text,
        topics=topics,
        source_message_ids=sources,
        input=text,
        created_at=at,
        updated_at=at,
    )
    stored = DB.add_memory("u", m)
    assert DB.get_memory("u", stored.memory_id) == stored


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.one_of(any_text, nasty), name=st.one_of(st.none(), any_text), args=any_text, at=times
)
def test_run_round_trips(content: str, name: str | None, args: str, at: datetime) -> None:
    run = Run(
        session_id="s",
        user_id="u",
        created_at=at,
        messages=[
            Message(role="user", content=content, name=name, created_at=at),
            Message(
                role="assistant",
                content="",
                tool_calls=[ToolCall(id="c1", name="f", arguments=args)],
            ),
            Message(role="tool", content=content, tool_call_id="c1"),
        ],
    )
    DB.add_runs([run])
    (back,) = [r for r in DB.get_runs("u", "s") if r.run_id == run.run_id]
    assert back == run


@settings(max_examples=30, deadline=None)
@given(text=st.one_of(texts, nasty), topics=st.lists(any_text, max_size=4))
def test_summary_round_trips(text: str, topics: list[str]) -> None:
    s = SessionSummary(session_id="s", user_id="u", summary=text, topics=topics, run_ids=topics)
    DB.upsert_summary(s)
    assert DB.get_summary("u", "s") == s
