"""Conversions between pydantic records and DuckDB rows / Arrow tables.

Timestamps are stored as naive UTC `TIMESTAMP`s and come back as aware UTC datetimes; lists
are native `VARCHAR[]`; tool calls are JSON text. Nothing is pickled or `eval`'d.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import pyarrow as pa
from pydantic import BaseModel

from memlab.schema import Message, Run, SessionSummary, ToolCall, UserMemory

__all__ = [
    "LLM_CACHE_SCHEMA",
    "LLM_CALLS_SCHEMA",
    "MEMORY_COLUMNS",
    "MESSAGE_COLUMNS",
    "events_table",
    "memories_table",
    "memory_from_row",
    "message_from_row",
    "message_row",
    "messages_table",
    "naive_utc",
    "summary_from_row",
]

MEMORY_COLUMNS = (
    "memory_id, user_id, memory, topics, input, source_message_ids, created_at, updated_at"
)
MESSAGE_COLUMNS = (
    "message_id, role, content, created_at, name, tool_call_id, tool_calls, from_history"
)
_STR = pa.string()
_INT = pa.int64()
_F64 = pa.float64()
_BOOL = pa.bool_()
_LIST = pa.list_(pa.string())
_TS = pa.timestamp("us")


def naive_utc(value: datetime) -> datetime:
    """Return `value` as a naive UTC datetime, the form stored in `TIMESTAMP` columns."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def memory_from_row(row: Sequence[Any]) -> UserMemory:
    """Build a `UserMemory` from a row selected with `MEMORY_COLUMNS` (user_id is dropped)."""
    memory_id, _user, text, topics, input_, sources, created, updated = row
    return UserMemory.model_construct(
        memory_id=memory_id,
        memory=text,
        topics=list(topics),
        input=input_,
        source_message_ids=list(sources),
        created_at=_aware(created),
        updated_at=_aware(updated),
    )


# The fields `message_from_row` fills, all of `Message`'s: while they are exactly these (and
# the model keeps no extra or private attributes), a message is built by filling its fields
# directly, as `model_construct` does, for a third of the time (a 100k-message session reads
# 100k rows to be summarized).
_MESSAGE_FIELDS = frozenset(
    ("id", "role", "content", "created_at", "name", "tool_call_id", "tool_calls", "from_history")
)
_Model = TypeVar("_Model", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def _fills_directly(model: type[BaseModel], fields: frozenset[str]) -> bool:
    # Filling `__dict__` is what `model_construct` does, minus its checks: right only while
    # `fields` are all the model's fields and it keeps no extra or private attributes.
    return (
        set(model.model_fields) == fields
        and model.model_config.get("extra") != "allow"
        and not model.__private_attributes__
    )


def _construct(model: type[_Model], fields: dict[str, Any], direct: bool) -> _Model:
    if not direct:
        return model.model_construct(**fields)
    built: _Model = _new(model)
    _set(built, "__dict__", fields)
    _set(built, "__pydantic_fields_set__", set(fields))
    _set(built, "__pydantic_extra__", None)
    _set(built, "__pydantic_private__", None)
    return built


_DIRECT = _fills_directly(Message, _MESSAGE_FIELDS)


def message_from_row(row: Sequence[Any]) -> Message:
    """Build a `Message` from a row selected with `MESSAGE_COLUMNS`."""
    mid, role, content, created, name, tool_call_id, tool_calls, from_history = row
    # Stored rows were validated on the way in: constructed without validation, as memories
    # are (recall reads thousands of hits per replay). Tool calls, rare, are still validated.
    fields = {
        "id": mid,
        "role": role,
        "content": content,
        "created_at": _aware(created),
        "name": name,
        "tool_call_id": tool_call_id,
        "tool_calls": []
        if tool_calls == "[]"
        else [ToolCall.model_validate(c) for c in json.loads(tool_calls)],
        "from_history": from_history,
    }
    return _construct(Message, fields, _DIRECT)


# Likewise for a run: while `Run` has exactly these fields, one read back is built directly (a
# 100k-message session has 50k runs; validating each again cost a tenth of reading them).
_RUN_FIELDS = frozenset(("run_id", "session_id", "user_id", "messages", "created_at", "status"))
_DIRECT_RUN = _fills_directly(Run, _RUN_FIELDS)


def run_from_row(row: Sequence[Any], user_id: str, messages: list[Message]) -> Run:
    """Build a `Run` from (run_id, session_id, status, created_at), its user and messages."""
    run_id, session_id, status, created = row
    fields = {
        "run_id": run_id,
        "session_id": session_id,
        "user_id": user_id,
        "messages": messages,
        "created_at": _aware(created),
        "status": status,
    }
    return _construct(Run, fields, _DIRECT_RUN)


def summary_from_row(row: Sequence[Any]) -> SessionSummary:
    """Build a `SessionSummary` from (user_id, session_id, summary, topics, run_ids, updated_at)."""
    user_id, session_id, summary, topics, run_ids, updated = row
    return SessionSummary(
        user_id=user_id,
        session_id=session_id,
        summary=summary,
        topics=list(topics),
        run_ids=list(run_ids),
        updated_at=_aware(updated),
    )


def memories_table(rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """Arrow table of memory rows in `MEMORY_COLUMNS` order, for one batched insert."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    return pa.table(
        {
            "memory_id": pa.array(cols[0], _STR),
            "user_id": pa.array(cols[1], _STR),
            "memory": pa.array(cols[2], _STR),
            "topics": pa.array(cols[3], _LIST),
            "input": pa.array(cols[4], _STR),
            "source_message_ids": pa.array(cols[5], _LIST),
            "created_at": pa.array(cols[6], _TS),
            "updated_at": pa.array(cols[7], _TS),
        }
    )


EVENT_COLUMNS = (
    "event_id, user_id, memory_id, op, status, before, after, source_message_ids, cause, reason,"
    " created_at"
)


def events_table(rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """Arrow table of event rows in `EVENT_COLUMNS` order."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 11
    names = [c.strip() for c in EVENT_COLUMNS.split(",")]
    types = [_STR, _STR, _STR, _STR, _STR, _STR, _STR, _LIST, _STR, _STR, _TS]
    return pa.table({n: pa.array(c, t) for n, c, t in zip(names, cols, types, strict=True)})


def message_row(message: Message) -> tuple[Any, ...]:
    """The stored form of `message` in `MESSAGE_COLUMNS` order, as a `SELECT` returns it."""
    return (
        message.id,
        message.role,
        message.content,
        naive_utc(message.created_at),
        message.name,
        message.tool_call_id,
        json.dumps([c.model_dump() for c in message.tool_calls]),
        message.from_history,
    )


def messages_table(runs: Sequence[Run]) -> tuple[pa.Table, list[tuple[Any, ...]]]:
    """The messages of `runs` as one Arrow table in the `messages` table's column order.

    Returns:
        The table, and each message's `message_row` (in the same order).
    """
    rows = [message_row(m) for run in runs for m in run.messages]
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    ids = [(run.run_id, run.session_id, run.user_id) for run in runs for _ in run.messages]
    table = pa.table(
        {
            "message_id": pa.array(cols[0], _STR),
            "run_id": pa.array([i[0] for i in ids], _STR),
            "session_id": pa.array([i[1] for i in ids], _STR),
            "user_id": pa.array([i[2] for i in ids], _STR),
            "position": pa.array([p for run in runs for p in range(len(run.messages))], pa.int32()),
            "role": pa.array(cols[1], _STR),
            "content": pa.array(cols[2], _STR),
            "name": pa.array(cols[4], _STR),
            "tool_call_id": pa.array(cols[5], _STR),
            "tool_calls": pa.array(cols[6], _STR),
            "from_history": pa.array(cols[7], pa.bool_()),
            "created_at": pa.array(cols[3], _TS),
        }
    )
    return table, rows


LLM_CALLS_SCHEMA = pa.schema(
    [
        ("call_id", _STR),
        ("created_at", pa.timestamp("us")),
        ("purpose", _STR),
        ("model", _STR),
        ("prompt_name", _STR),
        ("prompt_version", _STR),
        ("request_hash", _STR),
        ("input_tokens", _INT),
        ("output_tokens", _INT),
        ("cost_usd", _F64),
        ("latency_ms", _F64),
        ("cached", _BOOL),
        ("attempts", pa.int32()),
        ("error", _STR),
        ("user_id", _STR),
        ("session_id", _STR),
        ("run_id", _STR),
        ("memory_id", _STR),
        ("tools_requested", _BOOL),
        ("tools_used", _BOOL),
    ]
)
"""Arrow schema of an `llm_calls` batch, in the table's column order."""

LLM_CACHE_SCHEMA = pa.schema(
    [
        ("request_hash", _STR),
        ("model", _STR),
        ("response", _STR),
        ("input_tokens", _INT),
        ("output_tokens", _INT),
        ("cost_usd", _F64),
        ("created_at", pa.timestamp("us")),
    ]
)
"""Arrow schema of an `llm_cache` batch, in the table's column order."""
