"""A memory system of your own, measured by memlab's replay lab: a page of code.

`NotesMemory` keeps every sentence a user says as a note and recalls the notes that share
the most words with the question, newest first among equals. It makes no model call. Replay
it beside memlab's designs with `notes.toml` in this folder:

    memlab replay examples/custom_system/notes.toml --db results/notes.duckdb

Any object with these five methods is a `memlab.system.MemorySystem`; a wrapper around
another memory library looks the same, with its calls inside `aingest` and `arecall`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from memlab.recall.base import RecallHit
from memlab.schema import Run, Usage
from memlab.system import HeldItem
from memlab.tokens import count_tokens

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


class NotesMemory:
    """Every sentence the user says, recalled by word overlap with the question."""

    def __init__(self, *, min_words: int = 3) -> None:
        self.min_words = min_words
        self.notes: dict[str, list[HeldItem]] = {}  # by user id

    async def aingest(self, session_id: str, runs: Sequence[Run], *, user_id: str) -> None:
        """Keep the user's sentences of these runs, each citing the message it came from."""
        notes = self.notes.setdefault(user_id, [])
        for run in runs:
            for message in run.messages:
                if message.role != "user":
                    continue
                for i, sentence in enumerate(_SENTENCE.split(message.content)):
                    if len(_words(sentence)) >= self.min_words:
                        notes.append(
                            HeldItem("memory", f"{message.id}#{i}", sentence, (message.id,))
                        )

    async def aend_session(self, session_id: str, *, user_id: str) -> None:
        """Nothing to do at the end of a session."""

    async def arecall(
        self, query: str, *, user_id: str, limit: int, **options: Any
    ) -> list[RecallHit]:
        """The notes sharing the most words with `query`, within `budget_tokens` if given."""
        asked = _words(query)
        notes = self.notes.get(user_id, [])
        scored = [(len(asked & _words(n.text)), i, n) for i, n in enumerate(notes)]
        ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], -s[1]))
        budget = options.get("budget_tokens")
        hits: list[RecallHit] = []
        spent = 0
        for overlap, _, note in ranked[:limit]:
            tokens = count_tokens(note.text)
            if budget is not None and spent + tokens > budget:
                break
            spent += tokens
            hits.append(
                RecallHit(
                    kind="memory",
                    item_id=note.item_id,
                    text=note.text,
                    score=float(overlap),
                    source_message_ids=list(note.source_message_ids),
                )
            )
        return hits

    def held(self, *, user_id: str) -> list[HeldItem]:
        """Every note of the user."""
        return list(self.notes.get(user_id, []))

    def external_usage(self) -> Usage:
        """No model calls, so nothing spent."""
        return Usage()


def make(*, min_words: int = 3) -> NotesMemory:
    """The factory `notes.toml` names: `factory = "notes_memory:make"`."""
    return NotesMemory(min_words=min_words)
