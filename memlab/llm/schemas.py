"""Bounded JSON schemas for structured answers, and the fall back to plain JSON mode.

A JSON-mode answer that never closes a string runs to the output cap. A JSON schema with
bounds (`maxLength` on texts, `maxItems` on lists) lets a server that constrains decoding to
the schema (llama.cpp, vLLM, Ollama, OpenAI) force the answer to end. Some servers refuse
schemas (llama-cpp-python answers 500, older vLLM 400): the call is then made again in plain
JSON mode (`{"type": "json_object"}`), and the `LLM` remembers the refusal
(`LLM.schema_refused`), so later calls skip the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from memlab.errors import ModelCallError
from memlab.llm.failures import classify

__all__ = [
    "JSON_OBJECT",
    "MAX_MEMORY_CHARS",
    "MAX_OPS",
    "is_schema",
    "ops_response_format",
    "schema_refused",
]

JSON_OBJECT: dict[str, Any] = {"type": "json_object"}
"""Plain JSON mode, the fall back."""

MAX_MEMORY_CHARS = 300
"""The longest memory text a schema allows: the prompts ask for one short sentence."""

MAX_OPS = 30
"""The most ops one extraction answer may hold."""

_REFUSING_STATUS = frozenset({400, 422, 500, 501})


def ops_response_format(
    *, max_ops: int = MAX_OPS, max_chars: int = MAX_MEMORY_CHARS
) -> dict[str, Any]:
    """The `response_format` of a `{"ops": [...]}` answer, bounded so decoding must end."""
    short = {"type": "string", "maxLength": 80}
    op = {
        "type": "object",
        "properties": {
            "op": {"type": "string", "enum": ["add", "update", "delete", "noop"]},
            "memory_id": {"type": "string", "maxLength": 40},
            "memory": {"type": "string", "maxLength": max_chars},
            "topics": {"type": "array", "items": short, "maxItems": 5},
            "source_message_ids": {"type": "array", "items": short, "maxItems": 20},
        },
        "required": ["op"],
        "additionalProperties": False,
    }
    schema = {
        "type": "object",
        "properties": {"ops": {"type": "array", "items": op, "maxItems": max_ops}},
        "required": ["ops"],
        "additionalProperties": False,
    }
    return {"type": "json_schema", "json_schema": {"name": "memory_ops", "schema": schema}}


def is_schema(response_format: Mapping[str, Any] | None) -> bool:
    """True for a `json_schema` response format."""
    return bool(response_format) and (response_format or {}).get("type") == "json_schema"


def schema_refused(exc: ModelCallError) -> bool:
    """True when a call that sent a schema failed as servers refuse one (HTTP 400/422/5xx).

    The cause is read from the exception chain; a failure without a server status (a timeout,
    a refused connection) is no refusal.
    """
    cause = exc.__cause__
    if cause is None:
        return False
    failure = classify(cause)
    return failure.kind == "http" and failure.status in _REFUSING_STATUS
