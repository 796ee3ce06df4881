"""Turn a model's tool calls or JSON into typed values, with one repair retry.

A parser raises `OutputError` when the answer does not have the asked shape; `complete_parsed`
then sends the error back to the model once, and raises `ExtractionError` (raw text and ledger
id attached) when the second answer does not fit either. It never turns a bad answer into an
empty result. Whether an op's ids exist is not checked here: the store rejects such ops one by
one and records why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from memlab.errors import ExtractionError, ModelCallError
from memlab.llm.client import LLM, UnusableOutput, cache_note
from memlab.llm.request import Completion
from memlab.llm.schemas import JSON_OBJECT, is_schema, schema_refused
from memlab.llm.tools import ADD_MEMORY, DELETE_MEMORY, UPDATE_MEMORY
from memlab.schema import MemoryOp, OpKind, Usage

__all__ = [
    "OpItem",
    "OutputError",
    "Parsed",
    "complete_parsed",
    "json_object",
    "ops_from_json",
    "ops_from_tool_calls",
    "parse_model",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```$", re.S)
_OP_NAMES = {"add": "add", "update": "update", "delete": "delete", "noop": "noop", "none": "noop"}

REPAIR = (
    "Your previous answer could not be used: {error}. Answer the request above again, in exactly "
    "the format it asks for and nothing else."
)


class OutputError(ValueError):
    """The model's answer does not have the shape that was asked for."""


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A parsed answer with the bookkeeping of the call(s) that produced it.

    Attributes:
        value: The parsed value.
        completion: The answer that parsed.
        usage: Usage of every call made, the failed first attempt included.
        call_ids: Ledger ids of those calls; the last one produced `value`.
    """

    value: T
    completion: Completion
    usage: Usage
    call_ids: tuple[str, ...]

    @property
    def call_id(self) -> str:
        """The call whose answer was used."""
        return self.call_ids[-1]


class OpItem(BaseModel):
    """One memory operation as a model writes it (tool arguments or a JSON list item)."""

    model_config = ConfigDict(extra="ignore")

    op: str = "add"
    """add, update, delete or noop (ADD/UPDATE/DELETE/NONE accepted)."""
    memory_id: str | None = None
    """The stored memory the op changes."""
    memory: str | None = None
    """The new text."""
    topics: list[str] = Field(default_factory=list)
    """Topic labels."""
    source_message_ids: list[str] = Field(default_factory=list)
    """Messages the fact comes from."""

    @field_validator("op")
    @classmethod
    def _op(cls, value: str) -> str:
        name = _OP_NAMES.get(value.strip().lower())
        if name is None:
            raise ValueError(f"op must be add, update, delete or noop, not {value!r}")
        return name

    @field_validator("topics", "source_message_ids", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    def to_op(self) -> MemoryOp:
        """As a `MemoryOp` (ids and texts are checked later, by the store)."""
        return MemoryOp(
            op=cast(OpKind, self.op),  # checked by the validator above
            memory_id=self.memory_id or None,
            memory=self.memory,
            topics=self.topics,
            source_message_ids=self.source_message_ids,
        )


class _OpsPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    ops: list[OpItem]


_TOOL_OPS = {ADD_MEMORY: "add", UPDATE_MEMORY: "update", DELETE_MEMORY: "delete"}
_TOOL_REQUIRED = {
    ADD_MEMORY: ("memory",),
    UPDATE_MEMORY: ("memory_id", "memory"),
    DELETE_MEMORY: ("memory_id",),
}


def ops_from_tool_calls(completion: Completion) -> list[MemoryOp]:
    """Memory ops from add/update/delete tool calls (no tool call means no change).

    Raises:
        OutputError: a call names another tool, its arguments are not a JSON object, or a
            required argument is missing or of the wrong type.
    """
    ops: list[MemoryOp] = []
    for call in completion.tool_calls:
        if call.name not in _TOOL_OPS:
            raise OutputError(f"unknown tool {call.name!r}; use {', '.join(_TOOL_OPS)}")
        args = json_object(call.arguments, what=f"the arguments of {call.name}")
        missing = [k for k in _TOOL_REQUIRED[call.name] if k not in args]
        if missing:
            raise OutputError(f"{call.name} is missing {', '.join(missing)}")
        item = _validate(OpItem, {**args, "op": _TOOL_OPS[call.name]}, call.name)
        ops.append(item.to_op())
    return ops


def ops_from_json(completion: Completion) -> list[MemoryOp]:
    """Memory ops from a `{"ops": [...]}` JSON answer.

    Raises:
        OutputError: the answer is not that JSON shape.
    """
    payload = parse_model(_OpsPayload, completion.text, what='the {"ops": [...]} object')
    return [item.to_op() for item in payload.ops]


def parse_model(model: type[M], text: str | None, *, what: str) -> M:
    """Validate the JSON object in `text` into `model`."""
    return _validate(model, json_object(text, what=what), what)


def _validate(model: type[M], data: Mapping[str, Any], what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise OutputError(f"{what} does not fit: {problems}") from exc


def json_object(text: str | None, *, what: str = "the answer") -> dict[str, Any]:
    """The JSON object in `text`, allowing a markdown code fence around it.

    Raises:
        OutputError: there is no text, it is not JSON, or not an object.
    """
    if text is None or not text.strip():
        raise OutputError(f"{what} is empty; a JSON object was asked for")
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        start, end = body.find("{"), body.rfind("}")
        try:
            value = json.loads(body[start : end + 1]) if 0 <= start < end else None
        except json.JSONDecodeError:
            value = None
        if value is None:
            raise OutputError(f"{what} is not valid JSON ({exc.msg}, char {exc.pos})") from exc
    if not isinstance(value, dict):
        raise OutputError(f"{what} must be a JSON object, not {type(value).__name__}")
    return value


async def complete_parsed(
    llm: LLM,
    messages: Sequence[Mapping[str, Any]],
    parse: Callable[[Completion], T],
    **options: Any,
) -> Parsed[T]:
    """Call the model and parse its answer; on a shape error, retry once with the error shown.

    Args:
        llm: The model.
        messages: The request.
        parse: Turns an answer into a value or raises `OutputError`.
        **options: Passed to `LLM.acomplete` (purpose, prompt, tools, ledger context, ...).

    Raises:
        ExtractionError: both answers failed to parse; carries the last raw text and call id.
        ModelCallError: a call itself failed.
    """

    def validate(completion: Completion) -> str | None:
        if completion.finish_reason == "length":
            return (
                f"the answer was cut at the output cap after {completion.usage.output_tokens} "
                "tokens (finish_reason 'length'), so it is incomplete"
            )
        try:
            parse(completion)
        except OutputError as exc:
            return str(exc)
        return None

    options = dict(options)
    if is_schema(options.get("response_format")) and llm.schema_refused:
        options["response_format"] = JSON_OBJECT
    try:
        try:
            done = await llm.acomplete(messages, validate=validate, **options)
        except ModelCallError as exc:
            if not (is_schema(options.get("response_format")) and schema_refused(exc)):
                raise
            llm.schema_refused = True  # the failed call is in the ledger with its error
            options["response_format"] = JSON_OBJECT
            done = await llm.acomplete(messages, validate=validate, **options)
        return Parsed(parse(done), done, done.usage, (done.call_id,))
    except UnusableOutput as first:
        final = _final(first)
        if final is not None:  # a repair would pay for the same answer again
            raise ExtractionError(
                f"{llm.model} answered unusably (call {first.call_id}: {first.reason}); not "
                f"retried: {final}. The raw answer is on this error's .raw; the call is in "
                f"llm_calls.{cache_note(first)}",
                raw=first.raw,
                call_id=first.call_id,
            ) from first
        repair = [
            *messages,
            {"role": "assistant", "content": first.raw or "(an empty answer)"},
            {"role": "user", "content": REPAIR.format(error=first.problem)},
        ]
        try:
            done = await llm.acomplete(repair, validate=validate, **options)
        except UnusableOutput as second:
            raise ExtractionError(
                f"{llm.model} answered in the wrong shape twice (call {first.call_id}: "
                f"{first.reason}; after one repair retry, call {second.call_id}: "
                f"{second.reason}). The raw answer is on this error's .raw; the calls are in "
                f"llm_calls.{cache_note(first, second)}",
                raw=second.raw,
                call_id=second.call_id,
            ) from second
        usage = first.completion.usage + done.usage
        return Parsed(parse(done), done, usage, (first.call_id or "", done.call_id))


def _final(unusable: UnusableOutput) -> str | None:
    """Why a repair retry would not help this answer, or None when it may."""
    if unusable.completion.finish_reason == "length":
        return (
            "a repair prompt would run into the same cap; raise the output cap (a replay "
            "stage's max_tokens, or LLM(params={'max_tokens': N})) or use a prompt whose "
            "answer is shorter"
        )
    if unusable.completion.refusal:
        return "the model declined the request; try another model or prompt"
    return None
