"""Memory with a model: wiring, create_user_memories, update_memory_task, agentic search."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError, ExtractionError
from memlab.llm import LLM
from memlab.manager import MemoryManager
from memlab.recall.agentic import AgenticSearch
from memlab.recall.base import describe_strategy, get_strategy
from memlab.summarizer import SessionSummarizer
from memlab.testing import OpenAIServer, PlainMemoryDb, Reply


def test_the_default_model_is_the_offline_baseline_sharing_the_store() -> None:
    memory = Memory()
    assert memory.llm.is_baseline and memory.llm.ledger_for(memory.db) is memory.db
    assert memory.manager.llm is memory.llm and memory.summarizer.llm is memory.llm
    result = memory.create_user_memories(
        "I live in Porto and I have a dog named Rex.", user_id="ana"
    )
    assert sorted(op.memory for op in result.ops) == [
        "User has a dog named Rex.",
        "User lives in Porto.",
    ]
    assert result.usage.calls == 1 and result.usage.cost_usd == 0.0
    assert memory.db.llm_calls_df()["is_baseline"].all()


def test_model_string_llm_object_and_none(tmp_path: object) -> None:
    assert Memory(model="openai/my-model").llm.model == "openai/my-model"
    own_db = DuckDbMemoryDb(":memory:")
    llm = LLM(db=own_db)
    memory = Memory(model=llm)
    assert memory.llm is llm and llm.db is own_db  # an LLM keeps the store it was given
    no_model = Memory(model=None)
    with pytest.raises(ConfigError, match="has no model"):
        no_model.llm  # noqa: B018
    with pytest.raises(ConfigError, match="has no model"):
        no_model.create_user_memories("I live in Porto.")
    with pytest.raises(ConfigError, match="litellm model string or an LLM"):
        Memory(model=42)  # type: ignore[arg-type]


def test_one_model_shared_by_two_stores_ledgers_each_call_in_the_store_it_served() -> None:
    llm = LLM()  # no store of its own: every call names the store it serves
    stores = {"a": DuckDbMemoryDb(":memory:"), "b": DuckDbMemoryDb(":memory:")}
    memories = {name: Memory(db, model=llm) for name, db in stores.items()}
    memories["a"].create_user_memories("I live in Porto.", user_id="ana")
    memories["b"].create_user_memories("I have a dog named Rex.", user_id="bo")
    memories["b"].create_user_memories("I work at Siemens.", user_id="bo")
    memories["b"].add_run("s1", [{"role": "user", "content": "I moved to Lisbon."}], user_id="bo")
    memories["b"].create_session_summary("s1", user_id="bo")
    memories["b"].search_user_memories(
        "where does bo work?", retrieval_method="agentic", limit=1, user_id="bo"
    )

    def calls(name: str) -> list[tuple[str, str]]:
        frame = stores[name].llm_calls_df().sort_values("created_at")
        return list(zip(frame["purpose"], frame["user_id"], strict=True))

    assert calls("a") == [("extract", "ana")]
    assert calls("b") == [
        ("extract", "bo"),
        ("extract", "bo"),
        ("summarize", "bo"),
        ("search", "bo"),
    ]
    assert [m.memory for m in memories["a"].get_user_memories(user_id="ana")] == [
        "User lives in Porto."
    ]
    # The model's own store holds no call: each went to the store it served.
    assert llm.db.llm_calls_df().empty
    # A model given its own store keeps every call there, whichever memory makes it.
    own = DuckDbMemoryDb(":memory:")
    Memory(stores["a"], model=LLM(db=own)).create_user_memories("I like tea.", user_id="ana")
    assert len(own.llm_calls_df()) == 1 and calls("a") == [("extract", "ana")]


def test_a_store_without_a_ledger_leaves_the_calls_in_the_model_s_own_store() -> None:
    llm = LLM()
    memory = Memory(PlainMemoryDb(), model=llm)  # the MemoryDb protocol only: no llm_cache
    memory.create_user_memories("I live in Porto.", user_id="ana")
    assert llm.db.llm_calls_df()["purpose"].tolist() == ["extract"]


def test_components_with_their_own_model_keep_it() -> None:
    judge = LLM("openai/other")
    memory = Memory(
        manager=MemoryManager(judge, prompt="single-pass-json"), summarizer=SessionSummarizer(judge)
    )
    assert memory.manager.llm is judge and memory.summarizer.llm is judge
    assert memory.manager.prompt == "single-pass-json"


def test_create_user_memories_takes_one_message_or_many() -> None:
    memory = Memory(user_id="ana")
    with pytest.raises(ConfigError, match=r"needs one of message='...' or messages=\[...\]"):
        memory.create_user_memories()
    with pytest.raises(ConfigError, match="not both"):
        memory.create_user_memories("a", [{"role": "user", "content": "b"}])
    result = memory.create_user_memories(
        messages=[
            {"id": "x1", "role": "user", "content": "I moved to Lisbon."},
            {"role": "assistant", "content": "Nice!"},
        ]
    )
    assert [(op.op, op.source_message_ids) for op in result.ops] == [("add", ["x1"])]
    assert memory.get_user_memories()[0].memory == "User lives in Lisbon."


def test_async_variants_are_the_same_code_path() -> None:
    memory = Memory(user_id="ana")

    async def agent() -> None:
        await memory.acreate_user_memories("I have a cat named Tom.")
        await memory.aupdate_memory_task("Forget my cat.")
        memory.add_run("s1", [{"role": "user", "content": "I love hiking in the Alps."}])
        summary = await memory.acreate_session_summary("s1")
        assert "Alps" in summary.summary

    asyncio.run(agent())
    assert memory.get_user_memories() == []
    assert memory.db.llm_calls_df()["purpose"].tolist() == ["extract", "update", "summarize"]


def test_a_failed_extraction_raises_and_is_never_an_empty_result() -> None:
    with OpenAIServer(default=lambda body: Reply("I'd rather not.")) as server:
        memory = Memory(
            model=LLM("openai/test-model", api_base=server.base_url, api_key="k"),
            manager=MemoryManager(prompt="single-pass-json"),
        )
        with pytest.raises(ExtractionError) as err:
            memory.create_user_memories("I live in Porto.", user_id="ana")
    assert err.value.raw == "I'd rather not." and err.value.call_id
    assert memory.get_user_memories(user_id="ana") == []


def test_agentic_search_is_scoped_to_the_user_and_drops_made_up_ids() -> None:
    memory = Memory()
    home = memory.add_user_memory("Ana lives in Lisbon", user_id="ana")
    cat = memory.add_user_memory("Ana has a cat named Tom", user_id="ana")
    bob = memory.add_user_memory("Bob lives in Paris", user_id="bob")
    answer = json.dumps({"memory_ids": ["made-up", bob, home, home, cat]})
    bodies: list[str] = []

    def responder(body: dict[str, object]) -> Reply:
        bodies.append(json.dumps(body))
        return Reply(answer)

    with OpenAIServer(default=responder) as server:
        llm = LLM("openai/test-model", db=memory.db, api_base=server.base_url, api_key="k")
        strategy = get_strategy("agentic", llm=llm)
        hits = strategy.search(memory.db, user_id="ana", query="Where does Ana live?", limit=5)
        found = Memory(memory.db, model=llm).search_user_memories(
            "Where does Ana live?", retrieval_method="agentic", limit=1, user_id="ana"
        )
    assert [h.item_id for h in hits] == [home, cat]
    assert isinstance(strategy, AgenticSearch)
    assert strategy.last_result is not None and strategy.last_result.dropped_ids == ["made-up", bob]
    assert strategy.dropped_total == 2
    assert [m.memory_id for m in found] == [home]
    assert "Paris" not in bodies[0]  # another user's memories are never shown
    assert describe_strategy(strategy).options == {
        "llm": "openai/test-model",
        "prompt": "agentic-search",
        "max_candidates": None,
    }


def test_agentic_search_through_memory_uses_the_memory_model() -> None:
    memory = Memory(user_id="ana")
    memory.add_user_memory("Ana lives in Lisbon")
    cat = memory.add_user_memory("Ana has a cat named Tom")
    found = memory.search_user_memories(
        "What is the name of Ana's cat?", retrieval_method="agentic", limit=1
    )
    assert [m.memory_id for m in found] == [cat]
    assert memory.db.llm_calls_df()["purpose"].tolist() == ["search"]
    with pytest.raises(ConfigError, match="needs a model"):
        get_strategy("agentic")


def test_the_same_message_twice_is_one_request_and_the_cached_answer_maps_to_each_user() -> None:
    # create_user_memories(message=...) makes a Message with a random id and created_at=now:
    # the prompt shows neither (a handle, and the date only), so the second call is a cache hit.
    def move(body: dict[str, Any]) -> Reply:
        update = {
            "memory_id": "k1",
            "memory": "User lives in Lisbon.",
            "source_message_ids": ["m1"],
        }
        return Reply(None, tool_calls=[("update_memory", json.dumps(update))])

    with OpenAIServer(default=move) as server:
        memory = Memory(model=LLM("openai/test-model", api_base=server.base_url, api_key="k"))
        results = {}
        for user in ("ana", "bea"):
            home = memory.add_user_memory("User lives in Porto.", user_id=user)
            result = memory.create_user_memories("I moved to Lisbon last week.", user_id=user)
            results[user] = (home, result)
    assert len(server.requests) == 1
    calls = memory.db.llm_calls_df()
    assert calls["cached"].tolist() == [False, True]
    assert calls["request_hash"].nunique() == 1 and calls["input_tokens"].nunique() == 1
    for user, (home, result) in results.items():
        (op,) = result.ops
        assert (op.op, op.memory_id) == ("update", home)
        stored = memory.get_user_memories(user_id=user)
        assert [m.memory for m in stored] == ["User lives in Lisbon."]
        assert stored[0].source_message_ids == op.source_message_ids != ["m1"]
