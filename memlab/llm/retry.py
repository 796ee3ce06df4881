"""When to retry a failed model call, how long to wait, and what to tell the caller otherwise.

Retried: 408/409/429 sent by a server (honouring `Retry-After` up to a cap), 5xx, connection
errors, broken connections, timeouts and unreadable bodies, with exponential backoff and full
jitter. Not retried: other 4xx, a missing key, and failures inside the client. What happened
is read from the exception chain (`memlab.llm.failures`); each message names the model and the
address, says what happened and what to do, and quotes an HTTP status only when a server sent
one.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from memlab.errors import ConfigError
from memlab.llm.failures import Failure, classify
from memlab.llm.keys import PYTHON_ADVICE, KeyAdvice

__all__ = [
    "REAL_CLOCK",
    "Clock",
    "RealClock",
    "RetryPolicy",
    "Target",
    "describe_failure",
    "describe_long_wait",
    "is_retryable",
    "key_variables",
    "retry_after_s",
    "status_of",
]


class Clock(Protocol):
    """What retries wait with; `memlab.testing.FakeClock` records the waits instead."""

    async def sleep(self, seconds: float) -> None:
        """Return after `seconds`."""
        ...


class RealClock:
    """The event loop's clock: `sleep` is `asyncio.sleep`."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` without blocking the event loop."""
        await asyncio.sleep(seconds)


REAL_CLOCK = RealClock()
"""The clock every `RetryPolicy` waits with unless given another."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        base_delay_s: Delay ceiling before the first retry; doubles on each later one.
        max_delay_s: Upper bound of any backoff delay.
        max_retry_after_s: Longest `Retry-After` honoured; a longer one fails the call
            rather than stalling a run for minutes.
        clock: What the waits between attempts sleep with.
    """

    max_retries: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    max_retry_after_s: float = 60.0
    clock: Clock = field(default=REAL_CLOCK, compare=False, repr=False)

    def __post_init__(self) -> None:
        values = (self.max_retries, self.base_delay_s, self.max_delay_s, self.max_retry_after_s)
        if any(v < 0 for v in values):
            raise ConfigError(f"retry settings must be >= 0, got {self}")

    def delay_s(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        backoff = random.uniform(0, ceiling)
        return backoff if retry_after is None else max(retry_after, backoff)

    async def wait(self, attempt: int, retry_after: float | None = None) -> float:
        """Sleep (on `clock`) before retry number `attempt`; return the seconds waited."""
        seconds = self.delay_s(attempt, retry_after)
        await self.clock.sleep(seconds)
        return seconds


@dataclass(frozen=True)
class Target:
    """Where a call went and how, so a message can name the address and the setting to change.

    Attributes:
        model: The litellm model string.
        api_base: The server given as `LLM(api_base=...)`, None for the provider's endpoint.
        explicit_key: True when the key was given (`LLM(api_key=...)`, a flag), not read
            from the environment.
        timeout_s: The per-attempt timeout.
        local_key: True when no key was given and memlab sent the placeholder "none" to a
            server on this machine.
        advice: How the user gives a key where they configured the model.
    """

    model: str
    api_base: str | None = None
    explicit_key: bool = False
    timeout_s: float = 60.0
    local_key: bool = False
    advice: KeyAdvice = PYTHON_ADVICE


def status_of(exc: BaseException) -> int | None:
    """The HTTP status a server sent for this failure; None when no server sent one."""
    return classify(exc).status


def is_retryable(exc: BaseException) -> bool:
    """True for rate limits, server errors, timeouts, connection trouble and unreadable bodies."""
    return classify(exc).retryable


def retry_after_s(exc: BaseException) -> float | None:
    """The server's `Retry-After` (seconds or an HTTP date) for this failure, if it sent one."""
    return classify(exc).retry_after_s


def describe_failure(
    failure: Failure | BaseException, target: Target | str, *, attempts: int = 1
) -> str:
    """A message that says what failed, where, and what to do about it.

    Args:
        failure: The classified failure (or the exception, classified here).
        target: The call's model and address (or just the model string).
        attempts: How many attempts were made; more than one adds "gave up after N attempts".
    """
    found = failure if isinstance(failure, Failure) else classify(failure)
    where = _target(target)
    message = _describe(found, where)
    if attempts > 1:
        message += f" (gave up after {attempts} attempts)"
    return message


def describe_long_wait(
    failure: Failure, target: Target | str, *, cap_s: float, attempts: int = 1
) -> str:
    """The message for a server that asked to wait longer than `max_retry_after_s`."""
    where = _target(target)
    after = f" (after {attempts} attempts)" if attempts > 1 else ""
    return (
        f"the server at {_address(found_url=failure.url, target=where)} answered HTTP "
        f"{failure.status} for {where.model!r} and asked to retry after "
        f"{failure.retry_after_s:g} s (Retry-After), longer than max_retry_after_s={cap_s:g} s, "
        f"so memlab gave up{after} instead of stalling: raise LLM(max_retry_after_s=...) to "
        "wait that long, or try again later"
    )


def _describe(f: Failure, t: Target) -> str:
    model = repr(t.model)
    where = _address(found_url=f.url, target=t)
    if f.kind == "connect":
        fix = "is the server running?" if t.api_base else "check the network and proxy settings"
        return f"could not connect to {where} for {model}: {fix} ({f.detail})"
    if f.kind == "timeout":
        return (
            f"no answer from {where} for {model} within {t.timeout_s:g} s: "
            "raise LLM(timeout_s=...) or check the server"
        )
    if f.kind == "disconnect":
        return (
            f"the connection to {where} broke before {model} answered ({f.detail}): "
            "check the server's logs"
        )
    if f.kind == "bad_body":
        start = f"; it begins {f.body!r}" if f.body is not None else ""
        return (
            f"the server at {where} returned a body that is not valid JSON for {model} "
            f"({f.detail}{start}): check that api_base is the server's OpenAI-compatible "
            "endpoint (usually ending in /v1) and the server's logs"
        )
    if f.kind == "bad_shape" and f.server_message:
        return (
            f"the server at {where} answered {model} with HTTP 200 but an error instead of a "
            f"completion: {f.server_message!r}: check the server's logs"
        )
    if f.kind == "bad_shape":
        start = f"; it begins {f.body!r}" if f.body is not None else ""
        return (
            f"the server at {where} answered {model} with a body that is not a chat "
            f"completion: {f.detail}{start}. Check that api_base is the server's "
            "OpenAI-compatible endpoint (usually ending in /v1) and the server's logs"
        )
    if f.kind == "no_key":
        local = f" (a server that needs none takes {t.advice.none_key})" if t.api_base else ""
        return (
            f"no API key for {model}: {t.advice.fix} or set "
            f"{' or '.join(key_variables(t.model))}{local}"
        )
    if f.kind == "client":
        return f"the call to {model} failed inside litellm, not at a server: {f.detail}"
    return _describe_status(f, t, where)


def _describe_status(f: Failure, t: Target, where: str) -> str:
    model = repr(t.model)
    said = f"HTTP {f.status}: {f.server_message}" if f.server_message else f"HTTP {f.status}"
    if f.status in (401, 403):
        refused = "refused" if f.status == 401 else "did not allow"
        if t.explicit_key:
            return (
                f"the server at {where} {refused} the API key {t.advice.given_as} for "
                f"{model} ({said}): check that this key is valid for this server and model"
            )
        if t.local_key:
            return (
                f"the server at {where} {refused} the placeholder key 'none' that memlab sends "
                f"to a server on this machine when no key is given, for {model} ({said}): "
                f"this server wants a key: {t.advice.fix}"
            )
        variables = " or ".join(key_variables(t.model))
        return (
            f"the server at {where} {refused} the API key from {variables} for {model} "
            f"({said}): check that key, or give another: {t.advice.fix}"
        )
    if f.status == 404:
        return (
            f"the server at {where} does not know {model} ({said}): check the model name and "
            "the api_base (an OpenAI-compatible server wants model='openai/<name>')"
        )
    if f.status == 400:
        return f"the server at {where} rejected the request for {model} as invalid ({said})"
    if f.status == 429:
        return (
            f"the server at {where} rate-limited {model} ({said}): lower "
            "LLM(max_concurrency=...) or try again later"
        )
    return f"the server at {where} failed the call to {model} ({said})"


def _target(target: Target | str) -> Target:
    return target if isinstance(target, Target) else Target(model=target)


def _address(*, found_url: str | None, target: Target) -> str:
    if target.api_base:
        return target.api_base
    return found_url or f"the endpoint of {target.model!r}'s provider"


def key_variables(model: str) -> list[str]:
    """The environment variables litellm reads the key of this model's provider from."""
    try:
        found = _lib().validate_environment(model=model)
    except Exception:  # litellm raises for unknown providers: fall back to the name's prefix
        found = None
    keys = found.get("missing_keys") if isinstance(found, dict) else None
    if keys:
        return [str(k) for k in keys]
    provider = model.split("/", 1)[0] if "/" in model else "openai"
    return [f"{provider.upper()}_API_KEY"]


def _lib() -> Any:
    from memlab.llm.loader import litellm

    return litellm()
