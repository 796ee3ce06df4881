"""Recall strategies: the protocol, the result item, and the registry by name.

A strategy is fully described by its registered name and keyword arguments, so an experiment
config or the CLI can rebuild it from a string and every result can say how it was recalled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.schema import UserMemory

__all__ = [
    "STRATEGIES",
    "Corpus",
    "RecallHit",
    "RecallStrategy",
    "get_strategy",
    "hit_from_memory",
    "register_strategy",
]

Corpus = Literal["memories", "messages", "summaries"]


class RecallHit(BaseModel):
    """One recalled item, with its score and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["memory", "message", "summary"]
    """What was recalled."""
    item_id: str
    """memory_id, message_id or session_id."""
    text: str
    """The recalled text, as it would go into a prompt."""
    score: float
    """The strategy's score (higher is better); rank-only strategies give 1/rank."""
    source_message_ids: list[str]
    """Provenance: the messages the item came from (a message cites itself)."""
    updated_at: datetime | None = None
    """When the item last changed."""
    memory: UserMemory | None = None
    """The stored memory itself, for memory hits (so callers need no second read)."""


def hit_from_memory(memory: UserMemory, score: float) -> RecallHit:
    """Wrap a stored memory as a `RecallHit`."""
    return RecallHit(
        kind="memory",
        item_id=memory.memory_id or "",
        text=memory.memory,
        score=score,
        source_message_ids=list(memory.source_message_ids),
        updated_at=memory.updated_at,
        memory=memory,
    )


@runtime_checkable
class RecallStrategy(Protocol):
    """Finds the items of one user most useful for a query."""

    @property
    def name(self) -> str:
        """Registered name of the strategy."""
        ...

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return at most `limit` hits for `user_id`, best first."""
        ...


S = TypeVar("S", bound=Callable[..., RecallStrategy])
STRATEGIES: dict[str, Callable[..., RecallStrategy]] = {}


def register_strategy(name: str) -> Callable[[S], S]:
    """Register a strategy factory (usually the class) under `name`."""

    def wrap(factory: S) -> S:
        STRATEGIES[name] = factory
        return factory

    return wrap


def get_strategy(name: str, **options: Any) -> RecallStrategy:
    """Build the strategy registered as `name` with keyword `options`.

    Raises:
        ConfigError: the name is unknown or the options do not fit the strategy.
    """
    # Importing the built-ins here registers them without an import cycle at package import.
    from memlab.recall import strategies  # noqa: F401

    factory = STRATEGIES.get(name)
    if factory is None:
        raise ConfigError(f"unknown recall strategy {name!r}; choose one of {sorted(STRATEGIES)}")
    try:
        return factory(**options)
    except TypeError as exc:
        raise ConfigError(f"recall strategy {name!r} does not accept {options}: {exc}") from exc
