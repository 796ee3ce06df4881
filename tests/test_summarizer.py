"""SessionSummarizer: full and incremental modes, persisted with the runs they cover."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ExtractionError, NotFoundError
from memlab.llm import LLM
from memlab.llm.sync import run_sync
from memlab.summarizer import SessionSummarizer
from memlab.testing import OpenAIServer, Reply

USER = "ana"


@pytest.fixture
def db() -> Iterator[DuckDbMemoryDb]:
    store = DuckDbMemoryDb(":memory:", write_behind=False)
    yield store
    store.close()


def add_run(memory: Memory, text: str, reply: str = "Noted.") -> str:
    run = memory.add_run(
        "s1",
        [{"role": "user", "content": text}, {"role": "assistant", "content": reply}],
        user_id=USER,
    )
    return run.run_id


def test_full_mode_summarizes_the_whole_session(db: DuckDbMemoryDb) -> None:
    memory = Memory(db)
    first = add_run(memory, "I'm flying to Tokyo on 3 May for a conference.")
    second = add_run(memory, "My sister Maria is coming with me.")
    summary = memory.create_session_summary("s1", user_id=USER)
    assert "Tokyo" in summary.summary and "Maria" in summary.summary
    assert summary.run_ids == [first, second]
    assert memory.get_session_summary("s1", user_id=USER) == summary
    row = db.llm_calls_df().iloc[-1]
    assert (row["purpose"], row["prompt_name"], row["run_id"]) == (
        "summarize",
        "summary-full",
        second,
    )


def test_incremental_mode_sends_only_new_runs_and_the_previous_summary(db: DuckDbMemoryDb) -> None:
    bodies: list[dict[str, Any]] = []

    def answer(body: dict[str, Any]) -> Reply:
        bodies.append(body)
        return Reply(json.dumps({"summary": f"summary {len(bodies)}", "topics": ["travel"]}))

    with OpenAIServer(default=answer) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        memory = Memory(db, model=llm, summarizer=SessionSummarizer(mode="incremental"))
        first = add_run(memory, "I'm flying to Tokyo in May.")
        memory.create_session_summary("s1", user_id=USER)
        second = add_run(memory, "My sister Maria joins me.")
        summary = memory.create_session_summary("s1", user_id=USER)
        again = memory.create_session_summary("s1", user_id=USER)  # nothing new: no call
    assert len(bodies) == 2
    second_request = bodies[1]["messages"][1]["content"]
    assert (
        "summary 1" in second_request
        and "Maria" in second_request
        and "Tokyo" not in second_request
    )
    assert summary.summary == "summary 2" and summary.run_ids == [first, second]
    assert again == summary
    assert db.llm_calls_df()["prompt_name"].tolist() == ["summary-incremental"] * 2


def test_an_unusable_summary_raises_and_stores_nothing(db: DuckDbMemoryDb) -> None:
    with OpenAIServer(default=lambda body: Reply('{"summary": ""}')) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        memory = Memory(db, model=llm)
        add_run(memory, "I'm flying to Tokyo in May.")
        with pytest.raises(ExtractionError, match="the summary is empty"):
            memory.create_session_summary("s1", user_id=USER)
    assert db.get_summary(USER, "s1") is None
    assert len(db.llm_calls_df()) == 2  # the answer and the repair retry


def test_a_session_without_runs_is_not_found(db: DuckDbMemoryDb) -> None:
    with pytest.raises(NotFoundError, match="no runs in session 'nope'"):
        run_sync(SessionSummarizer(LLM(db=db)).asummarize(db, user_id=USER, session_id="nope"))


def test_the_summary_prompt_dates_each_day_of_a_session_and_shows_no_stored_ids(
    db: DuckDbMemoryDb,
) -> None:
    bodies: list[dict[str, Any]] = []

    def answer(body: dict[str, Any]) -> Reply:
        bodies.append(body)
        return Reply(json.dumps({"summary": "Ana flies to Tokyo on 13 May 2023."}))

    def turn(text: str, day: int, hour: int) -> dict[str, Any]:
        return {"role": "user", "content": text, "created_at": datetime(2023, 5, day, hour)}

    with OpenAIServer(default=answer) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        memory = Memory(db, model=llm)
        first = memory.add_run(
            "s1",
            [turn("I fly to Tokyo next Saturday.", 8, 9), turn("Window seat.", 8, 10)],
            user_id=USER,
        )
        memory.add_run("s1", [turn("Yesterday I packed.", 12, 20)], user_id=USER)
        memory.create_session_summary("s1", user_id=USER)
    request = bodies[0]["messages"][1]["content"]
    assert request == (
        "<conversation>\n"
        "[m1] (Mon 2023-05-08) user: I fly to Tokyo next Saturday.\n"
        "[m2] user: Window seat.\n"
        "[m3] (Fri 2023-05-12) user: Yesterday I packed.\n"
        "</conversation>"
    )
    assert first.messages[0].id not in request
    assert db.llm_calls_df()["prompt_version"].tolist() == ["2"]


def test_a_summary_is_dated_by_its_session_not_the_clock(db: DuckDbMemoryDb) -> None:
    memory = Memory(db)
    said = datetime.fromisoformat("2023-05-08T13:56:00+00:00")
    memory.add_run(
        "s1",
        [
            {"role": "user", "content": "I adopted a dog called Bolt.", "created_at": said},
            {"role": "assistant", "content": "Lovely!", "created_at": said.replace(minute=57)},
        ],
        user_id=USER,
    )
    summary = memory.create_session_summary("s1", user_id=USER)
    assert summary.updated_at == said.replace(minute=57)  # the session's last message
    assert memory.get_session_summary("s1", user_id=USER).updated_at == summary.updated_at
