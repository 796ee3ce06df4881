"""Turning one conversation into memory: namespaces, runs and messages with stable ids.

Principals. With `extract`, each principal of the conversation (LoCoMo has two) gets its own
namespace and its own extraction: its turns are the `user` messages, everyone else's are
`assistant` messages (named by speaker), so the manager keeps that principal's facts. A probe
recalls from the namespace of the participant it is `about`, or from every principal's with k
split evenly when it does not say. With `messages` and `verbatim` every speaker's turns go into
one namespace, because nothing is extracted per person there; roles follow the participants'.

Ids. A message id is `"{conversation_id}:{turn_id}"` and a run id
`"{conversation_id}:{session_id}:r{n}"`, so recalled items map back to dataset turns and two
replays of the same conversation send byte-identical requests (the cache answers the second).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from memlab.errors import DatasetError
from memlab.lab.data.dataset import Conversation, Participant, Probe, Session
from memlab.schema import Message, Role, Run, UserMemory

__all__ = [
    "Namespace",
    "in_time_order",
    "namespaces",
    "probe_moments",
    "runs_of",
    "turn_id_of",
    "verbatim_memories",
]


@dataclass(frozen=True)
class Namespace:
    """One isolated memory of a unit: its user id and whose turns are the `user` role."""

    user_id: str
    """The store's user id (derived from the unit id and the principal)."""
    principal: str | None
    """The participant whose memory this is; None for the shared namespace."""


def namespaces(
    conversation: Conversation, *, unit_key: str, per_principal: bool
) -> list[Namespace]:
    """The namespaces a unit replays into.

    With `per_principal`, one per principal (participants marked principal, else the `user`
    participants, else everyone); otherwise one shared namespace.
    """
    if not per_principal:
        return [Namespace(f"{unit_key}/all", None)]
    people = (
        conversation.principals()
        or [p for p in conversation.participants if p.role == "user"]
        or list(conversation.participants)
    )
    return [Namespace(f"{unit_key}/{p.name}", p.name) for p in people]


def _role(speaker: str, namespace: Namespace, roles: dict[str, Participant]) -> Role:
    if namespace.principal is not None:
        return "user" if speaker == namespace.principal else "assistant"
    person = roles.get(speaker)
    return "assistant" if person is not None and person.role == "assistant" else "user"


def runs_of(
    conversation: Conversation, session: Session, namespace: Namespace, user_id: str
) -> Iterator[Run]:
    """The session's turns as runs (exchanges), in order.

    A run starts at a turn of the lead speaker (the namespace's principal, or the first user
    participant for the shared namespace) that follows someone else's turn; turns before the
    lead's first turn form a run of their own.
    """
    roles = {p.name: p for p in conversation.participants}
    lead = namespace.principal or next(
        (p.name for p in conversation.participants if p.role == "user"), None
    )
    current: list[Message] = []
    previous: str | None = None
    n = 0

    def flush() -> Run:
        nonlocal n
        n += 1
        return Run(
            run_id=f"{conversation.id}:{session.id}:r{n}",
            session_id=session.id,
            user_id=user_id,
            messages=list(current),
            created_at=current[0].created_at,
        )

    for turn in session.turns:
        if current and turn.speaker == lead and previous != lead:
            yield flush()
            current = []
        current.append(
            Message(
                id=f"{conversation.id}:{turn.id}",
                role=_role(turn.speaker, namespace, roles),
                content=turn.content(),
                created_at=session.turn_time(turn),
                name=turn.speaker,
            )
        )
        previous = turn.speaker
    if current:
        yield flush()


def turn_id_of(message_id: str, conversation_id: str) -> str | None:
    """The dataset turn id of a message id this module made, else None."""
    prefix = f"{conversation_id}:"
    return message_id[len(prefix) :] if message_id.startswith(prefix) else None


def verbatim_memories(ns: Namespace, run: Run) -> list[UserMemory]:
    """The run's turns as memories `"Speaker: text"`, each citing its message."""
    # Ids derive from the namespace and the turn, so a replay stores the same ids every time.
    return [
        UserMemory(
            memory_id=f"{ns.user_id}/{m.id}",
            memory=f"{m.name}: {m.content}",
            source_message_ids=[m.id],
            created_at=m.created_at,
            updated_at=m.created_at,
        )
        for m in run.messages
        if m.content.strip()
    ]


def in_time_order(conversation: Conversation) -> list[Session]:
    """The conversation's sessions by start time (stable for equal times)."""
    return sorted(conversation.sessions, key=lambda s: s.started_at)


def probe_moments(conversation: Conversation) -> dict[int, list[Probe]]:
    """Probes by the position (in time order) of the session they are asked after.

    Raises:
        DatasetError: a probe names a session the conversation does not have.
    """
    index = {s.id: i for i, s in enumerate(in_time_order(conversation))}
    last = len(conversation.sessions) - 1
    out: dict[int, list[Probe]] = {}
    for probe in conversation.probes:
        if probe.asked_after is None:
            at = last
        elif probe.asked_after in index:
            at = index[probe.asked_after]
        else:
            raise DatasetError(
                f"conversation {conversation.id!r}: probe {probe.id!r} is asked after session "
                f"{probe.asked_after!r}, which the conversation does not have; fix the dataset"
            )
        out.setdefault(at, []).append(probe)
    return out
