"""MemoryManager: the three strategies, context policies, provenance, and validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
CONVERSATION = [
    Message(id="m1", role="user", content="Hi! I moved to Lisbon last week."),
    Message(id="m2", role="assistant", content="Congratulations on the move!"),
    Message(id="m3", role="user", content="I work as a nurse and I love sushi."),
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
    assert sources["User lives in Lisbon."] == ["m1"] and sources["User loves sushi."] == ["m3"]


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
        return Reply(
            None,
            tool_calls=[
                ("update_memory", json.dumps({"memory_id": porto, "memory": "Ana lives in Lisbon"}))
            ],
        )

    with OpenAIServer(default=capture) as server:
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        message = [Message(id="m1", role="user", content="I moved to Lisbon last week.")]
        extract(MemoryManager(llm, context="top_k", top_k=5), db, message)
        extract(MemoryManager(llm, context="all"), db, message)
    shown = [body["messages"][0]["content"].count("\n[") for body in seen]
    assert shown == [5, 601]
    assert porto in seen[0]["messages"][0]["content"]


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
    assert newest in seen[0] and "Porto" not in seen[0]


def test_made_up_source_ids_are_replaced_by_the_batch(db: DuckDbMemoryDb) -> None:
    call = ("add_memory", json.dumps({"memory": "Ana loves sushi", "source_message_ids": ["m99"]}))
    with OpenAIServer() as server:
        server.script(Reply(None, tool_calls=[call]))
        llm = LLM("openai/test-model", db=db, api_base=server.base_url, api_key="k")
        result = extract(MemoryManager(llm), db)
    assert result.ops[0].source_message_ids == ["m1", "m3"]  # the user turns given


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
