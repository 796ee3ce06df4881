"""`memlab/offline` through litellm: task detection, answer shapes, real token counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.llm import LLM, answer_question, get_prompt, judge_answer
from memlab.llm.offline.model import respond
from memlab.llm.sections import render_block, render_items, render_turns
from memlab.llm.sync import run_sync
from memlab.llm.tools import MEMORY_TOOLS
from memlab.tokens import count_tokens


def extraction_messages(
    turns: list[tuple[str, str, str]], memories: list[tuple[str, str]]
) -> list[dict[str, str]]:
    return get_prompt("agno-v2").render(
        options={"include_assistant": False},
        memories=render_block("memories", render_items(memories)),
        conversation=render_block("conversation", render_turns(turns)),
        assistant_note="",
    )


def test_moving_updates_the_stored_location_through_tool_calls(db: DuckDbMemoryDb) -> None:
    messages = extraction_messages(
        [("m1", "user", "I moved to Lisbon last week.")],
        [("mem-porto", "Ana lives in Porto"), ("mem-cat", "Ana has a cat named Tom")],
    )
    done = LLM(db=db).complete(messages, purpose="extract", tools=MEMORY_TOOLS)
    assert done.text is None and done.finish_reason == "tool_calls"
    assert [c.name for c in done.tool_calls] == ["update_memory"]
    args = json.loads(done.tool_calls[0].arguments)
    assert args["memory_id"] == "mem-porto"
    assert "Lisbon" in args["memory"] and args["source_message_ids"] == ["m1"]


def test_chit_chat_gives_no_tool_call() -> None:
    messages = extraction_messages([("m1", "user", "Hi! How are you today? Thanks a lot.")], [])
    assert respond(messages, tools=MEMORY_TOOLS).tool_calls == []


def test_assistant_turns_are_ignored_unless_asked() -> None:
    turns = [("m1", "assistant", "So you moved to Berlin.")]
    plain = extraction_messages(turns, [])
    assert respond(plain, tools=MEMORY_TOOLS).tool_calls == []
    with_assistant = get_prompt("agno-v2").render(
        options={"include_assistant": True},
        memories=render_block("memories", ""),
        conversation=render_block("conversation", render_turns(turns)),
        assistant_note="",
    )
    assert respond(with_assistant, tools=MEMORY_TOOLS).tool_calls != []


def test_usage_is_counted_on_request_and_response_text(db: DuckDbMemoryDb) -> None:
    messages = extraction_messages([("m1", "user", "I work as a nurse in Porto.")], [])
    done = LLM(db=db).complete(messages, purpose="extract", tools=MEMORY_TOOLS)
    request_text = "\n".join(m["content"] for m in messages) + "\n" + json.dumps(MEMORY_TOOLS)
    assert done.usage.input_tokens == count_tokens(request_text)
    response_text = sum(count_tokens(c.name) + count_tokens(c.arguments) for c in done.tool_calls)
    assert done.usage.output_tokens == response_text
    assert done.usage.cost_usd == 0.0


def test_single_pass_json_answers_one_object() -> None:
    messages = get_prompt("single-pass-json").render(
        options={"include_assistant": False},
        memories=render_block("memories", ""),
        conversation=render_block(
            "conversation", render_turns([("m1", "user", "I have a dog named Rex.")])
        ),
        assistant_note="",
    )
    answer = json.loads(respond(messages).text or "")
    assert [op["op"] for op in answer["ops"]] == ["add"]
    assert "Rex" in answer["ops"][0]["memory"]


def test_summary_is_extractive_json() -> None:
    turns = [
        ("a", "user", "Hi there!"),
        ("b", "user", "I'm flying to Tokyo on 3 May for a conference."),
        ("c", "assistant", "Have a great trip."),
    ]
    messages = get_prompt("summary-full").render(
        conversation=render_block("conversation", render_turns(turns))
    )
    answer = json.loads(respond(messages).text or "")
    assert "Tokyo" in answer["summary"] and "Hi there" not in answer["summary"]
    assert isinstance(answer["topics"], list)


def test_answer_and_judge_helpers(db: DuckDbMemoryDb) -> None:
    llm = LLM(db=db)
    answered = run_sync(
        answer_question(
            llm, "Where does Ana live?", ["Ana has a cat named Tom.", "Ana lives in Lisbon."]
        )
    )
    assert "Lisbon" in answered.text
    good = run_sync(judge_answer(llm, "Where does Ana live?", "Lisbon", answered.text))
    bad = run_sync(judge_answer(llm, "Where does Ana live?", "Lisbon", "Porto"))
    assert good.correct and not bad.correct
    assert (good.model, good.prompt) == ("memlab/offline", get_prompt("judge").label)
    purposes = db.llm_calls_df()["purpose"].tolist()
    assert purposes == ["answer", "judge", "judge"]


def test_search_picks_ids_by_overlap() -> None:
    messages = get_prompt("agentic-search").render(
        options={"limit": 1},
        query=render_block("query", "What is the name of Ana's cat?"),
        memories=render_block(
            "memories",
            render_items([("m-1", "Ana lives in Lisbon"), ("m-2", "Ana has a cat named Tom")]),
        ),
        limit="1",
    )
    assert json.loads(respond(messages).text or "") == {"memory_ids": ["m-2"]}


@pytest.mark.parametrize(
    ("messages", "tools", "shape"),
    [
        pytest.param(
            [{"role": "user", "content": "I live in Oslo."}],
            MEMORY_TOOLS,
            "tools",
            id="tools-without-header",
        ),
        pytest.param(
            [{"role": "user", "content": "What is the capital?"}], None, "text", id="plain-chat"
        ),
    ],
)
def test_requests_without_a_memlab_header(
    messages: list[dict[str, str]], tools: object, shape: str
) -> None:
    answer = respond(messages, tools=tools)  # type: ignore[arg-type]
    if shape == "tools":
        assert [name for name, _ in answer.tool_calls] == ["add_memory"]
    else:
        assert answer.text is not None and not answer.tool_calls


def test_the_offline_model_is_deterministic(db: DuckDbMemoryDb) -> None:
    messages = extraction_messages(
        [("m1", "user", "My sister Maria lives in Madrid and I love hiking.")], []
    )
    llm = LLM(db=db, cache=False)
    first = llm.complete(messages, purpose="extract", tools=MEMORY_TOOLS)
    second = llm.complete(messages, purpose="extract", tools=MEMORY_TOOLS)
    assert first.tool_calls == second.tool_calls and first.usage == second.usage


def test_summary_and_answer_resolve_relative_dates_like_extraction() -> None:
    # The same resolution as extraction: a temporal probe asked months later can be answered.
    monday = datetime(2023, 5, 8, 9, 0, tzinfo=UTC)
    turns = [("m1", "user", "Yesterday I ran my first marathon in Boston.", monday)]
    messages = get_prompt("summary-full").render(
        conversation=render_block("conversation", render_turns(turns))
    )
    summary = json.loads(respond(messages).text or "")["summary"]
    assert "On 7 May 2023 I ran" in summary and "Yesterday" not in summary
    assert answer_text("When did the user run a marathon?", [summary]) == "On 7 May 2023"
    dated_turn = "(Mon 2023-05-08) Yesterday I ran my first marathon in Boston."
    assert answer_text("When did the user run a marathon?", [dated_turn]) == "On 7 May 2023"


def answer_text(question: str, context: list[str]) -> str:
    messages = get_prompt("answer").render(
        context=render_block("context", render_items((str(i), t) for i, t in enumerate(context))),
        question=render_block("question", question),
    )
    return respond(messages).text or ""
