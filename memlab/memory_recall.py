"""The recall part of `Memory`: search, recall with provenance, and what it holds."""

from __future__ import annotations

import json
from typing import Any

from memlab.db.store_core import check_count
from memlab.memory_args import (
    text_arg,
)
from memlab.memory_base import MemoryBase
from memlab.recall.base import Corpus, RecallStrategy, get_strategy
from memlab.recall.hits import RecallHits
from memlab.schema import Usage, UserMemory
from memlab.system import HeldItem


class RecallPart(MemoryBase):
    """Search and recall over what the memory holds, and the inventory the lab measures."""

    def search_user_memories(
        self,
        query: str | None = None,
        *,
        limit: int | None = None,
        retrieval_method: str = "last_n",
        user_id: str | None = None,
        **options: Any,
    ) -> list[UserMemory]:
        """The user's memories a recall strategy picks for `query`, as agno returns them.

        `retrieval_method` names a registered strategy ("last_n", "first_n", ...); extra
        keyword `options` configure it. Use `recall()` for scores and provenance.
        """
        uid = self._uid(user_id)
        check_count("limit", limit)
        text_arg("retrieval_method", retrieval_method)
        if limit is None:
            limit = max(self.db.count_memories(uid), 1)
        hits = self.recall(query, strategy=retrieval_method, limit=limit, user_id=uid, **options)
        return [h.memory for h in hits if h.memory is not None]

    def recall(
        self,
        query: str | None,
        *,
        strategy: str = "last_n",
        limit: int = 10,
        over: Corpus = "memories",
        user_id: str | None = None,
        **options: Any,
    ) -> RecallHits:
        """Recall at most `limit` items of the user for `query`, with scores and provenance.

        `strategy` names a registered strategy; `options` configure it (`budget_tokens`
        caps the hits' tokens). The hits are a list that shows as a table in a notebook
        (`to_df()` for a DataFrame).
        """
        check_count("limit", limit, optional=False)
        chosen = self._strategy(strategy, options)
        return RecallHits(
            chosen.search(self.db, user_id=self._uid(user_id), query=query, limit=limit, over=over)
        )

    async def arecall(
        self,
        query: str | None,
        *,
        strategy: str = "last_n",
        limit: int = 10,
        over: Corpus = "memories",
        user_id: str | None = None,
        **options: Any,
    ) -> RecallHits:
        """Async form of `recall`: a model-driven strategy does not block the event loop."""
        check_count("limit", limit, optional=False)
        chosen = self._strategy(strategy, options)
        uid = self._uid(user_id)
        asearch = getattr(chosen, "asearch", None)
        if asearch is not None:
            found = await asearch(self.db, user_id=uid, query=query, limit=limit, over=over)
            return RecallHits(found.hits)
        return RecallHits(chosen.search(self.db, user_id=uid, query=query, limit=limit, over=over))

    def _strategy(self, name: str, options: dict[str, Any]) -> RecallStrategy:
        text_arg("strategy", name)
        if name == "agentic" and options.get("llm") is None:
            options = {**options, "llm": self.llm}
        # A strategy is rebuilt only when its settings change: building one may load an
        # embedder, and a replay asks the same strategy for every probe.
        key = json.dumps([name, options], sort_keys=True, default=lambda o: f"id:{id(o)}")
        chosen = self._strategies.get(key)
        if chosen is None:
            chosen = self._strategies[key] = get_strategy(name, **options)
        return chosen

    # ----------------------------------------------------------------- what the memory holds
    def held(self, *, user_id: str | None = None) -> list[HeldItem]:
        """What this memory holds for the user: memories, summaries, and messages too.

        Messages count only with `ingest="messages"`, where they are the long-term memory.
        """
        uid = self._uid(user_id)
        items = [
            HeldItem("memory", m.memory_id or "", m.memory, tuple(m.source_message_ids))
            for m in self.db.list_memories(uid)
        ]
        summaries = self.db.list_summaries(uid)
        sources = self.db.summary_sources(uid, [s.session_id for s in summaries])
        items += [
            HeldItem("summary", s.session_id, s.summary, tuple(sources.get(s.session_id, ())))
            for s in summaries
        ]
        if self.ingest == "messages":
            items += [
                HeldItem("message", m.id, m.content, (m.id,))
                for run in self.db.get_runs(uid)
                for m in run.messages
            ]
        return items

    def external_usage(self) -> Usage:
        """Always empty: every model call of a `Memory` goes through an `LLM` and its ledger."""
        return Usage()
