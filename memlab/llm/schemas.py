"""Bounded JSON schemas for structured answers, and the fall back to plain JSON mode.

A JSON-mode answer that never closes a string runs to the output cap. A JSON schema with
bounds (`maxLength` on texts, `maxItems` on lists) lets a server that constrains decoding to
the schema (llama.cpp, vLLM, Ollama, OpenAI) force the answer to end. Some servers refuse
schemas (llama-cpp-python answers 500, older vLLM 400): the call is then made again in plain
JSON mode (`{"type": "json_object"}`), and the `LLM` remembers the refusal
(`LLM.schema_refused`), so later calls skip the schema.

Every prompt that asks for JSON has its schema here, one function per answer shape, and
`TASK_FORMATS` maps each prompt task to it (a test checks that no JSON prompt lacks one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from memlab.errors import ModelCallError
from memlab.llm.failures import classify

__all__ = [
    "JSON_OBJECT",
    "MAX_MEMORY_CHARS",
    "MAX_OPS",
    "MAX_RECALLED_IDS",
    "MAX_SUMMARY_CHARS",
    "TASK_FORMATS",
    "decisions_response_format",
    "facts_response_format",
    "is_schema",
    "memory_ids_response_format",
    "ops_response_format",
    "schema_refused",
    "summary_response_format",
    "verdict_response_format",
]

JSON_OBJECT: dict[str, Any] = {"type": "json_object"}
"""Plain JSON mode, the fall back."""

MAX_MEMORY_CHARS = 300
"""The longest memory text a schema allows: the prompts ask for one short sentence."""

MAX_OPS = 30
"""The most ops one extraction answer may hold (also facts, and decisions, per call)."""

MAX_SUMMARY_CHARS = 2000
"""The longest session summary a schema allows: the prompts ask for a few sentences."""

MAX_RECALLED_IDS = 50
"""The most memory ids an agentic search answer may hold when no limit is given."""

_SHORT = {"type": "string", "maxLength": 80}
"""A topic or a message id."""
_ID = {"type": "string", "maxLength": 40}
"""A memory id."""
_TOPICS = {"type": "array", "items": _SHORT, "maxItems": 5}

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


def _object_format(name: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}


def _list_of(item: dict[str, Any], max_items: int) -> dict[str, Any]:
    return {"type": "array", "items": item, "maxItems": max_items}


def facts_response_format(
    *, max_facts: int = MAX_OPS, max_chars: int = MAX_MEMORY_CHARS
) -> dict[str, Any]:
    """The `response_format` of a `{"facts": [...]}` answer (mem0-style step 1)."""
    fact = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "maxLength": max_chars},
            "topics": _TOPICS,
            "source_message_ids": _list_of(_SHORT, 20),
        },
        "required": ["text"],
        "additionalProperties": False,
    }
    return _object_format("memory_facts", {"facts": _list_of(fact, max_facts)}, ["facts"])


def decisions_response_format(
    *, max_decisions: int = MAX_OPS, max_chars: int = MAX_MEMORY_CHARS
) -> dict[str, Any]:
    """The `response_format` of a `{"decisions": [...]}` answer (mem0-style step 2).

    Args:
        max_decisions: The number of facts shown: one decision per fact, fact indexes
            1..max_decisions.
        max_chars: The longest memory text.
    """
    decision = {
        "type": "object",
        "properties": {
            "fact": {"type": "integer", "minimum": 1, "maximum": max(max_decisions, 1)},
            "action": {"type": "string", "enum": ["ADD", "UPDATE", "DELETE", "NONE"]},
            "memory_id": {"type": ["string", "null"], "maxLength": 40},
            "text": {"type": ["string", "null"], "maxLength": max_chars},
        },
        "required": ["fact", "action"],
        "additionalProperties": False,
    }
    properties = {"decisions": _list_of(decision, max(max_decisions, 1))}
    return _object_format("memory_decisions", properties, ["decisions"])


def summary_response_format(*, max_chars: int = MAX_SUMMARY_CHARS) -> dict[str, Any]:
    """The `response_format` of a `{"summary": ..., "topics": [...]}` answer."""
    properties = {"summary": {"type": "string", "maxLength": max_chars}, "topics": _TOPICS}
    return _object_format("session_summary", properties, ["summary"])


def verdict_response_format() -> dict[str, Any]:
    """The `response_format` of a judge's `{"correct": ..., "score": ...}` answer."""
    properties = {
        "correct": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
    }
    return _object_format("judge_verdict", properties, ["correct"])


def memory_ids_response_format(*, limit: int = MAX_RECALLED_IDS) -> dict[str, Any]:
    """The `response_format` of an agentic search's `{"memory_ids": [...]}` answer.

    Args:
        limit: The most ids the prompt asks for.
    """
    properties = {"memory_ids": _list_of(_ID, max(limit, 1))}
    return _object_format("memory_ids", properties, ["memory_ids"])


TASK_FORMATS: Mapping[str, Callable[[], dict[str, Any]]] = {
    "extract-json": ops_response_format,
    "facts": facts_response_format,
    "decide": decisions_response_format,
    "summarize": summary_response_format,
    "judge": verdict_response_format,
    "search": memory_ids_response_format,
}
"""The schema (with default bounds) of each prompt task whose answer is JSON."""


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
