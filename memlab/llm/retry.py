"""When to retry a failed model call, how long to wait, and what to tell the caller otherwise.

Retried: 408/409/429 (honouring `Retry-After`), 5xx, connection errors and timeouts, with
exponential backoff and full jitter. Not retried: 400/401/403/404 and other client errors; their
message says what to fix, e.g. which environment variable holds the provider's key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from memlab.errors import ConfigError

__all__ = ["RetryPolicy", "describe_failure", "is_retryable", "retry_after_s", "status_of"]

_RETRY_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        base_delay_s: Delay ceiling before the first retry; doubles on each later one.
        max_delay_s: Upper bound of any backoff delay.
        max_retry_after_s: Longest `Retry-After` honoured; a longer one fails the call
            rather than stalling a run for minutes.
    """

    max_retries: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    max_retry_after_s: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ConfigError(f"retry settings must be >= 0, got {self}")

    def delay_s(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        backoff = random.uniform(0, ceiling)
        return backoff if retry_after is None else max(retry_after, backoff)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status a litellm exception carries, when it carries one."""
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(exc: BaseException) -> bool:
    """True for rate limits, server errors, timeouts and connection errors."""
    lib = _lib()
    if isinstance(exc, lib.Timeout | lib.APIConnectionError):
        return True
    status = status_of(exc)
    if status is None:
        return False
    return status in _RETRY_STATUS or status >= 500


def retry_after_s(exc: BaseException) -> float | None:
    """The server's `Retry-After` (seconds or an HTTP date) from a litellm exception."""
    for source in (getattr(exc, "litellm_response_headers", None), _response_headers(exc)):
        value = _header(source, "retry-after")
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            continue
    return None


def describe_failure(exc: BaseException, model: str) -> str:
    """A message that says what failed and what to do about it."""
    status = status_of(exc)
    detail = _first_line(str(exc))
    if status in (401, 403):
        keys = _missing_keys(model)
        hint = (
            f"set {' or '.join(keys)} in the environment (or pass api_key=...)"
            if keys
            else "check the api_key you passed and that it may use this model"
        )
        return f"the provider refused the key for {model!r} (HTTP {status}): {hint}. {detail}"
    if status == 404:
        return (
            f"model {model!r} was not found (HTTP 404): check the model name and the api_base "
            f"(an OpenAI-compatible server wants model='openai/<name>'). {detail}"
        )
    if status == 400:
        return f"the request for {model!r} was rejected as invalid (HTTP 400): {detail}"
    if status is not None:
        return f"the call to {model!r} failed with HTTP {status}: {detail}"
    return f"the call to {model!r} failed: {type(exc).__name__}: {detail}"


def _missing_keys(model: str) -> list[str]:
    try:
        found = _lib().validate_environment(model=model)
    except Exception:  # litellm raises for unknown providers; the hint is then generic
        return []
    keys = found.get("missing_keys") if isinstance(found, dict) else None
    if not keys:
        # The key is set but wrong: name the variable litellm read anyway.
        provider = model.split("/", 1)[0] if "/" in model else "openai"
        return [f"{provider.upper()}_API_KEY"]
    return [str(k) for k in keys]


def _response_headers(exc: BaseException) -> Any:
    response = getattr(exc, "response", None)
    return getattr(response, "headers", None)


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    try:
        value = headers.get(name) or headers.get(name.title())
    except AttributeError:
        return None
    return str(value) if value is not None else None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:500]


def _lib() -> Any:
    from memlab.llm._litellm import litellm

    return litellm()
