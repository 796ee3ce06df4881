"""Recall strategies that need no index, `last_n` and `first_n`, and the options all share.

Every built-in strategy is a frozen dataclass whose fields are its keyword options, so
`describe_strategy` can record it and `get_strategy(name, **options)` rebuild it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.recall.base import Corpus, RecallHit, check_search, register_strategy
from memlab.recall.budget import check_budget, take_within_budget
from memlab.recall.corpus import CorpusKey
from memlab.recall.items import hits_in_order
from memlab.schema import Role

__all__ = ["CorpusOptions", "FirstN", "LastN", "budget_in_order"]

_ROLES: tuple[Role, ...] = ("system", "user", "assistant", "tool")


@dataclass(frozen=True, kw_only=True)
class CorpusOptions:
    """Options on which items count, for recall over messages.

    Attributes:
        roles: Which speakers' messages are recalled (default: user and assistant; system
            prompts and tool output are rarely what a question is about).
        include_history: Also recall turns a run replayed from earlier history (they repeat
            messages that are stored in their own run).
        budget_tokens: At most this many cl100k tokens of recalled text (joined by newlines,
            as a prompt's context is counted); items are taken in rank order while they fit,
            beside `limit`. None: no budget.
    """

    name: ClassVar[str]
    roles: tuple[Role, ...] = ("user", "assistant")
    include_history: bool = False
    budget_tokens: int | None = None

    def __post_init__(self) -> None:
        roles = tuple(self.roles) if isinstance(self.roles, list | tuple) else None
        if not roles or any(r not in _ROLES for r in roles):
            raise ConfigError(
                f"roles must be a non-empty list of {list(_ROLES)}, got {self.roles!r}"
            )
        object.__setattr__(self, "roles", roles)
        check_budget(self.budget_tokens)

    def corpus_key(self, user_id: str, over: Corpus) -> CorpusKey:
        """The mirror this strategy reads for `user_id` over `over`."""
        if over == "messages":
            return CorpusKey(user_id, over, tuple(sorted(self.roles)), self.include_history)
        return CorpusKey(user_id, over)


def budget_in_order(hits: list[RecallHit], budget_tokens: int | None) -> list[RecallHit]:
    """Apply a budget by rank (score) to hits listed in another order, keeping that order."""
    if budget_tokens is None:
        return hits
    kept = {
        h.item_id for h in take_within_budget(sorted(hits, key=lambda h: -h.score), budget_tokens)
    }
    # The kept texts are rejoined in list order; re-check, dropping the lowest-ranked first.
    out = [h for h in hits if h.item_id in kept]
    while out and take_within_budget(out, budget_tokens) != out:
        out.remove(min(out, key=lambda h: h.score))
    return out


@register_strategy("last_n")
@dataclass(frozen=True, kw_only=True)
class LastN(CorpusOptions):
    """The `limit` most recent items, oldest of them first (agno's `last_n`); no query needed."""

    name: ClassVar[str] = "last_n"

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Ignore the query; return the newest items (the newest scores 1, the next 1/2...)."""
        check_search(self.name, query=query, limit=limit, over=over, needs_query=False)
        hits = hits_in_order(
            db,
            user_id,
            over,
            order="newest",
            limit=limit,
            roles=self.roles,
            include_history=self.include_history,
        )
        return budget_in_order(hits, self.budget_tokens)


@register_strategy("first_n")
@dataclass(frozen=True, kw_only=True)
class FirstN(CorpusOptions):
    """The `limit` oldest items, oldest first (agno's `first_n`); no query needed."""

    name: ClassVar[str] = "first_n"

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Ignore the query; return the oldest items (the oldest scores 1, the next 1/2...)."""
        check_search(self.name, query=query, limit=limit, over=over, needs_query=False)
        hits = hits_in_order(
            db,
            user_id,
            over,
            order="oldest",
            limit=limit,
            roles=self.roles,
            include_history=self.include_history,
        )
        return budget_in_order(hits, self.budget_tokens)
