"""The canonical form of a model request (its cache key) and the typed completion it returns."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from memlab.schema import ToolCall, Usage

__all__ = [
    "CACHE_FORMAT",
    "CacheOrigin",
    "Completion",
    "completion_from_response",
    "request_hash",
    "usage_from_response",
]

CACHE_FORMAT = 1
"""Version of the cached response JSON; part of every request hash, so a change of format
misses the old entries instead of misreading them."""


def request_hash(
    *,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None,
    response_format: Mapping[str, Any] | None,
    params: Mapping[str, Any],
    prompt: str | None,
) -> str:
    """sha256 of the canonical JSON of everything that shapes the answer.

    Left out on purpose: where the request goes (`api_base`), credentials, timeouts and retry
    settings, which change how the answer is fetched but not what it is.
    """
    canonical = {
        "format": CACHE_FORMAT,
        "model": model,
        "messages": list(messages),
        "tools": list(tools) if tools else None,
        "response_format": response_format,
        "params": dict(params),
        "prompt": prompt,
    }
    text = json.dumps(
        canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CacheOrigin:
    """The call whose answer a cache hit replays.

    Attributes:
        call_id: The `llm_calls` row of the call that got the answer from the model.
        at: When that call was made (UTC); None for entries cached before this was recorded.
    """

    call_id: str | None
    at: datetime | None

    def describe(self) -> str:
        """E.g. "call 0c1f… at 2026-11-30 05:50:12 UTC", for error messages."""
        if self.call_id is None:
            return "an earlier call (not recorded in this cache entry)"
        when = f" at {self.at:%Y-%m-%d %H:%M:%S} UTC" if self.at else ""
        return f"call {self.call_id}{when}"


@dataclass(frozen=True)
class Completion:
    """A model's answer, as memlab hands it on.

    Attributes:
        text: The message content (None when the model only called tools).
        tool_calls: The tool calls, arguments exactly as the model wrote them.
        finish_reason: Why the model stopped ("stop", "tool_calls", "length", ...).
        usage: Tokens and cost of this call (the original cost on a cache hit).
        call_id: The `llm_calls` row of this call.
        cached: True when the answer came from `llm_cache`.
        model: The litellm model string.
        origin: For a cache hit, the call that first got this answer; None otherwise.
        refusal: The model's refusal text (OpenAI's `message.refusal`), when it refused.
        usage_reported: False when the server reported no token usage (Ollama-style
            answers): the ledger then records the tokens as unknown, not as 0.
    """

    text: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    call_id: str = ""
    cached: bool = False
    model: str = ""
    origin: CacheOrigin | None = None
    refusal: str | None = None
    usage_reported: bool = True

    @property
    def raw(self) -> str:
        """Everything the model said, as text: the content and each tool call, for errors."""
        parts = [self.text] if self.text else []
        parts += [f"refusal: {self.refusal}"] if self.refusal else []
        parts += [f"{c.name}({c.arguments})" for c in self.tool_calls]
        return "\n".join(parts)

    def to_cache_json(self, *, at: datetime | None = None) -> str:
        """The answer as JSON for `llm_cache`, with the id and time of the call that got it.

        The origin is not part of the request hash, so adding it changed no cache key; an
        error replayed from the cache can then name the call that first saw the answer.
        """
        return json.dumps(
            {
                "text": self.text,
                "tool_calls": [c.model_dump() for c in self.tool_calls],
                "finish_reason": self.finish_reason,
                "refusal": self.refusal,
                "call_id": self.call_id or None,
                "at": at.isoformat() if at else None,
            }
        )

    @classmethod
    def from_cache_json(cls, text: str, *, usage: Usage, call_id: str, model: str) -> Completion:
        """Rebuild a cached answer with the bookkeeping of the call that replays it."""
        data = json.loads(text)
        at = data.get("at")
        origin = CacheOrigin(data.get("call_id"), datetime.fromisoformat(at) if at else None)
        return cls(
            text=data.get("text"),
            tool_calls=tuple(ToolCall.model_validate(c) for c in data.get("tool_calls") or []),
            finish_reason=data.get("finish_reason"),
            refusal=data.get("refusal"),
            usage=usage,
            usage_reported=usage.input_tokens + usage.output_tokens > 0,
            call_id=call_id,
            cached=True,
            model=model,
            origin=origin,
        )


def usage_from_response(response: Any) -> Usage:
    """The tokens and cost a litellm `ModelResponse` reports (0 tokens when it reports none).

    The cost is litellm's own figure (`_hidden_params["response_cost"]`), None when litellm
    has no price for the model.
    """
    reported = getattr(response, "usage", None)
    cost = (getattr(response, "_hidden_params", None) or {}).get("response_cost")
    return Usage(
        input_tokens=getattr(reported, "prompt_tokens", None) or 0,
        output_tokens=getattr(reported, "completion_tokens", None) or 0,
        cost_usd=float(cost) if isinstance(cost, int | float) else None,
        calls=1,
    )


def completion_from_response(response: Any, *, call_id: str, model: str) -> Completion | None:
    """A litellm `ModelResponse` as a `Completion`; None when it has no choices.

    A server that reports no usage gets zeros from litellm; no real prompt has 0 tokens, so
    zeros mean "not reported" (`Completion.usage_reported`).
    """
    choices = getattr(response, "choices", None) or []
    if not choices:
        return None
    choice = choices[0]
    message = choice.message
    calls = tuple(
        ToolCall(
            id=str(c.id or f"call_{i}"),
            name=str(c.function.name or ""),
            arguments=str(c.function.arguments or ""),
        )
        for i, c in enumerate(getattr(message, "tool_calls", None) or [])
    )
    usage = usage_from_response(response)
    extra = getattr(message, "provider_specific_fields", None) or {}
    refusal = getattr(message, "refusal", None) or extra.get("refusal")
    return Completion(
        text=message.content,
        tool_calls=calls,
        finish_reason=choice.finish_reason,
        usage=usage,
        call_id=call_id,
        model=model,
        refusal=str(refusal) if refusal else None,
        usage_reported=usage.input_tokens + usage.output_tokens > 0,
    )
