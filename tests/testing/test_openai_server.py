"""The scripted OpenAI-compatible server, through raw urllib and through a real litellm call."""

from __future__ import annotations

import importlib
import json
import math
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest

import memlab.testing
from memlab.errors import ConfigError
from memlab.testing import (
    EmptyChoices,
    Hang,
    OpenAIServer,
    Raw,
    Reply,
    Status,
    Step,
    echo_responder,
)

USER_MESSAGES = [{"role": "user", "content": "one two three"}]


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as running:
        yield running


@pytest.fixture(scope="module")
def litellm() -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as mp:
        # Without this, importing litellm fetches the model cost map over the network.
        mp.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        module = importlib.import_module("litellm")
        mp.setattr(module, "suppress_debug_info", True)
        yield module


class Answer:
    """What urllib got back: status, headers and body text."""

    def __init__(self, status: int, headers: dict[str, str], text: str) -> None:
        self.status = status
        self.headers = headers
        self.text = text

    def json(self) -> Any:
        return json.loads(self.text)


def post(
    server: OpenAIServer,
    path: str,
    body: dict[str, Any] | bytes,
    *,
    timeout: float = 5.0,
) -> Answer:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        server.base_url + path,
        data=data,
        headers={"Content-Type": "application/json", "Authorization": "Bearer sk-test"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


def chat(server: OpenAIServer, *, timeout: float = 5.0) -> Answer:
    return post(
        server,
        "/chat/completions",
        {"model": "test-model", "messages": USER_MESSAGES},
        timeout=timeout,
    )


def complete(litellm: ModuleType, server: OpenAIServer, **options: Any) -> Any:
    options.setdefault("timeout", 5.0)
    options.setdefault("messages", USER_MESSAGES)
    return litellm.completion(
        model="openai/test-model",
        api_base=server.base_url,
        api_key="sk-test",
        num_retries=0,
        **options,
    )


# -- the surface ----------------------------------------------------------------------------


def test_exports_are_pinned() -> None:
    assert memlab.testing.__all__ == [
        "EmptyChoices",
        "FakeClock",
        "Hang",
        "OpenAIServer",
        "PlainMemoryDb",
        "Raw",
        "RecordedRequest",
        "Reply",
        "Responder",
        "Status",
        "Step",
        "echo_responder",
    ]


def test_two_servers_get_different_ports_and_urls() -> None:
    with OpenAIServer() as first, OpenAIServer() as second:
        assert first.port != second.port
        assert first.base_url == f"http://127.0.0.1:{first.port}/v1"
        assert chat(first).status == 200
        assert chat(second).status == 200


def test_base_url_before_start_says_what_to_do() -> None:
    with pytest.raises(RuntimeError, match="call start"):
        _ = OpenAIServer().base_url


def test_start_twice_is_refused(server: OpenAIServer) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        server.start()


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"latency_s": -1.0}, id="negative-latency"),
        pytest.param({"embedding_dim": 0}, id="zero-dim"),
    ],
)
def test_bad_options_raise_config_error(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        OpenAIServer(**options)


def test_stop_is_idempotent_and_closes_the_port() -> None:
    server = OpenAIServer().start()
    url = server.base_url
    server.stop()
    server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/models", timeout=1)


# -- each step through urllib ---------------------------------------------------------------


def test_reply_is_a_chat_completion_with_counted_usage(server: OpenAIServer) -> None:
    server.script(Reply("hello there"))
    answer = chat(server)
    assert answer.status == 200
    completion = answer.json()
    assert completion["object"] == "chat.completion"
    assert completion["model"] == "test-model"
    assert completion["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hello there"},
            "finish_reason": "stop",
            "logprobs": None,
        }
    ]
    assert completion["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


def test_reply_with_tool_calls_and_given_tokens(server: OpenAIServer) -> None:
    server.script(
        Reply(
            None,
            tool_calls=[("lookup", '{"q": "Ana"}'), ("save", "{}")],
            prompt_tokens=40,
            completion_tokens=9,
        )
    )
    completion = chat(server).json()
    choice = completion["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    calls = choice["message"]["tool_calls"]
    assert [(c["type"], c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("function", "lookup", '{"q": "Ana"}'),
        ("function", "save", "{}"),
    ]
    assert calls[0]["id"] != calls[1]["id"]
    assert completion["usage"] == {"prompt_tokens": 40, "completion_tokens": 9, "total_tokens": 49}


@pytest.mark.parametrize(
    ("step", "error_type", "code", "headers"),
    [
        pytest.param(
            Status(429, headers={"Retry-After": "1"}),
            "requests",
            "rate_limit_exceeded",
            {"Retry-After": "1"},
            id="429",
        ),
        pytest.param(Status(500), "server_error", None, {}, id="500"),
        pytest.param(Status(401), "invalid_request_error", "invalid_api_key", {}, id="401"),
    ],
)
def test_status_sends_an_openai_style_error(
    server: OpenAIServer,
    step: Status,
    error_type: str,
    code: str | None,
    headers: dict[str, str],
) -> None:
    server.script(step)
    answer = chat(server)
    assert answer.status == step.code
    error = answer.json()["error"]
    assert (error["type"], error["code"]) == (error_type, code)
    assert f"scripted HTTP {step.code}" in error["message"]
    for name, value in headers.items():
        assert answer.headers[name] == value


def test_status_with_a_given_body(server: OpenAIServer) -> None:
    server.script(Status(503, body={"detail": "down"}), Status(502, body="<html>bad gateway"))
    first, second = chat(server), chat(server)
    assert (first.status, first.json()) == (503, {"detail": "down"})
    assert (second.status, second.text) == (502, "<html>bad gateway")


def test_hang_outlasts_a_client_timeout(server: OpenAIServer) -> None:
    server.script(Hang(30.0))  # ended by the fixture's stop()
    with pytest.raises(TimeoutError):
        chat(server, timeout=0.3)
    assert server.waited_s == []  # the client gave up while the server still held the request


def test_hang_then_answers(server: OpenAIServer) -> None:
    server.script(Hang(0.3, then=Reply("late")))
    answer = chat(server)
    assert server.waited_s == [0.3]  # held for the whole hang before answering
    assert answer.json()["choices"][0]["message"]["content"] == "late"


def test_hang_does_not_block_other_requests(server: OpenAIServer) -> None:
    server.script(Hang(3.0, then=Reply("late")))
    late: list[Answer] = []
    hung = threading.Thread(target=lambda: late.append(chat(server)), daemon=True)
    hung.start()
    while not server.requests:
        time.sleep(0.01)
    assert chat(server).json()["choices"][0]["message"]["content"] == "ok"
    assert not late  # answered while the hung request still waits
    hung.join(timeout=10)
    assert late[0].json()["choices"][0]["message"]["content"] == "late"


def test_stop_ends_a_hang_promptly() -> None:
    server = OpenAIServer().start()
    server.script(Hang(30.0))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            chat(server, timeout=10.0)
        except Exception as error:
            errors.append(error)

    client = threading.Thread(target=call, daemon=True)
    client.start()
    while not server.requests:
        time.sleep(0.01)
    server.stop()
    client.join(timeout=5)  # the hang had 30 s to go: the client ends because stop ended it
    assert not client.is_alive() and server.waited_s == []
    assert len(errors) == 1  # the hung request got no answer: the connection closed


def test_raw_sends_the_body_verbatim(server: OpenAIServer) -> None:
    server.script(Raw('{"id": "x", "choi'), Raw("nope", status=502, content_type="text/plain"))
    first, second = chat(server), chat(server)
    assert (first.status, first.text, first.headers["Content-Type"]) == (
        200,
        '{"id": "x", "choi',
        "application/json",
    )
    assert (second.status, second.text, second.headers["Content-Type"]) == (
        502,
        "nope",
        "text/plain",
    )


def test_empty_choices(server: OpenAIServer) -> None:
    server.script(EmptyChoices())
    completion = chat(server).json()
    assert completion["choices"] == []
    assert completion["usage"] == {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}


# -- script, default, recording -------------------------------------------------------------


def test_script_is_consumed_in_order_then_default_answers(server: OpenAIServer) -> None:
    server.script(Reply("a"), Status(500))
    server.script(Reply("b"))
    assert server.pending == 3
    answers = [chat(server) for _ in range(4)]
    assert [a.status for a in answers] == [200, 500, 200, 200]
    texts = [a.json()["choices"][0]["message"]["content"] for a in answers if a.status == 200]
    assert texts == ["a", "b", "ok"]
    assert server.pending == 0


def test_echo_responder_repeats_the_last_user_message() -> None:
    with OpenAIServer(default=echo_responder) as server:
        messages = [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "noted"},
            {"role": "user", "content": [{"type": "text", "text": "where does Ana live"}]},
        ]
        completion = post(server, "/chat/completions", {"messages": messages}).json()
    assert completion["choices"][0]["message"]["content"] == "where does Ana live"
    assert completion["usage"]["prompt_tokens"] == 6


def test_a_responder_computes_steps_from_the_body() -> None:
    def responder(body: dict[str, Any]) -> Step:
        return Status(400) if body.get("temperature", 0) > 1 else Reply(str(body["model"]))

    with OpenAIServer(default=responder) as server:
        hot = post(server, "/chat/completions", {"model": "m", "messages": [], "temperature": 2})
        cold = post(server, "/chat/completions", {"model": "m", "messages": []})
    assert hot.status == 400
    assert cold.json()["choices"][0]["message"]["content"] == "m"


def test_a_failing_responder_answers_500_with_the_error() -> None:
    def responder(body: dict[str, Any]) -> Step:
        raise KeyError("missing")

    with OpenAIServer(default=responder) as server:
        answer = chat(server)
    assert answer.status == 500
    assert "KeyError('missing')" in answer.json()["error"]["message"]


def test_requests_are_recorded(server: OpenAIServer) -> None:
    before = time.monotonic()
    chat(server)
    urllib.request.urlopen(server.base_url + "/models", timeout=5).close()
    first, second = server.requests
    assert (first.method, first.path) == ("POST", "/v1/chat/completions")
    assert first.body == {"model": "test-model", "messages": USER_MESSAGES}
    assert first.headers["Authorization"] == "Bearer sk-test"
    assert (second.method, second.path, second.body) == ("GET", "/v1/models", None)
    assert before <= first.time <= second.time


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        pytest.param(
            "/chat/completions",
            {"messages": [], "stream": True},
            400,
            "does not stream",
            id="stream",
        ),
        pytest.param("/chat/completions", b"{not json", 400, "JSON object", id="bad-json"),
        pytest.param("/completions", {"prompt": "x"}, 404, "Unknown path", id="unknown-path"),
    ],
)
def test_refused_requests_do_not_consume_the_script(
    server: OpenAIServer,
    path: str,
    body: dict[str, Any] | bytes,
    status: int,
    message: str,
) -> None:
    server.script(Reply("kept"))
    answer = post(server, path, body)
    assert answer.status == status
    assert message in answer.json()["error"]["message"]
    assert server.pending == 1


def test_models_lists_the_test_model(server: OpenAIServer) -> None:
    with urllib.request.urlopen(server.base_url + "/models", timeout=5) as response:
        listing = json.loads(response.read())
    assert [m["id"] for m in listing["data"]] == ["test-model"]


def test_embeddings_are_deterministic_unit_vectors() -> None:
    with OpenAIServer(embedding_dim=5) as server:
        body = {"model": "emb", "input": ["Ana lives in Lisbon", "Bo", "Ana lives in Lisbon"]}
        result = post(server, "/embeddings", body).json()
        single = post(server, "/embeddings", {"model": "emb", "input": "Bo"}).json()
    vectors = [item["embedding"] for item in result["data"]]
    assert [item["index"] for item in result["data"]] == [0, 1, 2]
    assert [len(v) for v in vectors] == [5, 5, 5]
    assert vectors[0] == vectors[2]
    assert vectors[0] != vectors[1]
    assert single["data"][0]["embedding"] == vectors[1]
    for vector in vectors:
        assert math.sqrt(sum(x * x for x in vector)) == pytest.approx(1.0)
    assert result["usage"] == {"prompt_tokens": 9, "total_tokens": 9}


def test_latency_is_served_concurrently() -> None:
    with OpenAIServer(latency_s=0.2) as server, ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda _: chat(server), range(32)))
    assert [a.status for a in answers] == [200] * 32
    # Held at once, not one after another (a busy machine may start a few late).
    assert server.max_in_flight >= 8


# -- each step through a real litellm call --------------------------------------------------


def test_litellm_gets_reply_content_and_usage(litellm: ModuleType, server: OpenAIServer) -> None:
    server.script(Reply("Ana lives in Lisbon", prompt_tokens=120, completion_tokens=4))
    response = complete(litellm, server)
    assert response.choices[0].message.content == "Ana lives in Lisbon"
    assert response.choices[0].finish_reason == "stop"
    usage = response.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (120, 4, 124)
    assert server.requests[0].body is not None
    assert server.requests[0].body["messages"] == USER_MESSAGES


def test_litellm_gets_tool_calls(litellm: ModuleType, server: OpenAIServer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "save_memory",
            "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
        },
    }
    server.script(Reply(None, tool_calls=[("save_memory", '{"text": "Ana lives in Lisbon"}')]))
    response = complete(litellm, server, tools=[tool])
    call = response.choices[0].message.tool_calls[0]
    assert (call.function.name, json.loads(call.function.arguments)) == (
        "save_memory",
        {"text": "Ana lives in Lisbon"},
    )
    assert response.choices[0].finish_reason == "tool_calls"
    assert server.requests[0].body is not None
    assert server.requests[0].body["tools"] == [tool]


@pytest.mark.parametrize(
    ("step", "exception_name"),
    [
        pytest.param(Status(429, headers={"Retry-After": "1"}), "RateLimitError", id="429"),
        pytest.param(Status(500), "InternalServerError", id="500"),
        pytest.param(Status(503), "ServiceUnavailableError", id="503"),
        pytest.param(Status(401), "AuthenticationError", id="401"),
        # litellm reads the error text before the status: "invalid_request_error" without
        # "Incorrect API key provided" makes even a 401 a BadRequestError.
        pytest.param(
            Status(401, body={"error": {"message": "no", "type": "invalid_request_error"}}),
            "BadRequestError",
            id="401-custom-body",
        ),
    ],
)
def test_litellm_maps_status_to_its_exceptions(
    litellm: ModuleType, server: OpenAIServer, step: Status, exception_name: str
) -> None:
    server.script(step)
    with pytest.raises(getattr(litellm, exception_name)) as raised:
        complete(litellm, server)
    assert type(raised.value).__name__ == exception_name
    assert raised.value.status_code == step.code
    assert len(server.requests) == 1  # num_retries=0: no retry, even with Retry-After


def test_litellm_times_out_on_a_hang(litellm: ModuleType, server: OpenAIServer) -> None:
    server.script(Hang(30.0))  # ended by the fixture's stop()
    with pytest.raises(litellm.Timeout) as raised:
        complete(litellm, server, timeout=0.5)
    assert server.waited_s == []  # litellm gave up before the hang ended
    assert raised.value.status_code == 408
    assert len(server.requests) == 1


def test_litellm_raises_on_truncated_json(litellm: ModuleType, server: OpenAIServer) -> None:
    server.script(Raw('{"id": "chatcmpl-1", "choi'))
    # The client cannot parse a 200; litellm reports it as a server error.
    with pytest.raises(litellm.InternalServerError) as raised:
        complete(litellm, server)
    assert raised.value.status_code == 500
    assert "Unterminated string" in str(raised.value)


def test_litellm_returns_empty_choices_without_error(
    litellm: ModuleType, server: OpenAIServer
) -> None:
    server.script(EmptyChoices())
    response = complete(litellm, server)
    assert response.choices == []
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (3, 0)


def test_litellm_with_the_echo_responder(litellm: ModuleType) -> None:
    with OpenAIServer(default=echo_responder) as server:
        response = complete(
            litellm, server, messages=[{"role": "user", "content": "say this back"}]
        )
    assert response.choices[0].message.content == "say this back"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (3, 3)


def test_litellm_embeddings(litellm: ModuleType) -> None:
    with OpenAIServer(embedding_dim=16) as server:
        response = litellm.embedding(
            model="openai/test-embedding",
            api_base=server.base_url,
            api_key="sk-test",
            input=["Ana lives in Lisbon", "Bo"],
        )
        direct = post(server, "/embeddings", {"input": ["Ana lives in Lisbon"]}).json()
    assert [len(item["embedding"]) for item in response.data] == [16, 16]
    assert response.data[0]["embedding"] == direct["data"][0]["embedding"]
    assert response.usage.prompt_tokens == 5
