"""Faults through the real HTTP path: litellm → openai SDK → httpx → a scripted local server.

For each fault: the outcome (retried / applied / rejected / error), the `llm_calls` rows
written, and that nothing is half-written in `memories`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ExtractionError, ModelCallError
from memlab.llm import LLM
from memlab.manager import MemoryManager
from memlab.schema import Message
from memlab.testing import EmptyChoices, Hang, OpenAIServer, Raw, Reply, Status

HttpLLM = Callable[..., LLM]

USER = "ana"
MESSAGES = [Message(id="m1", role="user", content="I moved to Lisbon last week.")]


@dataclass
class World:
    memory: Memory
    db: DuckDbMemoryDb
    server: OpenAIServer
    porto_id: str
    bob_id: str

    def memories(self) -> pd.DataFrame:
        return self.db.memories_df().drop(columns=["created_at"])

    def calls(self) -> pd.DataFrame:
        return self.db.llm_calls_df()


def update_porto(world: World) -> tuple[str, str]:
    args = {
        "memory_id": world.porto_id,
        "memory": "Ana lives in Lisbon",
        "source_message_ids": ["m1"],
    }
    return ("update_memory", json.dumps(args))


@pytest.fixture
def world(http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb) -> Iterator[World]:
    memory = Memory(db, model=http_llm(timeout_s=0.5, max_retries=2))
    porto = memory.add_user_memory("Ana lives in Porto", user_id=USER)
    bob = memory.add_user_memory("Bob has a dog named Rex", user_id="bob")
    yield World(memory, db, server, porto, bob)


def extract(world: World, prompt: str = "agno-v2") -> object:
    if prompt != "agno-v2":
        world.memory.manager = MemoryManager(world.memory.llm, prompt=prompt)
    return world.memory.create_user_memories(messages=MESSAGES, user_id=USER)


def assert_unchanged(world: World, before: pd.DataFrame, events_before: int) -> None:
    pd.testing.assert_frame_equal(world.memories(), before)
    assert len(world.db.events_df()) == events_before


def test_429_with_retry_after_is_retried_then_applied(world: World) -> None:
    world.server.script(
        Status(429, headers={"Retry-After": "1"}), Reply(None, tool_calls=[update_porto(world)])
    )
    started = time.perf_counter()
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert time.perf_counter() - started >= 1.0  # Retry-After honoured
    assert [(op.op, op.memory_id) for op in result.ops] == [("update", world.porto_id)]
    calls = world.calls()
    assert len(calls) == 1
    assert calls["attempts"][0] == 2 and pd.isna(calls["error"][0])
    assert (
        world.memory.get_user_memory(world.porto_id, user_id=USER).memory == "Ana lives in Lisbon"
    )
    assert len(world.server.requests) == 2


def test_500_is_retried_then_applied(world: World) -> None:
    world.server.script(Status(500), Reply(None, tool_calls=[update_porto(world)]))
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert len(result.ops) == 1
    assert world.calls()["attempts"].tolist() == [2]


def test_hang_past_the_timeout_is_retried_then_applied(world: World) -> None:
    world.server.script(Hang(3.0), Reply(None, tool_calls=[update_porto(world)]))
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert len(result.ops) == 1
    assert world.calls()["attempts"].tolist() == [2]


def test_hang_every_time_is_an_error_and_writes_nothing(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    world.server.script(Hang(3.0), Hang(3.0), Hang(3.0))
    with pytest.raises(ModelCallError, match="gave up after 3 attempts") as err:
        world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    calls = world.calls()
    assert len(calls) == 1 and calls["attempts"][0] == 3
    assert "Timeout" in calls["error"][0] and calls["call_id"][0] == err.value.call_id
    assert_unchanged(world, before, events)


def test_truncated_response_body_is_retried(world: World) -> None:
    world.server.script(
        Raw('{"id": "x", "choices": [{"index": 0, "message": {"role": "assi'),
        Reply(None, tool_calls=[update_porto(world)]),
    )
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert len(result.ops) == 1
    assert world.calls()["attempts"].tolist() == [2]


def test_truncated_json_answer_twice_raises_extraction_error(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    cut = '{"ops": [{"op": "update", "memory_id": "x", "memory": "Ana lives in Lis'
    world.server.script(Reply(cut, finish_reason="length"), Reply(cut, finish_reason="length"))
    with pytest.raises(ExtractionError, match="repair retry") as err:
        extract(world, "single-pass-json")
    assert err.value.raw == cut
    calls = world.calls()
    assert len(calls) == 2
    assert calls["call_id"].iloc[-1] == err.value.call_id
    assert calls["error"].str.startswith("unusable output: ").all()
    # The repair request showed the model its broken answer and the parse error.
    repair = world.server.requests[1].body or {}
    assert repair["messages"][-2] == {"role": "assistant", "content": cut}
    assert "not valid JSON" in repair["messages"][-1]["content"]
    assert_unchanged(world, before, events)


def test_truncated_json_answer_is_repaired_once(world: World) -> None:
    good = json.dumps(
        {
            "ops": [
                {
                    "op": "update",
                    "memory_id": world.porto_id,
                    "memory": "Ana lives in Lisbon",
                    "source_message_ids": ["m1"],
                }
            ]
        }
    )
    world.server.script(Reply('{"ops": [{"op": "upd'), Reply(good))
    result = extract(world, "single-pass-json")
    assert [op.op for op in result.ops] == ["update"]
    assert result.usage.calls == 2 and len(result.call_ids) == 2
    errors = world.calls()["error"].tolist()
    assert errors[0].startswith("unusable output") and pd.isna(errors[1])
    event = world.db.events_df().iloc[-1]
    assert event["cause"] == result.call_ids[-1]


def test_tool_call_with_invalid_arguments_twice_raises(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    bad = ("add_memory", '{"memory": "Ana lives in Lisbon", "topics": ["home"')
    world.server.script(Reply(None, tool_calls=[bad]), Reply(None, tool_calls=[bad]))
    with pytest.raises(ExtractionError, match="arguments of add_memory is not valid JSON") as err:
        extract(world)
    assert "add_memory(" in err.value.raw
    assert len(world.calls()) == 2
    assert_unchanged(world, before, events)


def test_unknown_and_foreign_ids_are_rejected_valid_ops_still_apply(world: World) -> None:
    calls = [
        ("update_memory", json.dumps({"memory_id": "no-such-id", "memory": "Ana lives in Rome"})),
        ("delete_memory", json.dumps({"memory_id": world.bob_id})),
        ("add_memory", json.dumps({"memory": "Ana lives in Lisbon", "source_message_ids": ["m1"]})),
        ("add_memory", json.dumps({"memory": "  "})),
    ]
    world.server.script(Reply(None, tool_calls=calls))
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    call_id = world.calls()["call_id"][0]
    assert [op.op for op in result.ops] == ["add"]
    assert [e.reason for e in result.rejected] == [
        "unknown memory id 'no-such-id'",
        f"memory id {world.bob_id!r} belongs to another user",
        "add with empty memory text",
    ]
    events = world.db.events_df(user_id=USER)
    rejected = events[events["status"] == "rejected"]
    assert len(rejected) == 3 and (rejected["cause"] == call_id).all()
    added = events[(events["status"] == "applied") & (events["op"] == "add")].iloc[-1]
    assert list(added["source_message_ids"]) == ["m1"] and added["cause"] == call_id
    assert (
        world.memory.get_user_memory(world.bob_id, user_id="bob").memory
        == "Bob has a dog named Rex"
    )
    assert len(world.calls()) == 1 and pd.isna(world.calls()["error"][0])


def test_empty_choice_list_is_an_error(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    world.server.script(EmptyChoices())
    with pytest.raises(ModelCallError, match="empty choice list") as err:
        extract(world)
    calls = world.calls()
    assert len(calls) == 1 and calls["attempts"][0] == 1
    assert calls["call_id"][0] == err.value.call_id and "empty choice" in calls["error"][0]
    assert_unchanged(world, before, events)


def test_401_fails_fast_naming_the_key_variable(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    world.server.script(Status(401), Reply("never reached"))
    with pytest.raises(ModelCallError, match="set OPENAI_API_KEY") as err:
        extract(world)
    assert "HTTP 401" in str(err.value)
    assert len(world.server.requests) == 1
    calls = world.calls()
    assert calls["attempts"].tolist() == [1] and calls["error"][0] == str(err.value)
    assert_unchanged(world, before, events)
