"""Checks and conversions of what callers hand to `Memory`, with errors that say the fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from memlab.arguments import (
    check_instance,
    check_items,
)
from memlab.db.text import check_text
from memlab.errors import ConfigError, NotFoundError
from memlab.llm.client import LLM
from memlab.manager import MemoryManager
from memlab.schema import Message, Run, UserMemory
from memlab.summarizer import SessionSummarizer
from memlab.triggers import SummaryTrigger


def model_arg(model: str | LLM | None) -> LLM | None:
    """The `LLM` for `Memory(model=...)`: None, a litellm model string, or an `LLM`."""
    if model is None:
        return None
    if isinstance(model, str):
        model = LLM(model)
    if not isinstance(model, LLM):
        raise ConfigError(
            f"Memory(model=...) takes a litellm model string or an LLM, got {type(model).__name__}"
        )
    return model


def run_arg(
    session_id: str, run: Run | Sequence[Message | dict[str, Any]], uid: str, *, explicit_user: bool
) -> Run:
    """A stored `Run` from a `Run` or a list of messages, checked against the session and user."""
    if isinstance(run, Run):
        if explicit_user and run.user_id != uid:
            raise ConfigError(f"run.user_id is {run.user_id!r} but user_id={uid!r} was passed")
        if run.session_id != session_id:
            raise ConfigError(f"run.session_id is {run.session_id!r}, not {session_id!r}")
        stored = run
    else:
        given = check_items("run", run, "a Run or a list of messages (Message or dict)")
        try:
            messages = [m if isinstance(m, Message) else Message.model_validate(m) for m in given]
        except ValidationError as exc:
            raise ConfigError(f"a message of the run is not valid: {exc}") from exc
        stored = Run(session_id=session_id, user_id=uid, messages=messages)
    if not stored.messages:
        raise ConfigError(
            f"add_run({session_id!r}, ...) got a run with no messages; a run is one exchange, "
            "e.g. [{'role': 'user', 'content': '...'}, {'role': 'assistant', 'content': '...'}]"
        )
    return stored


def manager_arg(manager: object) -> MemoryManager:
    """The `MemoryManager` passed as `Memory(manager=...)`, checked."""
    hint = "e.g. MemoryManager(prompt='agno-v2'), or None for the default"
    return check_instance("Memory(manager=...)", manager, MemoryManager, hint)


def summarizer_arg(summarizer: object) -> SessionSummarizer:
    """The `SessionSummarizer` passed as `Memory(summarizer=...)`, checked."""
    hint = "e.g. SessionSummarizer(mode='incremental'), or None for the default"
    return check_instance("Memory(summarizer=...)", summarizer, SessionSummarizer, hint)


def trigger_arg(trigger: object) -> SummaryTrigger:
    """The `SummaryTrigger` passed as `Memory(summary_trigger=...)`, checked."""
    if not isinstance(trigger, SummaryTrigger):
        raise ConfigError(
            "Memory(summary_trigger=...) takes a trigger's name ('never', 'every_n_runs', "
            f"'token_threshold', 'session_end') or a trigger, got {type(trigger).__name__}"
        )
    return trigger


def verbatim_memories(run: Run, user_id: str) -> list[UserMemory]:
    """The run's turns as memories "Speaker: text", each citing its message."""
    # Ids derive from the user and the message, so replaying a conversation stores the same
    # ids every time.
    return [
        UserMemory(
            memory_id=f"{user_id}/{m.id}",
            memory=f"{m.name or m.role}: {m.content}",
            source_message_ids=[m.id],
            created_at=m.created_at,
            updated_at=m.created_at,
        )
        for m in run.messages
        if m.content.strip()
    ]


def user_arg(user_id: str | None, default: str) -> str:
    """The user id a call acts on: the given one, checked, or `default`."""
    if user_id is None:
        return default
    return text_arg("user_id", user_id)


def text_arg(field: str, value: object) -> str:
    """`value` as a non-empty string that can be stored, or a `ConfigError` naming `field`."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{field} must be a non-empty string, got {value!r}")
    check_text(field, value)
    return value


def no_memory(user_id: str, memory_id: str) -> NotFoundError:
    """The error for a memory id the user does not have."""
    return NotFoundError(
        f"user {user_id!r} has no memory with id {memory_id!r}; "
        "list the user's ids with get_user_memories(user_id=...)"
    )


def no_summary(user_id: str, session_id: str) -> NotFoundError:
    """The error for a session the user has no summary of."""
    return NotFoundError(
        f"user {user_id!r} has no summary for session {session_id!r}; create one with "
        "create_session_summary(session_id) or list them with get_session_summaries()"
    )


def memory_arg(memory: UserMemory | str) -> UserMemory:
    """A `UserMemory` from a `UserMemory` or its text."""
    if isinstance(memory, UserMemory):
        return memory
    if isinstance(memory, str):
        try:
            return UserMemory(memory=memory)
        except ValidationError as exc:
            raise ConfigError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc
    raise ConfigError(f"a memory must be a UserMemory or a str, got {type(memory).__name__}")
