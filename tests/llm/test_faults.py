"""Faults through the real HTTP path: litellm → openai SDK → httpx → a scripted local server.

For each fault: the outcome (retried / applied / rejected / error), the `llm_calls` rows
written, that nothing is half-written in `memories`, how many requests the server saw, and
that the message names the address and the fix and quotes an HTTP status only when the server
sent one.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ExtractionError, ModelCallError
from memlab.llm import LLM
from memlab.llm.network import block_network
from memlab.llm.parse import complete_parsed, ops_from_json
from memlab.llm.sync import run_sync
from memlab.manager import MemoryManager
from memlab.schema import Message
from memlab.testing import EmptyChoices, FakeClock, Hang, OpenAIServer, Raw, Reply, Status

HttpLLM = Callable[..., LLM]
CHECK_SERVER = (
    "Check that api_base is the server's OpenAI-compatible endpoint (usually ending in /v1) "
    "and the server's logs"
)

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
    # Prompts name memories and messages by handles: Porto is the only memory shown (k1).
    args = {"memory_id": "k1", "memory": "Ana lives in Lisbon", "source_message_ids": ["m1"]}
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


def test_429_with_retry_after_is_retried_then_applied(world: World, clock: FakeClock) -> None:
    world.server.script(
        Status(429, headers={"Retry-After": "1"}), Reply(None, tool_calls=[update_porto(world)])
    )
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert clock.waits == [1.0]  # Retry-After honoured (the jitter is below 0.01 s)
    assert [(op.op, op.memory_id) for op in result.ops] == [("update", world.porto_id)]
    calls = world.calls()
    assert len(calls) == 1
    assert calls["attempts"][0] == 2 and pd.isna(calls["error"][0])
    assert (
        world.memory.get_user_memory(world.porto_id, user_id=USER).memory == "Ana lives in Lisbon"
    )
    assert len(world.server.requests) == 2


def test_500_is_retried_then_applied(world: World, clock: FakeClock) -> None:
    world.server.script(Status(500), Reply(None, tool_calls=[update_porto(world)]))
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert len(result.ops) == 1
    assert world.calls()["attempts"].tolist() == [2]
    assert len(clock.waits) == 1 and 0 <= clock.waits[0] <= 0.01  # full jitter under 0.01 s


def test_the_backoff_ceiling_doubles_per_retry_and_a_fake_clock_records_it(
    http_llm: HttpLLM, server: OpenAIServer, clock: FakeClock
) -> None:
    server.script(Status(500), Status(503), Status(502), Reply("third time lucky"))
    llm = http_llm(max_retries=3, retry_base_delay_s=1.0)
    assert llm.complete(HELLO, purpose="answer").text == "third time lucky"
    assert len(server.requests) == 4 and len(clock.waits) == 3
    ceilings = [1.0, 2.0, 4.0]  # full jitter: each wait is drawn from [0, ceiling]
    assert all(0 <= w <= c for w, c in zip(clock.waits, ceilings, strict=True))
    assert clock.now == sum(clock.waits)


def test_hang_past_the_timeout_is_retried_then_applied(world: World) -> None:
    world.server.script(Hang(3.0), Reply(None, tool_calls=[update_porto(world)]))
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert len(result.ops) == 1
    assert world.calls()["attempts"].tolist() == [2]


def test_hang_every_time_is_an_error_naming_timeout_s_and_writes_nothing(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    world.server.script(Hang(3.0), Hang(3.0), Hang(3.0))
    with pytest.raises(ModelCallError) as err:
        world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    message = str(err.value)
    assert message == (
        f"no answer from {world.server.base_url} for 'openai/test-model' within 0.5 s: "
        "raise LLM(timeout_s=...) or check the server (gave up after 3 attempts)"
    )
    assert len(world.server.requests) == 3
    calls = world.calls()
    assert len(calls) == 1 and calls["attempts"][0] == 3
    assert calls["error"][0] == message and calls["call_id"][0] == err.value.call_id
    assert_unchanged(world, before, events)


def test_truncated_response_body_is_retried(world: World) -> None:
    world.server.script(
        Raw('{"id": "x", "choices": [{"index": 0, "message": {"role": "assi'),
        Reply(None, tool_calls=[update_porto(world)]),
    )
    result = world.memory.create_user_memories(messages=MESSAGES, user_id=USER)
    assert len(result.ops) == 1
    assert world.calls()["attempts"].tolist() == [2]


def test_an_answer_cut_at_max_tokens_is_an_error_without_a_repair(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    cut = '{"ops": [{"op": "update", "memory_id": "x", "memory": "Ana lives in Lis'
    world.server.script(Reply(cut, finish_reason="length"), Reply(cut, finish_reason="length"))
    with pytest.raises(ExtractionError, match="not retried: a repair prompt would run into") as err:
        extract(world, "single-pass-json")
    assert err.value.raw == cut
    calls = world.calls()
    assert len(calls) == 1 and len(world.server.requests) == 1  # the cap is not paid twice
    assert calls["call_id"].iloc[-1] == err.value.call_id
    assert calls["error"].str.startswith("unusable output: the answer was cut at").all()
    assert_unchanged(world, before, events)


def test_truncated_json_answer_is_repaired_once(world: World) -> None:
    update = {"op": "update", "memory_id": "k1", "memory": "Ana lives in Lisbon"}
    good = json.dumps({"ops": [{**update, "source_message_ids": ["m1"]}]})
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
    reasons = [str(e.reason) for e in result.rejected]
    # The prompt showed one handle (k1); a made-up id and another user's real id are both
    # ids it did not show.
    assert reasons[0].startswith("unknown memory id 'no-such-id")
    assert reasons[1].startswith(f"unknown memory id '{world.bob_id}")
    assert reasons[2] == "add with empty memory text"
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
    with pytest.raises(ModelCallError) as err:
        extract(world)
    assert str(err.value) == (
        f"the server at {world.server.base_url} answered 'openai/test-model' with a body that "
        f"is not a chat completion: an empty 'choices' list, so no message. {CHECK_SERVER}"
    )
    calls = world.calls()
    assert len(calls) == 1 and calls["attempts"][0] == 1
    assert calls["call_id"][0] == err.value.call_id and calls["error"][0] == str(err.value)
    assert_unchanged(world, before, events)


def test_401_after_an_explicit_key_says_that_key_was_refused(world: World) -> None:
    before, events = world.memories(), len(world.db.events_df())
    world.server.script(Status(401), Reply("never reached"))
    with pytest.raises(ModelCallError) as err:
        extract(world)
    message = str(err.value)
    assert message.startswith(
        f"the server at {world.server.base_url} refused the API key passed as LLM(api_key=...) "
        "for 'openai/test-model' (HTTP 401: Incorrect API key provided"
    )
    assert "OPENAI_API_KEY" not in message  # the user passed a key: do not send them to env
    assert len(world.server.requests) == 1
    calls = world.calls()
    assert calls["attempts"].tolist() == [1] and calls["error"][0] == message
    assert_unchanged(world, before, events)


# --------------------------------------------------------------------------------------------
# Messages that tell the truth: what happened, where, what to do; a status only when sent.

HELLO = [{"role": "user", "content": "Say hello to Ana."}]


@pytest.fixture
def closed_url() -> Iterator[str]:
    """A loopback address where nothing listens: the port is bound but never accepts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def test_refused_connection_names_the_address_and_invents_no_status(
    http_llm: HttpLLM, db: DuckDbMemoryDb, closed_url: str
) -> None:
    llm = http_llm(api_base=closed_url, max_retries=2)
    with pytest.raises(ModelCallError) as err:
        llm.complete(HELLO, purpose="answer")
    message = str(err.value)
    assert message.startswith(
        f"could not connect to {closed_url} for 'openai/test-model': is the server running? "
        "(ConnectionRefusedError: "
    )
    assert message.endswith("(gave up after 3 attempts)")
    assert "HTTP" not in message and "500" not in message
    calls = db.llm_calls_df()
    assert calls["attempts"].tolist() == [3] and calls["error"][0] == message


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"id": "x", "choices": [{"index": 0, "message": {"role": "assi', id="cut"),
        pytest.param("<html><body>502 from the proxy</body></html>", id="html"),
    ],
)
def test_a_body_that_is_not_json_says_so_without_an_invented_500(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb, body: str
) -> None:
    server.script(Raw(body), Raw(body), Raw(body))
    with pytest.raises(ModelCallError) as err:
        http_llm(max_retries=2).complete(HELLO, purpose="answer")
    message = str(err.value)
    assert message.startswith(
        f"the server at {server.base_url} returned a body that is not valid JSON for "
        "'openai/test-model' ("
    )
    assert "check that api_base is the server's OpenAI-compatible endpoint" in message
    assert "HTTP" not in message and "500" not in message
    assert message.endswith("(gave up after 3 attempts)")
    assert len(server.requests) == 3
    assert db.llm_calls_df()["attempts"].tolist() == [3]


@pytest.mark.parametrize(
    ("body", "lacked"),
    [
        # `{}` was blamed on litellm ("failed inside litellm, not at a server"), `null`, `[]`
        # and a JSON string were called "not valid JSON", and `{"choices": []}` named no server.
        pytest.param("{}", "a JSON object without a 'choices' list", id="empty-object"),
        pytest.param(
            '{"choices": null}', "a JSON object without a 'choices' list", id="choices-null"
        ),
        pytest.param("null", "JSON null instead of an object with a 'choices' list", id="null"),
        pytest.param(
            "[]", "an empty JSON array instead of an object with a 'choices' list", id="array"
        ),
        pytest.param(
            '"busy"',
            "a string instead of an object with a 'choices' list; it begins 'busy'",
            id="string",
        ),
        pytest.param(
            '{"choices": [{}]}',
            "a 'choices' list whose first item litellm could not read (AttributeError: "
            "'NoneType' object has no attribute 'get')",
            id="choice-without-message",
        ),
        pytest.param('{"choices": []}', "an empty 'choices' list, so no message", id="no-choices"),
    ],
)
def test_a_json_body_that_is_not_a_completion_names_the_server_and_what_it_lacked(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb, body: str, lacked: str
) -> None:
    server.script(Raw(body))
    with pytest.raises(ModelCallError) as err:
        http_llm(max_retries=0).complete(HELLO, purpose="answer")
    message = str(err.value)
    assert message == (
        f"the server at {server.base_url} answered 'openai/test-model' with a body that is not "
        f"a chat completion: {lacked}. {CHECK_SERVER}"
    )
    assert "litellm, not at a server" not in message and "not valid JSON" not in message
    assert len(server.requests) == 1
    assert db.llm_calls_df()["error"].tolist() == [message]


def test_server_errors_quote_the_status_the_server_sent(
    http_llm: HttpLLM, server: OpenAIServer
) -> None:
    server.script(Status(503), Status(503), Status(503))
    with pytest.raises(ModelCallError) as err:
        http_llm(max_retries=2).complete(HELLO, purpose="answer")
    assert str(err.value) == (
        f"the server at {server.base_url} failed the call to 'openai/test-model' (HTTP 503: "
        "Error (scripted HTTP 503 from the memlab test server).) (gave up after 3 attempts)"
    )
    assert len(server.requests) == 3


def test_no_api_key_fails_at_once_without_a_request(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    # Not on this machine, so no placeholder key; 10.0.0.1 is refused before any request.
    far = http_llm(api_key=None, api_base="http://10.255.255.1:9/v1")
    with block_network(allow=("127.0.0.1", "10.255.255.1")), pytest.raises(ModelCallError) as err:
        far.complete(HELLO, purpose="answer")
    assert str(err.value) == (
        "no API key for 'openai/test-model': pass LLM(api_key=...) or set OPENAI_API_KEY "
        "(a server that needs none takes api_key='none')"
    )
    assert len(server.requests) == 0
    assert db.llm_calls_df()["attempts"].tolist() == [1]  # not retried
    # A server on this machine gets the placeholder "none" without being asked.
    assert http_llm(api_key=None).complete(HELLO, purpose="answer").text == "ok"
    assert server.requests[-1].headers.get("authorization") == "Bearer none"


def test_a_key_refused_by_a_server_that_checks_keys(
    db: DuckDbMemoryDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    with OpenAIServer(api_key="sk-right") as server:
        base = server.base_url
        wrong = LLM("openai/test-model", db=db, api_base=base, api_key="sk-wrong")
        with pytest.raises(ModelCallError) as explicit:
            wrong.complete(HELLO, purpose="answer")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
        from_env = LLM("openai/test-model", db=db, api_base=base)
        with pytest.raises(ModelCallError) as environment:
            from_env.complete(HELLO, purpose="answer", use_cache=False)
        right = LLM("openai/test-model", db=db, api_base=base, api_key="sk-right")
        assert right.complete(HELLO, purpose="answer", use_cache=False).text == "ok"
        assert len(server.requests) == 3  # one each: a refused key is not retried
    assert f"the server at {base} refused the API key passed as LLM(api_key=...)" in str(
        explicit.value
    )
    assert "OPENAI_API_KEY" not in str(explicit.value)
    assert str(environment.value).startswith(
        f"the server at {base} refused the API key from OPENAI_API_KEY for 'openai/test-model' "
        "(HTTP 401: Incorrect API key provided"
    )
    assert str(environment.value).endswith("check that key, or give another: pass LLM(api_key=...)")


@pytest.mark.parametrize(
    ("retry_after", "cap", "options"),
    [
        pytest.param("120", "60", {}, id="default-cap"),
        pytest.param("3", "0.5", {"max_retry_after_s": 0.5}, id="set-from-LLM"),
    ],
)
def test_a_retry_after_beyond_the_cap_gives_up_naming_both(
    http_llm: HttpLLM,
    server: OpenAIServer,
    retry_after: str,
    cap: str,
    options: dict[str, float],
) -> None:
    server.script(Status(429, headers={"Retry-After": retry_after}), Reply("never reached"))
    with pytest.raises(ModelCallError) as err:
        http_llm(**options).complete(HELLO, purpose="answer")
    assert str(err.value) == (
        f"the server at {server.base_url} answered HTTP 429 for 'openai/test-model' and asked "
        f"to retry after {retry_after} s (Retry-After), longer than max_retry_after_s={cap} s, "
        "so memlab gave up instead of stalling: raise LLM(max_retry_after_s=...) to wait that "
        "long, or try again later"
    )
    assert len(server.requests) == 1


def test_a_raised_cap_waits_for_the_retry_after(
    http_llm: HttpLLM, server: OpenAIServer, clock: FakeClock
) -> None:
    server.script(Status(429, headers={"Retry-After": "1"}), Reply("after the wait"))
    llm = http_llm(max_retry_after_s=2)
    assert llm.complete(HELLO, purpose="answer").text == "after the wait"
    assert len(server.requests) == 2 and clock.waits == [1.0]


# --------------------------------------------------------------------------------------------
# Unusable answers replayed from the cache say so, and cache="refresh" gets past them.


def parsed_ops(llm: LLM) -> object:
    return run_sync(complete_parsed(llm, HELLO, ops_from_json, purpose="extract"))


def test_an_unusable_answer_from_the_cache_says_so_and_refresh_asks_again(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    server.script(Reply("not json"), Reply("still not json"))
    with pytest.raises(ExtractionError) as fresh:
        parsed_ops(http_llm())
    assert "llm_cache" not in str(fresh.value)
    first_calls = db.llm_calls_df()
    assert len(server.requests) == 2

    # The same requests again: both answers are replayed, and the error says so.
    with pytest.raises(ExtractionError) as replayed:
        parsed_ops(http_llm())
    message = str(replayed.value)
    assert len(server.requests) == 2  # nothing was sent: the failure is reproduced
    for call_id, at in zip(first_calls["call_id"], first_calls["created_at"], strict=True):
        assert f"first given to call {call_id} at {at:%Y-%m-%d %H:%M:%S} UTC" in message
    assert message.endswith(
        "The answers came from llm_cache: to ask the model again, use LLM(cache='refresh') "
        "(re-asks the model and overwrites the cached answer) or LLM(cache=False) (neither "
        "reads nor writes the cache)."
    )
    assert db.llm_calls_df()["cached"].tolist() == [False, False, True, True]

    # The server is fixed; cache="refresh" re-asks and overwrites the entry ...
    server.script(Reply('{"ops": [{"op": "add", "memory": "Ana says hello"}]}'))
    assert run_sync(
        complete_parsed(http_llm(cache="refresh"), HELLO, ops_from_json, purpose="extract")
    ).value[0].memory == ("Ana says hello")
    assert len(server.requests) == 3
    # ... so the default cache now replays the good answer.
    done = run_sync(complete_parsed(http_llm(), HELLO, ops_from_json, purpose="extract"))
    assert done.completion.cached and done.value[0].memory == "Ana says hello"
    assert len(server.requests) == 3


def test_cache_false_neither_reads_nor_writes(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    http_llm().complete(HELLO, purpose="answer")
    server.script(Reply("fresh"))
    assert http_llm(cache=False).complete(HELLO, purpose="answer").text == "fresh"
    assert http_llm().complete(HELLO, purpose="answer").text == "ok"  # not overwritten
    assert len(server.requests) == 2
