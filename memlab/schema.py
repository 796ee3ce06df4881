"""The records memlab stores and returns: messages, runs, memories, summaries, ops, usage.

Every model is pydantic so it validates on the way in and serializes to JSON on the way out;
stored structures are JSON or native DuckDB types, never pickled or `eval`'d.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "LlmCall",
    "MemoryEvent",
    "MemoryOp",
    "Message",
    "Role",
    "Run",
    "SessionSummary",
    "ToolCall",
    "Usage",
    "UserMemory",
    "new_id",
    "utcnow",
]

Role = Literal["system", "user", "assistant", "tool"]
OpKind = Literal["add", "update", "delete", "noop"]


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime with microsecond precision."""
    return datetime.now(UTC)


def new_id() -> str:
    """Return a fresh random id (UUID4 text), the id format of every memlab record."""
    # `str(uuid.uuid4())` builds a UUID object only to print it: three times the cost, which
    # shows when a bulk write makes two ids per memory. Same 122 random bits, same text.
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _as_utc(value: datetime) -> datetime:
    # Naive datetimes are taken as UTC, the convention of the whole store.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("created_at", "updated_at", check_fields=False)
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


class ToolCall(_Record):
    """A tool call an assistant message asked for."""

    id: str
    """The provider's id of the call, echoed by the tool message that answers it."""
    name: str
    """Name of the tool."""
    arguments: str = "{}"
    """Arguments exactly as the model wrote them (JSON text, possibly invalid)."""


class Message(_Record):
    """One turn of a conversation."""

    id: str = Field(default_factory=new_id)
    """Stable id; memories cite it as their source."""
    role: Role
    """Who spoke: system, user, assistant or tool."""
    content: str
    """The text of the turn (may be empty for an assistant turn that only calls tools)."""
    created_at: datetime = Field(default_factory=utcnow)
    """When the turn was spoken (UTC); recorded datasets keep their own dates here."""
    name: str | None = None
    """Optional speaker name (a dataset's speaker, or the tool's name)."""
    tool_call_id: str | None = None
    """For a tool message: the id of the call it answers."""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    """For an assistant message: the tool calls it made."""
    from_history: bool = False
    """True when the turn was replayed from earlier history into this run's prompt."""


RunStatus = Literal["completed", "error", "cancelled"]


class Run(_Record):
    """One agent run: the messages of one request/response exchange in a session."""

    run_id: str = Field(default_factory=new_id)
    """Stable id of the run."""
    session_id: str
    """The session (conversation) the run belongs to."""
    user_id: str
    """The user the run belongs to; every read is scoped by it."""
    messages: list[Message] = Field(default_factory=list)
    """The run's messages in order."""
    created_at: datetime = Field(default_factory=utcnow)
    """When the run happened (UTC)."""
    status: RunStatus = "completed"
    """Whether the run completed, failed or was cancelled."""


class UserMemory(_Record):
    """A fact about a user, kept across sessions."""

    memory_id: str | None = None
    """Id in the store; None until the memory is stored."""
    memory: str
    """The fact, in one or a few sentences."""
    topics: list[str] = Field(default_factory=list)
    """Short topic labels (e.g. "work", "family")."""
    input: str | None = None
    """The text the fact was extracted from, when it came from a model."""
    source_message_ids: list[str] = Field(default_factory=list)
    """Ids of the messages the fact came from (its provenance)."""
    created_at: datetime = Field(default_factory=utcnow)
    """When the fact was first stored (UTC)."""
    updated_at: datetime = Field(default_factory=utcnow)
    """When the fact was last changed (UTC)."""

    @field_validator("memory")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(
                "memory text is empty; give the fact to remember, e.g. 'Ana lives in Porto'"
            )
        return value


class SessionSummary(_Record):
    """A summary of one session of one user."""

    session_id: str
    """The session summarized."""
    user_id: str
    """The user the session belongs to."""
    summary: str
    """The summary text."""
    topics: list[str] = Field(default_factory=list)
    """Topics the session touched."""
    updated_at: datetime = Field(default_factory=utcnow)
    """The time of the session the summary covers, as of its latest message (UTC); the
    summarizer sets it so, and a summary built by hand defaults to now."""
    run_ids: list[str] = Field(default_factory=list)
    """Ids of the runs the summary covers, so an incremental summary knows where to resume."""

    def _repr_html_(self) -> str:
        from memlab.display import summary_html  # display imports this module

        return summary_html(self)


class MemoryOp(_Record):
    """One change to a user's memories, as proposed by a model or a caller."""

    op: OpKind
    """add, update, delete or noop."""
    memory_id: str | None = None
    """The memory changed (None for add until it is applied)."""
    memory: str | None = None
    """The new text (for add and update)."""
    topics: list[str] = Field(default_factory=list)
    """Topics of the new text."""
    source_message_ids: list[str] = Field(default_factory=list)
    """Messages the op came from."""
    reason: str | None = None
    """Why the op was rejected, when it was."""
    input: str | None = None
    """The words the op came from (its source messages' text), stored as the memory's `input`."""
    at: datetime | None = None
    """When the change happened (the newest source message's time, UTC); None means now.
    A replayed conversation keeps its own dates this way, so recency means conversation time."""

    @field_validator("at")
    @classmethod
    def _utc_at(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _as_utc(value)


class MemoryEvent(_Record):
    """One row of the append-only memory history (applied or rejected op)."""

    event_id: str = Field(default_factory=new_id)
    """Id of the event."""
    user_id: str
    """The user whose memories changed."""
    memory_id: str | None
    """The memory changed (None for a rejected op that named no memory)."""
    op: OpKind
    """The operation."""
    before: str | None = None
    """Memory text before the change."""
    after: str | None = None
    """Memory text after the change."""
    source_message_ids: list[str] = Field(default_factory=list)
    """Messages the change came from."""
    cause: str | None = None
    """What caused it: an `llm_calls` id, or "api" for a direct call."""
    status: Literal["applied", "rejected"] = "applied"
    """Whether the op was applied or rejected."""
    reason: str | None = None
    """Why a rejected op was rejected."""
    created_at: datetime = Field(default_factory=utcnow)
    """When the event happened (UTC)."""


class Usage(_Record):
    """Tokens and cost of one or more model calls; `a + b` adds them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_tokens: int = 0
    """Prompt tokens."""
    output_tokens: int = 0
    """Completion tokens."""
    cost_usd: float | None = 0.0
    """Cost in USD; None when any call's cost is unknown (never a made-up 0.0)."""
    calls: int = 0
    """Number of model calls counted."""
    cached_calls: int = 0
    """How many of those calls were served from the response cache."""

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        cost = (
            None
            if self.cost_usd is None or other.cost_usd is None
            else self.cost_usd + other.cost_usd
        )
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=cost,
            calls=self.calls + other.calls,
            cached_calls=self.cached_calls + other.cached_calls,
        )


Purpose = Literal["extract", "update", "summarize", "search", "answer", "judge", "embed", "other"]


class LlmCall(_Record):
    """One row of the `llm_calls` ledger: every model call, cached or not, failed or not."""

    call_id: str = Field(default_factory=new_id)
    """Id of the call; memory events and errors cite it."""
    created_at: datetime = Field(default_factory=utcnow)
    """When the call started (UTC)."""
    purpose: Purpose
    """What the call was for."""
    model: str
    """The litellm model string."""
    prompt_name: str | None = None
    """Name of the prompt template used."""
    prompt_version: str | None = None
    """Version of that prompt template."""
    request_hash: str
    """Hash of the canonical request; the cache key."""
    input_tokens: int | None = None
    """Prompt tokens (None when the call failed before an answer)."""
    output_tokens: int | None = None
    """Completion tokens."""
    cost_usd: float | None = None
    """Cost in USD; None when unknown. A cache hit keeps the original call's cost."""
    latency_ms: float = 0.0
    """Wall time of the call, including retries."""
    cached: bool = False
    """True when the answer came from `llm_cache`."""
    attempts: int = 1
    """How many HTTP attempts the call took (1 when it succeeded at once)."""
    error: str | None = None
    """Error text when the call failed; a failed call is never a score."""
    user_id: str | None = None
    """The user the call served."""
    session_id: str | None = None
    """The session the call served."""
    run_id: str | None = None
    """The run the call served."""
    memory_id: str | None = None
    """The memory the call served, when one."""
    tools_requested: bool = False
    """True when the request offered tools."""
    tools_used: bool | None = None
    """True when the answer called a tool; None when there was no answer (the call failed)."""
