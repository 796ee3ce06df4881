"""Built-in recall strategies that need no index: `last_n` and `first_n`."""

from __future__ import annotations

from dataclasses import dataclass

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.recall.base import Corpus, RecallHit, hit_from_memory, register_strategy

__all__ = ["FirstN", "LastN"]


def _memories_only(name: str, over: Corpus) -> None:
    if over != "memories":
        raise ConfigError(f"recall strategy {name!r} runs over memories only, not {over!r}")


@register_strategy("last_n")
@dataclass(frozen=True)
class LastN:
    """The `limit` most recently updated memories, oldest of them first (agno's `last_n`)."""

    name: str = "last_n"

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Ignore the query; return the newest memories."""
        _memories_only(self.name, over)
        found = db.list_memories(user_id, order="newest", limit=limit)
        return [hit_from_memory(m, 1.0 / (len(found) - i)) for i, m in enumerate(found)]


@register_strategy("first_n")
@dataclass(frozen=True)
class FirstN:
    """The `limit` least recently updated memories, oldest first (agno's `first_n`)."""

    name: str = "first_n"

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Ignore the query; return the oldest memories."""
        _memories_only(self.name, over)
        found = db.list_memories(user_id, order="oldest", limit=limit)
        return [hit_from_memory(m, 1.0 / (i + 1)) for i, m in enumerate(found)]
