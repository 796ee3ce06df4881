"""Recall hits read back from the store: memories, messages or summaries, with provenance.

Ranked strategies hand over (item id, score) pairs; the items are read by id in one query, so a
hit always shows the item as stored now and an item deleted meanwhile is never returned.
Reads by id go through the store's `RecallIndexStore` side (or the generic path); the rest
are `MemoryDb` reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from memlab.db.base import MemoryDb
from memlab.recall.base import Corpus, RecallHit, hit_from_memory
from memlab.recall.generic_store import index_store
from memlab.schema import Message, SessionSummary

__all__ = ["hits_by_id", "hits_in_order"]


def _message_hit(message: Message, score: float) -> RecallHit:
    return RecallHit(
        kind="message",
        item_id=message.id,
        text=message.content,
        score=score,
        source_message_ids=[message.id],
        updated_at=message.created_at,
        role=message.role,
    )


def _summary_hits(
    db: MemoryDb, user_id: str, summaries: Sequence[SessionSummary], scores: Sequence[float]
) -> list[RecallHit]:
    sources = db.summary_sources(user_id, [s.session_id for s in summaries])
    return [
        RecallHit(
            kind="summary",
            item_id=s.session_id,
            text=s.summary,
            score=score,
            source_message_ids=sources.get(s.session_id, []),
            updated_at=s.updated_at,
        )
        for s, score in zip(summaries, scores, strict=True)
    ]


def hits_by_id(
    db: MemoryDb, user_id: str, over: Corpus, ranked: Sequence[tuple[str, float]]
) -> list[RecallHit]:
    """Hits for `(item id, score)` pairs, in the given order; ids no longer stored are skipped."""
    if not ranked:
        return []
    score_of = dict(ranked)
    ids = list(score_of)
    if over == "memories":
        return [
            hit_from_memory(m, score_of[m.memory_id or ""])
            for m in index_store(db).get_memories_by_ids(user_id, ids)
        ]
    if over == "messages":
        messages = index_store(db).get_messages_by_ids(user_id, ids)
        return [_message_hit(m, score_of[m.id]) for m in messages]
    by_session = {s.session_id: s for s in db.list_summaries(user_id)}
    found = [by_session[i] for i in ids if i in by_session]
    return _summary_hits(db, user_id, found, [score_of[s.session_id] for s in found])


def _rank_scores(n: int, order: Literal["oldest", "newest"]) -> list[float]:
    # The item at the asked-for end scores 1, the next 1/2, ...; the list stays oldest first.
    return [1.0 / (n - i) if order == "newest" else 1.0 / (i + 1) for i in range(n)]


def hits_in_order(
    db: MemoryDb,
    user_id: str,
    over: Corpus,
    *,
    order: Literal["oldest", "newest"],
    limit: int,
    roles: Sequence[str] | None = None,
    include_history: bool = False,
) -> list[RecallHit]:
    """The `limit` oldest or newest items, oldest first, scored 1/rank from the asked-for end.

    Memories and summaries go by last update, messages by conversation order.
    """
    if over == "memories":
        memories = db.list_memories(user_id, order=order, limit=limit)
        scores = _rank_scores(len(memories), order)
        return [hit_from_memory(m, s) for m, s in zip(memories, scores, strict=True)]
    if over == "messages":
        messages = db.list_messages(
            user_id, roles=roles, include_history=include_history, order=order, limit=limit
        )
        scores = _rank_scores(len(messages), order)
        return [_message_hit(m, s) for m, s in zip(messages, scores, strict=True)]
    summaries = db.list_summaries(user_id)  # oldest update first; a user has few
    chosen = summaries[-limit:] if order == "newest" else summaries[:limit]
    return _summary_hits(db, user_id, chosen, _rank_scores(len(chosen), order))
