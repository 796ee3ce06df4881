r"""Text the store can keep: every string is checked before it reaches a buffer or a statement.

Python strings may hold lone surrogates (`"\ud800"` in source, which `json.loads` also
produces from a `\ud800` escape), but DuckDB and Arrow store UTF-8 and refuse them. Left in
the write-behind buffer, one such string would fail every later flush of its batch; so user
data is refused when it is added, with a `ConfigError` naming the
field. The model-call ledger instead escapes such characters: it must record every call,
whatever a model returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from memlab.errors import ConfigError
from memlab.schema import MemoryOp, Message, Run, SessionSummary, UserMemory

__all__ = [
    "check_memory",
    "check_message",
    "check_op",
    "check_query",
    "check_run",
    "check_summary",
    "check_text",
    "check_texts",
    "escape_unstorable",
    "storable",
]

_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> bool:
    """True when `text` can be stored as UTF-8 (it holds no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse(
    field: str, text: str, *, cannot: str = "be stored", outcome: str = "stored"
) -> ConfigError:
    match = _SURROGATE.search(text)
    where = f" at position {match.start()} ({match.group()!r})" if match else ""
    return ConfigError(
        f"{field} holds a character that cannot {cannot} as UTF-8{where}: a lone surrogate, "
        "as a bad decode or a '\\ud800' JSON escape produces. Clean the text first, e.g. "
        f"text.encode('utf-8', 'replace').decode(); nothing was {outcome}"
    )


def check_text(field: str, value: str | None) -> None:
    """Raise `ConfigError` naming `field` unless `value` is None or storable text."""
    if value is not None and not storable(value):
        raise _refuse(field, value)


def check_query(field: str, value: str | None) -> None:
    """Raise `ConfigError` naming `field` unless `value` is None or UTF-8-encodable text.

    A query is never stored, but tokenizers, embedders and model calls encode it as UTF-8
    too, and fail on a lone surrogate with errors that do not say which text was at fault.
    """
    if value is not None and not storable(value):
        raise _refuse(field, value, cannot="be encoded", outcome="searched")


def check_texts(field: str, values: Iterable[str | None]) -> None:
    """`check_text` for each item of a list field (`topics`, `source_message_ids`, ...)."""
    for i, value in enumerate(values):
        if value is not None and not storable(value):
            raise _refuse(f"{field}[{i}]", value)


def check_memory(memory: UserMemory, *, where: str = "memory") -> None:
    """Check every text field of a memory; the error names the field, e.g. `memory.topics[1]`."""
    check_text(f"{where}.memory_id", memory.memory_id)
    check_text(f"{where}.memory", memory.memory)
    check_texts(f"{where}.topics", memory.topics)
    check_text(f"{where}.input", memory.input)
    check_texts(f"{where}.source_message_ids", memory.source_message_ids)


def check_op(op: MemoryOp, *, where: str = "op") -> None:
    """Check the text fields of a model-proposed op."""
    check_text(f"{where}.memory_id", op.memory_id)
    check_text(f"{where}.memory", op.memory)
    check_text(f"{where}.input", op.input)
    check_texts(f"{where}.topics", op.topics)
    check_texts(f"{where}.source_message_ids", op.source_message_ids)


def check_message(message: Message, *, where: str = "message") -> None:
    """Check a message's id, content, name and tool calls."""
    check_text(f"{where}.id", message.id)
    check_text(f"{where}.content", message.content)
    check_text(f"{where}.name", message.name)
    check_text(f"{where}.tool_call_id", message.tool_call_id)
    for j, call in enumerate(message.tool_calls):
        check_text(f"{where}.tool_calls[{j}].id", call.id)
        check_text(f"{where}.tool_calls[{j}].name", call.name)
        check_text(f"{where}.tool_calls[{j}].arguments", call.arguments)


def check_run(run: Run, *, where: str = "run") -> None:
    """Check a run's ids and every text field of its messages."""
    check_text(f"{where}.run_id", run.run_id)
    check_text(f"{where}.session_id", run.session_id)
    check_text(f"{where}.user_id", run.user_id)
    for i, message in enumerate(run.messages):
        check_message(message, where=f"{where}.messages[{i}]")


def check_summary(summary: SessionSummary) -> None:
    """Check a session summary's ids, text, topics and run ids."""
    check_text("summary.session_id", summary.session_id)
    check_text("summary.user_id", summary.user_id)
    check_text("summary.summary", summary.summary)
    check_texts("summary.topics", summary.topics)
    check_texts("summary.run_ids", summary.run_ids)


def escape_unstorable(text: str) -> str:
    r"""Replace each lone surrogate with its `\uXXXX` escape (JSON reads it back the same)."""
    if storable(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
