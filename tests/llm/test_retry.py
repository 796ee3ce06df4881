"""Retry classification, Retry-After, backoff, and error messages that say what to fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from memlab.llm._litellm import litellm
from memlab.llm.retry import RetryPolicy, describe_failure, is_retryable, retry_after_s


def error(status: int, headers: dict[str, str] | None = None) -> Exception:
    lib = litellm()
    response = httpx.Response(
        status, headers=headers or {}, request=httpx.Request("POST", "http://127.0.0.1")
    )
    kinds = {
        400: lib.BadRequestError,
        401: lib.AuthenticationError,
        404: lib.NotFoundError,
        429: lib.RateLimitError,
        500: lib.InternalServerError,
        503: lib.ServiceUnavailableError,
    }
    exc: Exception = kinds[status](
        message="boom", llm_provider="openai", model="m", response=response
    )
    exc.litellm_response_headers = response.headers  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        pytest.param(s, r, id=str(s))
        for s, r in [
            (400, False),
            (401, False),
            (404, False),
            (429, True),
            (500, True),
            (503, True),
        ]
    ],
)
def test_which_statuses_are_retried(status: int, retry: bool) -> None:
    assert is_retryable(error(status)) is retry


def test_timeouts_and_connection_errors_are_retried() -> None:
    lib = litellm()
    assert is_retryable(lib.Timeout(message="slow", model="m", llm_provider="openai"))
    assert is_retryable(lib.APIConnectionError(message="refused", model="m", llm_provider="openai"))
    assert not is_retryable(ValueError("a bug"))


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert retry_after_s(error(429, {"Retry-After": "3"})) == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (retry_after_s(error(429, {"Retry-After": later})) or 0) <= 30
    assert retry_after_s(error(429)) is None


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    assert all(0 <= policy.delay_s(1) <= 1.0 for _ in range(50))
    assert all(0 <= policy.delay_s(10) <= 5.0 for _ in range(50))
    assert policy.delay_s(1, retry_after=2.5) >= 2.5


@pytest.mark.parametrize(
    ("model", "variable"),
    [
        pytest.param("gpt-4o-mini", "OPENAI_API_KEY", id="openai"),
        pytest.param("anthropic/claude-3-5-haiku-20241022", "ANTHROPIC_API_KEY", id="anthropic"),
        pytest.param("groq/llama3-8b-8192", "GROQ_API_KEY", id="groq"),
    ],
)
def test_auth_failure_names_the_key_variable(
    monkeypatch: pytest.MonkeyPatch, model: str, variable: str
) -> None:
    monkeypatch.delenv(variable, raising=False)
    assert f"set {variable}" in describe_failure(error(401), model)


def test_not_found_and_bad_request_say_what_to_check() -> None:
    assert "check the model name and the api_base" in describe_failure(error(404), "openai/x")
    assert "rejected as invalid (HTTP 400)" in describe_failure(error(400), "openai/x")
