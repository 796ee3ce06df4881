"""Every prompt that asks for JSON sends a bounded JSON schema, through its real caller.

The schemas are checked as JSON Schema (with the `jsonschema` package litellm depends on):
each accepts the answer its prompt describes and refuses a runaway one (a text past its
`maxLength`, a list past its `maxItems`). Each caller (mem0-style's two steps, the session
summarizer, the judge, agentic search) is then run against the local OpenAI-compatible server,
which records the `response_format` it was sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.llm import LLM
from memlab.llm.prompt import PROMPTS
from memlab.llm.qa import judge_answer
from memlab.llm.schemas import (
    MAX_MEMORY_CHARS,
    MAX_SUMMARY_CHARS,
    TASK_FORMATS,
    decisions_response_format,
    facts_response_format,
    memory_ids_response_format,
    summary_response_format,
    verdict_response_format,
)
from memlab.llm.sync import run_sync
from memlab.manager import MemoryManager
from memlab.recall.base import get_strategy
from memlab.schema import Message, UserMemory
from memlab.summarizer import SessionSummarizer
from memlab.testing import OpenAIServer, Reply, Status

USER = "ana"


def _schema(response_format: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = response_format["json_schema"]["schema"]
    return schema


def _unbounded(node: dict[str, Any], path: str = "$") -> list[str]:
    """Paths of strings without maxLength or enum, arrays without maxItems, open objects."""
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    found = []
    if "string" in kinds and "maxLength" not in node and "enum" not in node:
        found.append(path)
    if "array" in kinds:
        if "maxItems" not in node:
            found.append(path)
        found += _unbounded(node["items"], f"{path}[]")
    if "object" in kinds:
        if node.get("additionalProperties") is not False:
            found.append(path)
        for name, child in node["properties"].items():
            found += _unbounded(child, f"{path}.{name}")
    return found


def test_every_json_prompt_has_a_bounded_schema() -> None:
    json_tasks = {p.task for p in (PROMPTS.get(n) for n in PROMPTS.names()) if "JSON" in p.system}
    assert json_tasks == {"extract-json", "facts", "decide", "summarize", "judge", "search"}
    assert json_tasks <= set(TASK_FORMATS)
    for task, make in TASK_FORMATS.items():
        response_format = make()
        assert response_format["type"] == "json_schema"
        Draft202012Validator.check_schema(_schema(response_format))
        assert _unbounded(_schema(response_format)) == [], task


LONG = "x" * (MAX_MEMORY_CHARS + 1)

EXAMPLES = [
    pytest.param(
        facts_response_format(),
        {"facts": [{"text": "Ana lives in Lisbon", "topics": ["home"], "source_message_ids": []}]},
        {"facts": [{"text": LONG}]},
        id="facts",
    ),
    pytest.param(
        decisions_response_format(max_decisions=2),
        {"decisions": [{"fact": 1, "action": "UPDATE", "memory_id": "k1", "text": "Lisbon"}]},
        {"decisions": [{"fact": 1, "action": "ADD"}] * 3},
        id="decisions",
    ),
    pytest.param(
        summary_response_format(),
        {"summary": "Ana flies to Tokyo on 3 May.", "topics": ["travel"]},
        {"summary": "y" * (MAX_SUMMARY_CHARS + 1)},
        id="summary",
    ),
    pytest.param(
        verdict_response_format(),
        {"correct": True, "score": 1.0},
        {"correct": True, "score": 2},
        id="verdict",
    ),
    pytest.param(
        memory_ids_response_format(limit=2),
        {"memory_ids": ["a", "b"]},
        {"memory_ids": ["a", "b", "c"]},
        id="memory-ids",
    ),
]


@pytest.mark.parametrize(("response_format", "good", "runaway"), EXAMPLES)
def test_a_schema_accepts_its_answer_and_refuses_a_runaway(
    response_format: dict[str, Any], good: dict[str, Any], runaway: dict[str, Any]
) -> None:
    validator = Draft202012Validator(_schema(response_format))
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors(runaway)) != []


# ------------------------------------------------------------- callers, through the server
@pytest.fixture
def db() -> Iterator[DuckDbMemoryDb]:
    store = DuckDbMemoryDb(":memory:", write_behind=False)
    yield store
    store.close()


def _serve(db: DuckDbMemoryDb, answers: list[str], run: Callable[[LLM], Any]) -> list[Any]:
    """Run `run` with a model whose server gives `answers` in turn; the formats it was sent."""
    sent: list[Any] = []

    def answer(body: dict[str, Any]) -> Reply:
        sent.append(body.get("response_format"))
        return Reply(answers[min(len(sent), len(answers)) - 1])

    with OpenAIServer(default=answer) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        run(llm)
    return sent


def test_mem0_style_sends_the_facts_and_decisions_schemas(db: DuckDbMemoryDb) -> None:
    db.add_memory(USER, UserMemory(memory="Ana lives in Porto"))
    facts = {"facts": [{"text": "Ana moved to Lisbon", "source_message_ids": ["m1"]}]}
    decision = {"decisions": [{"fact": 1, "action": "UPDATE", "memory_id": "k1", "text": "x"}]}
    messages = [Message(id="t1", role="user", content="I moved to Lisbon.")]
    results: list[Any] = []
    sent = _serve(
        db,
        [json.dumps(facts), json.dumps(decision)],
        lambda llm: results.append(
            run_sync(
                MemoryManager(llm, prompt="mem0-style").acreate_memories(
                    db, messages, user_id=USER, session_id="s1", run_id="r1"
                )
            )
        ),
    )
    assert sent == [facts_response_format(), decisions_response_format(max_decisions=1)]
    assert [(op.op, op.memory) for op in results[0].ops] == [("update", "x")]


def test_the_summarizer_sends_the_summary_schema_and_falls_back_when_refused(
    db: DuckDbMemoryDb,
) -> None:
    answer = json.dumps({"summary": "Ana flies to Tokyo.", "topics": ["travel"]})
    sent: list[Any] = []
    replies = iter([Status(400, body={"error": {"message": "json_schema unsupported"}})])

    def respond(body: dict[str, Any]) -> Any:
        sent.append(body.get("response_format"))
        return next(replies, Reply(answer))

    with OpenAIServer(default=respond) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        memory = Memory(db, model=llm, summarizer=SessionSummarizer())
        memory.add_run("s1", [{"role": "user", "content": "I fly to Tokyo."}], user_id=USER)
        summary = memory.create_session_summary("s1", user_id=USER)
    assert summary.summary == "Ana flies to Tokyo."
    assert sent == [summary_response_format(), {"type": "json_object"}]
    assert llm.schema_refused


def test_the_judge_sends_the_verdict_schema(db: DuckDbMemoryDb) -> None:
    verdicts: list[Any] = []
    sent = _serve(
        db,
        [json.dumps({"correct": True, "score": 0.9})],
        lambda llm: verdicts.append(run_sync(judge_answer(llm, "Where?", "Lisbon", "Lisbon"))),
    )
    assert sent == [verdict_response_format()]
    assert (verdicts[0].correct, verdicts[0].score) == (True, 0.9)


def test_agentic_search_sends_the_ids_schema_bounded_by_its_limit(db: DuckDbMemoryDb) -> None:
    home = db.add_memory(USER, UserMemory(memory="Ana lives in Lisbon")).memory_id
    hits: list[Any] = []
    sent = _serve(
        db,
        [json.dumps({"memory_ids": [home]})],
        lambda llm: hits.extend(
            get_strategy("agentic", llm=llm).search(db, user_id=USER, query="Where?", limit=3)
        ),
    )
    assert sent == [memory_ids_response_format(limit=3)]
    assert sent[0]["json_schema"]["schema"]["properties"]["memory_ids"]["maxItems"] == 3
    assert [h.item_id for h in hits] == [home]


def test_the_prompt_files_are_the_ones_checked() -> None:
    folder = Path(__file__).parents[2] / "memlab" / "llm" / "prompts"
    assert {p.stem for p in folder.glob("*.md")} <= set(PROMPTS.names())
