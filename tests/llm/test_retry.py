"""Retry classification from the exception chain, Retry-After, backoff, and error messages.

The chains are built the way litellm builds them: its own exception (with a status it attaches
whatever happened) raised from the SDK's or the transport's, raised from the root cause.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import openai
import pytest

from memlab.errors import ConfigError
from memlab.llm.failures import classify
from memlab.llm.loader import litellm
from memlab.llm.retry import (
    REAL_CLOCK,
    RetryPolicy,
    Target,
    describe_failure,
    is_retryable,
    retry_after_s,
    status_of,
)
from memlab.llm.sync import run_sync
from memlab.testing import FakeClock

URL = "http://127.0.0.1:8000/v1/chat/completions"
REQUEST = httpx.Request("POST", URL)


def chained(*errors: BaseException) -> BaseException:
    """Raise errors[-1], then each earlier one from the next; return the outermost."""
    for outer, inner in itertools.pairwise(errors):
        outer.__cause__ = inner
    return errors[0]


def wrapped(inner: BaseException) -> BaseException:
    """litellm's wrapper: an InternalServerError with a made-up 500, whatever happened."""
    lib = litellm()
    fake = httpx.Response(500, request=REQUEST)
    outer = lib.InternalServerError(
        message=f"litellm.InternalServerError: {inner}", llm_provider="openai", model="m"
    )
    outer.response = fake
    return chained(outer, inner)


def sent(status: int, headers: dict[str, str] | None = None, message: str = "boom") -> Exception:
    """A status a server really sent, as the SDK raises it, wrapped by litellm."""
    response = httpx.Response(
        status, headers=headers or {}, request=REQUEST, json={"error": {"message": message}}
    )
    kinds: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        404: openai.NotFoundError,
        409: openai.ConflictError,
        429: openai.RateLimitError,
        500: openai.InternalServerError,
    }
    inner = kinds.get(status, openai.APIStatusError)(
        f"Error code: {status}", response=response, body={"message": message}
    )
    outer = wrapped(inner)
    assert isinstance(outer, Exception)
    return outer


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        pytest.param(s, r, id=str(s))
        for s, r in [
            (400, False),
            (401, False),
            (404, False),
            (409, True),
            (429, True),
            (500, True),
            (503, True),
        ]
    ],
)
def test_which_sent_statuses_are_retried(status: int, retry: bool) -> None:
    exc = sent(status)
    assert is_retryable(exc) is retry
    assert status_of(exc) == status


def test_litellm_s_attached_status_is_ignored() -> None:
    refused = chained(
        openai.APIConnectionError(request=REQUEST),
        httpx.ConnectError("All connection attempts failed"),
        ConnectionRefusedError(111, "Connection refused"),
    )
    found = classify(wrapped(refused))
    assert (found.kind, found.status, found.retryable) == ("connect", None, True)
    timeout = classify(wrapped(chained(openai.APITimeoutError(REQUEST), httpx.ReadTimeout("t"))))
    assert (timeout.kind, timeout.status, timeout.retryable) == ("timeout", None, True)
    try:
        json.loads('{"id": "x", "choi')
    except json.JSONDecodeError as exc:
        cut = classify(wrapped(exc))
    assert (cut.kind, cut.status, cut.body) == ("bad_body", None, '{"id": "x", "choi')


def test_missing_key_and_failures_inside_litellm_are_not_retried() -> None:
    missing = wrapped(openai.OpenAIError("Missing credentials. Please pass an `api_key`"))
    assert classify(missing).kind == "no_key" and not is_retryable(missing)
    # litellm raising its APIConnectionError around its own bug is no network trouble.
    lib = litellm()
    bug = chained(
        lib.APIConnectionError(message="GroqException - boom", llm_provider="groq", model="m"),
        AttributeError("'ModelResponse' object has no attribute 'service_tier'"),
    )
    found = classify(bug)
    assert found.kind == "client" and not found.retryable
    assert describe_failure(found, "groq/x") == (
        "the call to 'groq/x' failed inside litellm, not at a server: AttributeError: "
        "'ModelResponse' object has no attribute 'service_tier'"
    )


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert retry_after_s(sent(429, {"Retry-After": "3"})) == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (retry_after_s(sent(429, {"Retry-After": later})) or 0) <= 30
    assert retry_after_s(sent(429)) is None


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    assert all(0 <= policy.delay_s(1) <= 1.0 for _ in range(50))
    assert all(0 <= policy.delay_s(10) <= 5.0 for _ in range(50))
    assert policy.delay_s(1, retry_after=2.5) >= 2.5


def test_waits_sleep_on_the_policy_s_clock() -> None:
    clock = FakeClock()
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=1.0, clock=clock)
    waited = [run_sync(policy.wait(attempt)) for attempt in (1, 2, 3)]
    waited.append(run_sync(policy.wait(4, retry_after=30.0)))
    assert clock.waits == waited and waited[-1] == 30.0
    assert all(0 <= w <= c for w, c in zip(waited, [0.5, 1.0, 1.0], strict=False))
    assert RetryPolicy().clock is REAL_CLOCK
    with pytest.raises(ConfigError):
        RetryPolicy(max_retry_after_s=-1)


@pytest.mark.parametrize(
    ("model", "variable"),
    [
        pytest.param("gpt-4o-mini", "OPENAI_API_KEY", id="openai"),
        pytest.param("anthropic/claude-3-5-haiku-20241022", "ANTHROPIC_API_KEY", id="anthropic"),
        pytest.param("groq/llama3-8b-8192", "GROQ_API_KEY", id="groq"),
    ],
)
def test_key_messages_name_the_provider_s_variable(
    monkeypatch: pytest.MonkeyPatch, model: str, variable: str
) -> None:
    monkeypatch.delenv(variable, raising=False)
    missing = wrapped(openai.OpenAIError("Missing credentials: pass an api_key"))
    assert describe_failure(missing, model) == (
        f"no API key for {model!r}: pass LLM(api_key=...) or set {variable}"
    )
    monkeypatch.setenv(variable, "sk-env")
    refused = describe_failure(sent(401, message="Incorrect API key"), model)
    assert f"refused the API key from {variable} for {model!r} (HTTP 401: Incorrect" in refused


def test_an_explicit_key_that_is_refused_is_not_blamed_on_the_environment() -> None:
    target = Target("openai/x", api_base="http://127.0.0.1:8000/v1", explicit_key=True)
    message = describe_failure(sent(401, message="Incorrect API key"), target)
    assert message == (
        "the server at http://127.0.0.1:8000/v1 refused the API key passed as LLM(api_key=...) "
        "for 'openai/x' (HTTP 401: Incorrect API key): check that this key is valid for this "
        "server and model"
    )


def test_not_found_and_bad_request_say_what_to_check() -> None:
    assert "check the model name and the api_base" in describe_failure(sent(404), "openai/x")
    assert describe_failure(sent(400), "openai/x") == (
        f"the server at {URL} rejected the request for 'openai/x' as invalid (HTTP 400: boom)"
    )
