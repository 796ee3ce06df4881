"""MemoryManager: the three strategies, context policies, provenance, and validation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.llm import LLM
from memlab.llm.context import top_k_similar
from memlab.llm.sync import run_sync
from memlab.manager import ExtractionResult, MemoryManager
from memlab.recall.base import get_strategy
from memlab.schema import Message, UserMemory
from memlab.testing import OpenAIServer, Reply

USER = "ana"
# Ids unlike the prompt's handles (m1, m2, …), so a missed mapping shows.
CONVERSATION = [
    Message(id="turn-a", role="user", content="Hi! I moved to Lisbon last week."),
    Message(id="turn-b", role="assistant", content="Congratulations on the move!"),
    Message(id="turn-c", role="user", content="I work as a nurse and I love sushi."),
]


@pytest.fixture
def db() -> Iterator[DuckDbMemoryDb]:
    store = DuckDbMemoryDb(":memory:", write_behind=False)
    yield store
    store.close()


def extract(
    manager: MemoryManager, db: DuckDbMemoryDb, messages: list[Message] = CONVERSATION
) -> ExtractionResult:
    return run_sync(
        manager.acreate_memories(db, messages, user_id=USER, session_id="s1", run_id="r1")
    )


@pytest.mark.parametrize("prompt", ["agno-v2", "mem0-style", "single-pass-json"])
@pytest.mark.parametrize("context", ["all", "top_k"])
def test_every_strategy_updates_adds_and_cites_its_sources(
    db: DuckDbMemoryDb, prompt: str, context: str
) -> None:
    porto = db.add_memory(USER, UserMemory(memory="Ana lives in Porto")).memory_id
    db.add_memory(USER, UserMemory(memory="Ana has a cat named Tom"))
    manager = MemoryManager(LLM(db=db), prompt=prompt, context=context, top_k=1)  # type: ignore[arg-type]

    result = extract(manager, db)

    ops = {(op.op, op.memory) for op in result.ops}
    assert ("update", "User lives in Lisbon.") in ops
    assert {op.memory for op in result.ops if op.op == "add"} >= {
        "User works as a nurse.",
        "User loves sushi.",
    }
    assert next(op for op in result.ops if op.op == "update").memory_id == porto
    assert result.rejected == []
    calls = db.llm_calls_df()
    assert list(calls["call_id"]) == list(result.call_ids)
    assert result.usage.calls == (2 if prompt == "mem0-style" else 1)
    assert result.usage.input_tokens == calls["input_tokens"].sum()
    assert set(calls["session_id"]) == {"s1"} and set(calls["run_id"]) == {"r1"}
    events = db.events_df(user_id=USER)
    applied = events[events["cause"] == result.call_ids[-1]]
    assert len(applied) == len(result.ops)
    sources = {e["after"]: list(e["source_message_ids"]) for _, e in applied.iterrows()}
    assert sources["User lives in Lisbon."] == ["turn-a"]
    assert sources["User loves sushi."] == ["turn-c"]


def test_top_k_bounds_the_prompt_and_still_finds_the_memory_to_update(db: DuckDbMemoryDb) -> None:
    books = [
        UserMemory(memory=f"Ana read book number {i} about topic {i % 17}") for i in range(300)
    ]
    museums = [UserMemory(memory=f"Ana visited museum {i} on a rainy day") for i in range(300)]
    stored = db.upsert_memories(USER, [*books, UserMemory(memory="Ana lives in Porto"), *museums])
    porto = stored[300].memory_id
    seen: list[dict[str, Any]] = []

    def capture(body: dict[str, Any]) -> Reply:
        seen.append(body)
        handle = re.search(r"\[(k\d+)\] Ana lives in Porto", body["messages"][0]["content"])
        if handle is None:
            return Reply(None)
        update = {"memory_id": handle.group(1), "memory": "Ana lives in Lisbon"}
        return Reply(None, tool_calls=[("update_memory", json.dumps(update))])

    with OpenAIServer(default=capture) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        message = [Message(id="m1", role="user", content="I moved to Lisbon last week.")]
        first = extract(MemoryManager(llm, context="top_k", top_k=5), db, message)
        extract(MemoryManager(llm, context="all"), db, message)
    shown = [body["messages"][0]["content"].count("\n[") for body in seen]
    assert shown == [5, 601]
    assert [(op.op, op.memory_id) for op in first.ops] == [("update", porto)]
    assert porto not in seen[0]["messages"][0]["content"]  # handles, never stored ids


def test_top_k_similar_uses_the_attribute_when_no_word_is_shared() -> None:
    memories = [
        UserMemory(memory_id=str(i), memory=f"Ana enjoys painting number {i}") for i in range(50)
    ]
    memories.insert(20, UserMemory(memory_id="home", memory="Ana lives in Porto"))
    picked = top_k_similar(memories, ["I moved to Lisbon"], 3)
    assert picked[0].memory_id == "home" and len(picked) == 3


def test_a_recall_strategy_can_choose_the_context(db: DuckDbMemoryDb) -> None:
    db.add_memory(USER, UserMemory(memory="Ana lives in Porto"))
    newest = db.add_memory(USER, UserMemory(memory="Ana has a cat named Tom")).memory_id
    seen: list[str] = []

    def capture(body: dict[str, Any]) -> Reply:
        seen.append(body["messages"][0]["content"])
        return Reply(None)

    with OpenAIServer(default=capture) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        manager = MemoryManager(
            llm, context="top_k", top_k=1, context_strategy=get_strategy("last_n")
        )
        result = extract(manager, db)
    assert result.ops == []
    assert newest and "[k1] Ana has a cat named Tom" in seen[0] and "Porto" not in seen[0]


def test_made_up_source_ids_are_replaced_by_the_batch(db: DuckDbMemoryDb) -> None:
    call = ("add_memory", json.dumps({"memory": "Ana loves sushi", "source_message_ids": ["m99"]}))
    with OpenAIServer() as server:
        server.script(Reply(None, tool_calls=[call]))
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        result = extract(MemoryManager(llm), db)
    assert result.ops[0].source_message_ids == ["turn-a", "turn-c"]  # the user turns given


def test_update_memory_task_deletes_what_the_user_asks_to_forget(db: DuckDbMemoryDb) -> None:
    cat = db.add_memory(USER, UserMemory(memory="Ana has a cat named Tom")).memory_id
    db.add_memory(USER, UserMemory(memory="Ana lives in Porto"))
    manager = MemoryManager(LLM(db=db))
    result = run_sync(
        manager.aupdate_memory_task(db, "Please forget about my cat Tom.", user_id=USER)
    )
    assert [(op.op, op.memory_id) for op in result.ops] == [("delete", cat)]
    assert [m.memory for m in db.list_memories(USER)] == ["Ana lives in Porto"]
    assert db.llm_calls_df()["purpose"].tolist() == ["update"]


def test_configuration_errors() -> None:
    with pytest.raises(ConfigError, match="unknown extraction strategy 'mem1'"):
        MemoryManager(prompt="mem1")
    with pytest.raises(ConfigError, match="context must be"):
        MemoryManager(context="some")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="top_k"):
        MemoryManager(top_k=0)
    db = DuckDbMemoryDb(":memory:")
    with pytest.raises(ConfigError, match="has no model"):
        run_sync(MemoryManager().acreate_memories(db, CONVERSATION, user_id=USER))
    with pytest.raises(ConfigError, match="at least one message"):
        run_sync(MemoryManager(LLM()).acreate_memories(db, [], user_id=USER))
    assert MemoryManager(LLM(), prompt="mem0-style").config()["prompt"] == "mem0-style"


def test_a_handle_the_prompt_did_not_show_is_rejected_with_the_reason(db: DuckDbMemoryDb) -> None:
    cat = db.add_memory(USER, UserMemory(memory="Ana has a cat named Tom")).memory_id
    calls = [
        ("update_memory", json.dumps({"memory_id": "k7", "memory": "Ana has two cats"})),
        ("update_memory", json.dumps({"memory_id": cat, "memory": "Ana has a dog"})),
        ("delete_memory", json.dumps({"memory_id": "[K1]"})),
    ]
    with OpenAIServer() as server:
        server.script(Reply(None, tool_calls=calls))
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        result = extract(MemoryManager(llm), db)
    assert [(op.op, op.memory_id) for op in result.ops] == [("delete", cat)]
    reasons = [e.reason for e in result.rejected]
    assert reasons == [
        "unknown memory id 'k7 (not a memory handle of this prompt, which showed k1)'",
        f"unknown memory id '{cat} (not a memory handle of this prompt, which showed k1)'",
    ]
    events = db.events_df(user_id=USER)
    assert sorted(events.loc[events["status"] == "rejected", "reason"]) == sorted(reasons)


def test_the_extraction_prompt_shows_handles_dates_and_clipped_text(db: DuckDbMemoryDb) -> None:
    huge = db.add_memory(USER, UserMemory(memory="Ana wrote " + "very " * 50_000 + "long"))
    seen: list[str] = []

    def capture(body: dict[str, Any]) -> Reply:
        seen.append("\n".join(m["content"] for m in body["messages"]))
        return Reply(None)

    day = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    conversation = [m.model_copy(update={"created_at": day}) for m in CONVERSATION]
    with OpenAIServer(default=capture) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        extract(MemoryManager(llm), db, conversation)
    prompt = seen[0]
    assert "[m1] (Mon 2023-05-08) user: Hi! I moved to Lisbon last week." in prompt
    assert "[m2] assistant: Congratulations on the move!" in prompt
    assert "[k1] Ana wrote very very" in prompt
    assert "… [cut at 4,000 of 250,014 characters]" in prompt
    assert len(prompt) < 8_000
    assert all(i not in prompt for i in ("turn-a", "turn-c", huge.memory_id))


def test_mem0_style_facts_cite_handles_and_carry_their_date(db: DuckDbMemoryDb) -> None:
    porto = db.add_memory(USER, UserMemory(memory="Ana lives in Porto")).memory_id
    bodies: list[str] = []
    facts = {"facts": [{"text": "Ana moved to Lisbon", "source_message_ids": ["m3"]}]}
    decision = {"decisions": [{"fact": 1, "action": "UPDATE", "memory_id": "k1"}]}

    def answer(body: dict[str, Any]) -> Reply:
        bodies.append(body["messages"][-1]["content"])
        return Reply(json.dumps(facts if len(bodies) == 1 else decision))

    day = datetime(2023, 5, 9, tzinfo=UTC)
    conversation = [m.model_copy(update={"created_at": day}) for m in CONVERSATION]
    with OpenAIServer(default=answer) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        result = extract(MemoryManager(llm, prompt="mem0-style"), db, conversation)
    assert '<fact index="1" sources="m3" topics="" date="Tue 2023-05-09">' in bodies[1]
    assert '<similar index="1">\n[k1] Ana lives in Porto\n</similar>' in bodies[1]
    assert [(op.op, op.memory_id, op.source_message_ids) for op in result.ops] == [
        ("update", porto, ["turn-c"])
    ]


@pytest.mark.parametrize("strategy", ["agno-v2", "single-pass-json", "mem0-style"])
def test_memories_keep_the_words_and_the_time_they_came_from(
    db: DuckDbMemoryDb, strategy: str
) -> None:
    said = datetime(2023, 5, 8, 14, 30, tzinfo=UTC)
    message = Message(
        id="turn-z", role="user", content="I adopted a cat named Miso.", created_at=said
    )
    manager = MemoryManager(LLM(db=db), prompt=strategy)
    result = run_sync(manager.acreate_memories(db, [message], user_id=USER))
    assert result.ops
    stored = db.list_memories(USER)
    assert stored, "the offline model kept nothing"
    for memory in stored:
        assert memory.created_at == said
        assert memory.updated_at == said
        assert memory.input == "I adopted a cat named Miso."
        assert memory.source_message_ids == ["turn-z"]
