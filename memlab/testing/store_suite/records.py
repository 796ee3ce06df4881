"""Records and helpers the `MemoryDb` contract tests share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from memlab.db.base import MemoryDb
from memlab.schema import Message, Role, Run

__all__ = ["BAD_TEXT", "T0", "StoreFactory", "at", "chat_run"]

StoreFactory = Callable[[], MemoryDb]
"""Makes a fresh, empty store (the suite closes it)."""

BAD_TEXT = "bad \ud800 text"
"""A string no UTF-8 store can keep: it holds a lone surrogate."""

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
"""When the suite's conversations start."""


def at(minutes: int) -> datetime:
    """`T0` plus `minutes`: the suite's timestamps are exact and distinct."""
    return T0 + timedelta(minutes=minutes)


def chat_run(session_id: str, user_id: str, minute: int, *turns: tuple[Role, str]) -> Run:
    """A run whose messages (role, text) are all said at minute `minute`."""
    return Run(
        session_id=session_id,
        user_id=user_id,
        created_at=at(minute),
        messages=[Message(role=role, content=text, created_at=at(minute)) for role, text in turns],
    )
