"""What the test server answers: the scripted steps and the OpenAI payloads built from them."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "EmptyChoices",
    "Hang",
    "Raw",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Status",
    "Step",
    "completion_payload",
    "count_words",
    "echo_responder",
    "error_payload",
    "message_text",
]


@dataclass(frozen=True)
class Reply:
    """Answer with a valid `chat.completion`.

    Attributes:
        content: The assistant message text; None for a tool-call-only answer.
        tool_calls: Tool calls as `(name, arguments JSON text)` pairs.
        prompt_tokens: Reported input tokens; None counts whitespace-separated words of the
            request's message texts.
        completion_tokens: Reported output tokens; None counts words of the content and the
            tool-call arguments.
        finish_reason: None means "tool_calls" when there are tool calls, else "stop".
    """

    content: str | None = "ok"
    tool_calls: Sequence[tuple[str, str]] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: Literal["stop", "tool_calls", "length", "content_filter"] | None = None


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status, by default with an OpenAI-style error body.

    Attributes:
        code: The HTTP status, e.g. 429, 500, 401.
        body: A JSON object or raw text; None builds `{"error": {"message", "type", "code"}}`
            worded like OpenAI's error for that status, so litellm maps it to the same
            exception (litellm reads the text first: a 401 body must say "Incorrect API key
            provided" to become an AuthenticationError rather than a BadRequestError).
        headers: Extra response headers, e.g. `{"Retry-After": "1"}`.
    """

    code: int
    body: str | Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hang:
    """Wait before answering, to run past a client's timeout.

    The wait ends early when the server stops; the request then gets no answer.

    Attributes:
        seconds: How long to wait.
        then: What to answer after the wait.
    """

    seconds: float
    then: Reply = field(default_factory=Reply)


@dataclass(frozen=True)
class Raw:
    """Answer with this exact body, e.g. truncated or invalid JSON.

    Attributes:
        body: The response body text.
        status: The HTTP status.
        content_type: The `Content-Type` header.
    """

    body: str
    status: int = 200
    content_type: str = "application/json"


@dataclass(frozen=True)
class EmptyChoices:
    """Answer 200 with a well-formed completion whose `choices` list is empty."""


Step = Reply | Status | Hang | Raw | EmptyChoices
"""What the server does for one chat-completion request."""

Responder = Callable[[dict[str, Any]], Step]
"""Computes the step for a request from its JSON body, when no scripted step is queued."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received, in arrival order.

    Attributes:
        method: "GET" or "POST".
        path: The request path, e.g. "/v1/chat/completions".
        headers: Request headers (names as sent).
        body: The parsed JSON body; None when there was no body or it was not a JSON object.
        time: `time.monotonic()` when the request arrived.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: dict[str, Any] | None
    time: float


def echo_responder(body: dict[str, Any]) -> Step:
    """Reply with the text of the last user message (empty when there is none)."""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return Reply(message_text(message))
    return Reply("")


# Worded like OpenAI's own errors, because litellm classifies errors by their text before
# their status: a 401 whose body says "invalid_request_error" without "Incorrect API key
# provided" becomes a BadRequestError, and any text mentioning a rate limit a RateLimitError.
_ERROR_KINDS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request"),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided"),
    403: ("permission_error", None, "Permission denied"),
    404: ("invalid_request_error", "model_not_found", "The model does not exist"),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached"),
}


def error_payload(status: int) -> dict[str, Any]:
    """An OpenAI-style error body for an HTTP status."""
    default_type = "server_error" if status >= 500 else "invalid_request_error"
    error_type, code, reason = _ERROR_KINDS.get(status, (default_type, None, "Error"))
    message = f"{reason} (scripted HTTP {status} from the memlab test server)."
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def message_text(message: Mapping[str, Any]) -> str:
    """The text of a chat message (text content parts joined)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: keep the text ones
        return " ".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def count_words(text: str) -> int:
    """Whitespace word count: the server's stand-in for a tokenizer."""
    return len(text.split())


def completion_payload(reply: Reply, body: dict[str, Any], number: int) -> dict[str, Any]:
    """A `chat.completion` body answering `body` with `reply`."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    prompt_tokens = reply.prompt_tokens
    if prompt_tokens is None:
        prompt_tokens = sum(count_words(message_text(m)) for m in messages)
    calls = list(reply.tool_calls or [])
    completion_tokens = reply.completion_tokens
    if completion_tokens is None:
        completion_tokens = count_words(reply.content or "") + sum(
            count_words(arguments) for _, arguments in calls
        )
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if calls:
        message["tool_calls"] = [
            {
                "id": f"call_{number}_{i}",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
            for i, (name, arguments) in enumerate(calls)
        ]
    finish_reason = reply.finish_reason or ("tool_calls" if calls else "stop")
    return {
        "id": f"chatcmpl-memlab-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
