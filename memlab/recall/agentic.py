"""Recall strategy "agentic": a model reads the user's memories and picks the ids that answer.

Like agno's agentic search, except that it is scoped to one user: only that user's memories
are shown, and any id the model returns that is not among them (made up, or another user's) is
dropped and counted rather than raising a `KeyError` or leaking another user's memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.llm.client import LLM
from memlab.llm.context import top_k_similar
from memlab.llm.parse import complete_parsed, parse_model
from memlab.llm.prompt import get_prompt
from memlab.llm.schemas import memory_ids_response_format
from memlab.llm.sections import render_block, render_items
from memlab.llm.sync import run_sync
from memlab.recall.base import (
    Corpus,
    RecallHit,
    check_search,
    hit_from_memory,
    register_strategy,
)
from memlab.recall.budget import check_budget, take_within_budget
from memlab.schema import Usage

__all__ = ["AgenticResult", "AgenticSearch"]


class _Ids(BaseModel):
    model_config = ConfigDict(extra="ignore")
    memory_ids: list[str]

    @field_validator("memory_ids", mode="before")
    @classmethod
    def _strings(cls, value: object) -> object:
        return [str(v) for v in value] if isinstance(value, list) else value


@dataclass(frozen=True)
class AgenticResult:
    """Hits of one agentic search, with the ids the model made up.

    Attributes:
        hits: The user's memories the model chose, best first.
        dropped_ids: Ids the model returned that are not the user's memories.
        usage: Tokens and cost of the calls.
        call_ids: Ledger ids of the calls.
    """

    hits: list[RecallHit]
    dropped_ids: list[str]
    usage: Usage
    call_ids: tuple[str, ...]


@register_strategy("agentic")
class AgenticSearch:
    """The model picks the memories for a query.

    Args:
        llm: The model (`Memory.search_user_memories` passes its own).
        prompt: Prompt name.
        max_candidates: Show at most this many memories, the most similar by words; None shows
            all of them, as agno does (input tokens then grow with the store).
        budget_tokens: Keep the picked memories, in the model's order, while their text fits
            this many cl100k tokens (None: no budget).
    """

    name = "agentic"

    def __init__(
        self,
        llm: LLM | str | None = None,
        *,
        prompt: str = "agentic-search",
        max_candidates: int | None = None,
        budget_tokens: int | None = None,
    ) -> None:
        if llm is None:
            raise ConfigError(
                "recall strategy 'agentic' needs a model: get_strategy('agentic', "
                "llm=LLM(...)), or search through Memory(model=...)"
            )
        if max_candidates is not None and max_candidates < 1:
            raise ConfigError(f"max_candidates must be >= 1 or None, got {max_candidates!r}")
        self.llm = LLM(llm) if isinstance(llm, str) else llm
        self.prompt = prompt
        self.max_candidates = max_candidates
        self.budget_tokens = check_budget(budget_tokens)
        self.dropped_total = 0
        """How many made-up ids this strategy has dropped so far."""
        self.last_result: AgenticResult | None = None
        """The outcome of the latest search."""

    def describe(self) -> dict[str, object]:
        """The options that rebuild this strategy (the model by its litellm string)."""
        options: dict[str, object] = {
            "llm": self.llm.model,
            "prompt": self.prompt,
            "max_candidates": self.max_candidates,
        }
        if self.budget_tokens is not None:  # recorded only when set, as older results were
            options["budget_tokens"] = self.budget_tokens
        return options

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return at most `limit` of the user's memories the model picks for `query`."""
        return run_sync(self.asearch(db, user_id=user_id, query=query, limit=limit, over=over)).hits

    async def asearch(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> AgenticResult:
        """The search with its bookkeeping (dropped ids, usage, ledger ids).

        Raises:
            ConfigError: no query, or a corpus other than memories.
            ExtractionError: the answer was not an id list, also after one repair retry.
            ModelCallError: the call failed.
        """
        query = check_search(self.name, query=query, limit=limit, over=over, needs_query=True)
        if over != "memories":
            raise ConfigError(f"recall strategy 'agentic' runs over memories only, not {over!r}")
        ledger = self.llm.ledger_for(db)  # the calls are ledgered with what they searched
        memories = db.list_memories(user_id)
        if self.max_candidates is not None:
            memories = top_k_similar(memories, [query], self.max_candidates)
        if not memories:
            result = AgenticResult([], [], Usage(), ())
            self.last_result = result
            return result
        prompt = get_prompt(self.prompt)
        messages = prompt.render(
            options={"limit": limit},
            query=render_block("query", query),
            memories=render_block(
                "memories", render_items((m.memory_id or "", m.memory) for m in memories)
            ),
            limit=str(limit),
        )
        parsed = await complete_parsed(
            self.llm,
            messages,
            lambda c: parse_model(_Ids, c.text, what='the {"memory_ids": [...]} object').memory_ids,
            purpose=prompt.purpose,
            prompt=prompt,
            response_format=memory_ids_response_format(limit=limit),
            user_id=user_id,
            ledger=ledger,
        )
        by_id = {m.memory_id: m for m in memories}
        chosen: list[str] = []
        dropped: list[str] = []
        for memory_id in parsed.value:
            if memory_id not in by_id:
                dropped.append(memory_id)
            elif memory_id not in chosen:
                chosen.append(memory_id)
        hits = [hit_from_memory(by_id[i], 1.0 / rank) for rank, i in enumerate(chosen[:limit], 1)]
        hits = take_within_budget(hits, self.budget_tokens)
        self.dropped_total += len(dropped)
        result = AgenticResult(hits, dropped, parsed.usage, parsed.call_ids)
        self.last_result = result
        return result
