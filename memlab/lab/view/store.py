"""Read one experiment's memories, memory events and messages from a results file.

Namespaces are `lab/<experiment>/<ingest>/<conversation>/<principal>` and message ids
`<conversation>:<turn>` (docs/replay.md), so every row maps back to a dataset turn.
"""

from __future__ import annotations

from typing import Any

from memlab.lab.analysis.results import Results
from memlab.lab.running.tables import lab_cursor
from memlab.lab.view.models import Event, Item, Timeline, TurnInfo

__all__ = ["ExperimentStore", "as_list", "space_of", "turn_ids"]


def as_list(value: Any) -> list[Any]:
    """A list of a DuckDB list value (None is empty)."""
    return [] if value is None else list(value)


def turn_ids(conversation_id: str, message_ids: Any) -> list[str]:
    """Dataset turn ids of message ids `<conversation>:<turn>`; the page speaks turn ids."""
    prefix = f"{conversation_id}:"
    return [str(m).removeprefix(prefix) for m in as_list(message_ids)]


def space_of(user_id: str) -> tuple[str, str, str]:
    """(ingest id, conversation id, principal) of a lab namespace; a conversation may hold "/"."""
    _, _, ingest_id, rest = user_id.split("/", 3)
    conversation_id, principal = rest.rsplit("/", 1)
    return ingest_id, conversation_id, principal


class ExperimentStore:
    """The experiment's memories, events and messages in the results file, read once.

    Recalled items are collected in `items` as results cite them, each once.

    Args:
        results: The experiment's results; only its namespaces are read.
    """

    def __init__(self, results: Results) -> None:
        self._cur = lab_cursor(results.db)
        self._prefix = f"lab/{results.experiment_id}/%"
        self._turns: dict[str, dict[str, TurnInfo]] = {}
        self._memories = {
            str(mid): (str(text), as_list(sources))
            for mid, text, sources in self._cur.execute(
                "SELECT memory_id, memory, source_message_ids FROM memories WHERE user_id LIKE ?",
                [self._prefix],
            ).fetchall()
        }
        self.items: list[Item] = []
        self._positions: dict[str, int] = {}

    def use_turns(self, turns: dict[str, dict[str, TurnInfo]]) -> None:
        """Name recalled messages and place events in sessions by these turns."""
        self._turns = turns

    def turns_from_messages(self) -> dict[str, dict[str, TurnInfo]]:
        """The turns as the replay stored them, for when the dataset is not at hand."""
        out: dict[str, dict[str, TurnInfo]] = {}
        rows = self._cur.execute(
            "SELECT user_id, message_id, session_id, coalesce(name, role), content, created_at"
            " FROM messages WHERE user_id LIKE ? ORDER BY created_at, message_id",
            [self._prefix],
        ).fetchall()
        for user_id, message_id, session, speaker, text, at in rows:
            cid = space_of(user_id)[1]
            out.setdefault(cid, {}).setdefault(
                turn_ids(cid, [message_id])[0],
                TurnInfo(
                    speaker=str(speaker),
                    text=str(text),
                    session=str(session),
                    date=at.isoformat() if at is not None else None,
                ),
            )
        return out

    def recalled(self, conversation_id: str, item_id: str) -> int:
        """The position of a recalled item in `items`, added on first sight."""
        if item_id not in self._positions:
            text, sources = self._memories.get(item_id, (None, []))
            turn = self._turns.get(conversation_id, {}).get(turn_ids(conversation_id, [item_id])[0])
            if text is None and turn is not None:  # recall over messages returns turns
                text, sources = f"{turn.speaker}: {turn.text}", [item_id]
            self._positions[item_id] = len(self.items)
            self.items.append(
                Item(id=item_id, text=text, turn_ids=turn_ids(conversation_id, sources))
            )
        return self._positions[item_id]

    def timelines(self) -> list[Timeline]:
        """Every namespace's memory events in store order, each placed in a session."""
        by_space: dict[str, list[Event]] = {}
        for user_id, seq, mid, op, status, before, after, sources in self._cur.execute(
            "SELECT user_id, seq, memory_id, op, status, before, after, source_message_ids"
            " FROM memory_events WHERE user_id LIKE ? ORDER BY seq",
            [self._prefix],
        ).fetchall():
            cid = space_of(user_id)[1]
            cited = turn_ids(cid, sources)
            known = self._turns.get(cid, {})
            sessions = [known[t].session for t in cited if t in known]
            by_space.setdefault(user_id, []).append(
                Event(
                    seq=int(seq),
                    memory_id=mid,
                    op=str(op),
                    status=str(status),
                    before=before,
                    after=after,
                    turn_ids=cited,
                    session=sessions[-1] if sessions else None,
                )
            )
        out = []
        for user_id, events in by_space.items():
            ingest_id, cid, principal = space_of(user_id)
            out.append(
                Timeline(
                    conversation_id=cid, ingest_id=ingest_id, principal=principal, events=events
                )
            )
        return sorted(out, key=lambda t: (t.conversation_id, t.ingest_id, t.principal))
