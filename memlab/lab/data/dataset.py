"""Recorded conversations: the models every loader produces and the replay runner consumes.

A `Dataset` holds `Conversation`s; each has `Participant`s, time-ordered `Session`s of
`Turn`s, and `Probe`s (questions with accepted answers and the evidence turns that hold them).
The native on-disk format (JSON Lines, see `docs/dataset-format.md`) is these models
serialized; the LoCoMo and LongMemEval loaders map their files onto them.

These models are the contract between the data side and the lab: change them only by adding
optional fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "Attachment",
    "Conversation",
    "Dataset",
    "Participant",
    "Probe",
    "Problem",
    "Session",
    "Turn",
]

FORMAT_NAME = "memlab-conversations"
"""The `format` value of a native file's header line."""
FORMAT_VERSION = 1
"""The version of the native format these models write."""


def _as_utc(value: datetime) -> datetime:
    # Recorded dates are often naive; the whole store takes naive times as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Participant(_Model):
    """Someone who speaks in a conversation."""

    name: str
    """The name turns use as their `speaker`."""
    role: Literal["user", "assistant"] = "user"
    """`user` for a person, `assistant` for the agent."""
    principal: bool = False
    """True when memory keeps this participant's facts (the user whose memory is built)."""


class Attachment(_Model):
    """Something shared with a turn besides its text, such as a photo."""

    kind: str = "image"
    """What was shared (`image`, `file`, `link`)."""
    caption: str
    """What it shows, in words (LoCoMo's BLIP caption for a shared photo)."""


class Turn(_Model):
    """One utterance of a session."""

    id: str
    """Unique within the conversation; probes cite it as evidence."""
    speaker: str
    """The `Participant.name` who said it."""
    text: str
    """What was said."""
    at: datetime | None = None
    """When it was said (UTC); None means at the session's `started_at`."""
    attachments: list[Attachment] = Field(default_factory=list)
    """What the turn shared besides its text."""

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _as_utc(value)

    def content(self) -> str:
        """The text a memory sees: the turn's text, then each attachment as a bracketed note."""
        notes = "".join(f" [shared {a.kind}: {a.caption}]" for a in self.attachments)
        return self.text + notes


class Session(_Model):
    """A stretch of conversation on one occasion."""

    id: str
    """Unique within the conversation."""
    started_at: datetime
    """When the session began (UTC); sessions are replayed in this order."""
    turns: list[Turn] = Field(default_factory=list)
    """The session's turns in order."""

    @field_validator("started_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)

    def turn_time(self, turn: Turn) -> datetime:
        """When `turn` was said: its own `at`, else the session's start."""
        return turn.at or self.started_at


class Probe(_Model):
    """A question asked of memory at a moment of the conversation, with its gold answer."""

    id: str
    """Unique within the dataset's conversation."""
    question: str
    """The question, as a user would ask it."""
    answers: list[str] = Field(default_factory=list)
    """Accepted answers (aliases); any one is correct. Empty only for abstention probes."""
    evidence: list[str] = Field(default_factory=list)
    """Ids of the turns that hold the answer (empty for abstention probes)."""
    category: str = "single-hop"
    """The kind of question (`single-hop`, `multi-hop`, `temporal`, `knowledge-update`, ...)."""
    category_id: str | None = None
    """The source benchmark's own category id, kept verbatim (LoCoMo's 1-5)."""
    about: str | None = None
    """The participant the question is about; None when the source does not say."""
    asked_after: str | None = None
    """The session after which the probe is asked; None means after the last session."""
    abstention: bool = False
    """True when the honest answer is that the conversation never said."""
    stale_answers: list[str] = Field(default_factory=list)
    """Values that were true earlier but are not any more (knowledge updates): wrong answers."""
    trap_answers: list[str] = Field(default_factory=list)
    """Plausible wrong answers the question invites (LoCoMo's `adversarial_answer`)."""
    asked_at: datetime | None = None
    """When the question is asked (UTC; LongMemEval's `question_date`), for questions like
    "how long ago"; None means right after the `asked_after` session."""

    @field_validator("asked_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _as_utc(value)


class Conversation(_Model):
    """One recorded conversation: who speaks, what they said, what is asked of memory."""

    id: str
    """Unique within the dataset."""
    participants: list[Participant]
    """Everyone who speaks."""
    sessions: list[Session]
    """Sessions in time order."""
    probes: list[Probe] = Field(default_factory=list)
    """Questions asked of memory, with gold answers."""
    split: str | None = None
    """Which split the conversation belongs to (`dev`, `test`), when the dataset has splits."""

    def principals(self) -> list[Participant]:
        """The participants whose facts memory keeps."""
        return [p for p in self.participants if p.principal]

    def turns(self) -> Iterator[tuple[Session, Turn]]:
        """Every turn with its session, in replay order."""
        for session in self.sessions:
            for turn in session.turns:
                yield session, turn

    def turn_count(self) -> int:
        """The number of turns over all sessions."""
        return sum(len(s.turns) for s in self.sessions)


class Problem(_Model):
    """One thing wrong with a dataset file: where it is and what is wrong."""

    file: str
    """The file it was found in."""
    conversation_id: str | None = None
    """The conversation it belongs to, when known."""
    path: str
    """The field path, like `conversations[3].sessions[2].turns[7].text`."""
    message: str
    """What is wrong (and, where it helps, what to do)."""
    skipped: str | None = None
    """In lenient loading: what was left out because of it (`turn D1:3`, `probe q7`), if any."""

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}"
        if self.conversation_id is not None:
            where += f" (conversation {self.conversation_id!r})"
        tail = f" [skipped {self.skipped}]" if self.skipped else ""
        return f"{where}: {self.message}{tail}"


class Dataset(_Model):
    """A named, versioned collection of recorded conversations."""

    name: str
    """Short name (`memlab-synthetic`, `locomo10`)."""
    version: str = "1"
    """The dataset's own version (not the format's)."""
    license: str | None = None
    """The license the conversations are under."""
    source: str | None = None
    """Where the conversations come from (a URL, a generator and its seed)."""
    description: str | None = None
    """One paragraph on what the dataset is."""
    conversations: list[Conversation] = Field(default_factory=list)
    """The conversations."""
    problems: list[Problem] = Field(default_factory=list)
    """What lenient loading found wrong and skipped; empty for a clean file."""

    def splits(self) -> dict[str, int]:
        """Conversations per split (`None` split counted as `"-"`)."""
        counts: dict[str, int] = {}
        for c in self.conversations:
            counts[c.split or "-"] = counts.get(c.split or "-", 0) + 1
        return counts

    def probe_count(self) -> int:
        """The number of probes over all conversations."""
        return sum(len(c.probes) for c in self.conversations)
