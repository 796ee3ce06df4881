"""`MemoryManager`: what to remember. Asks a model for memory ops and applies the valid ones.

The strategy (`agno-v2`, `mem0-style`, `single-pass-json`) decides the prompts and the answer
shape; the context policy decides which stored memories the prompt shows (`all`, as agno does,
or a bounded `top_k`). Ops are applied by the store in one transaction: an op naming an unknown
id, another user's id, or empty text is rejected and recorded in `memory_events` with the
reason, and the other ops still apply. Every applied op cites its source messages and the
`llm_calls` id that proposed it. A failed or unparseable call raises; it never reads as "no
memories".

Prompts name messages and memories by short handles (`m1`, `k1`), never by stored ids, so the
same input is the same request (see `memlab.llm.handles`). The manager maps the handles of the
answer back to ids before the store sees the ops; a memory handle the prompt did not show is
rejected and recorded with the reason, like an unknown id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from memlab.db.base import MemoryDb
from memlab.display import extraction_frame, html_table, text_table, usage_line
from memlab.errors import ConfigError
from memlab.llm.client import LLM, LedgerStore
from memlab.llm.context import top_k_similar
from memlab.llm.extract import ExtractionRequest, Extractor, Proposal, get_extractor
from memlab.llm.handles import Handles
from memlab.llm.parse import complete_parsed, ops_from_tool_calls
from memlab.llm.prompt import get_prompt
from memlab.llm.sections import clip, day_of, format_day, render_block, render_items
from memlab.llm.tools import MEMORY_TOOLS
from memlab.recall.base import RecallStrategy
from memlab.schema import MemoryEvent, MemoryOp, Message, Usage, UserMemory, utcnow

__all__ = ["ContextPolicy", "ExtractionResult", "MemoryManager"]

ContextPolicy = Literal["all", "top_k"]

_MIN_SHARE = 3  # memories each part of a split top-k budget still gets


@dataclass(frozen=True)
class ExtractionResult:
    """What one extraction (or memory task) did.

    Attributes:
        ops: The applied ops, each with the id of the memory it added or changed.
        rejected: Events of the ops the store refused, with the reason.
        usage: Tokens and cost of every model call made.
        call_ids: Ledger ids of those calls, in order.
        prompt: The prompt(s) used, as `name@version`.
    """

    ops: list[MemoryOp]
    rejected: list[MemoryEvent]
    usage: Usage
    call_ids: tuple[str, ...]
    prompt: str

    def to_df(self, *, compact: bool = False) -> pd.DataFrame:
        """One row per applied op, then one per rejected op.

        Columns: status, op, memory_id, memory, topics, source_message_ids, reason.
        `compact=True` shortens ids and text as a notebook shows them.
        """
        return extraction_frame(self.ops, self.rejected, compact=compact)

    def _caption(self) -> str:
        return (
            f"{len(self.ops)} applied, {len(self.rejected)} rejected · {self.prompt} · "
            f"{usage_line(self.usage)}"
        )

    def _repr_html_(self) -> str:
        return html_table(self.to_df(compact=True), caption=self._caption())

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(text_table(self.to_df(compact=True), caption=self._caption()))


class MemoryManager:
    """Extracts memories from conversations with a model.

    Args:
        llm: The model; None lets `Memory` hand over its own.
        prompt: The extraction strategy: "agno-v2", "mem0-style" or "single-pass-json".
        context: Which stored memories the prompt shows: "all" or "top_k".
        top_k: How many stored memories one prompt shows, for "top_k" (mem0-style splits
            them among the facts it asks about, at least 3 each).
        include_assistant: Also take facts from what the assistant said.
        context_strategy: A recall strategy choosing the top_k memories instead of the
            built-in lexical similarity (e.g. an embedding strategy).
    """

    def __init__(
        self,
        llm: LLM | str | None = None,
        *,
        prompt: str = "agno-v2",
        context: ContextPolicy = "all",
        top_k: int = 20,
        include_assistant: bool = False,
        context_strategy: RecallStrategy | None = None,
    ) -> None:
        extractor = get_extractor(prompt)
        if context not in ("all", "top_k"):
            raise ConfigError(f"context must be 'all' or 'top_k', got {context!r}")
        if not isinstance(top_k, int) or top_k < 1:
            raise ConfigError(f"top_k must be a positive integer, got {top_k!r}")
        self.llm = LLM(llm) if isinstance(llm, str) else llm
        self.prompt = prompt
        self.context = context
        self.top_k = top_k
        self.include_assistant = include_assistant
        self.context_strategy = context_strategy
        self._extractor: Extractor = extractor

    def __repr__(self) -> str:
        return f"MemoryManager({self.llm!r}, prompt={self.prompt!r}, context={self.context!r})"

    def config(self) -> dict[str, object]:
        """The settings that rebuild this manager, for experiment records."""
        return {
            "prompt": self.prompt,
            "context": self.context,
            "top_k": self.top_k,
            "include_assistant": self.include_assistant,
            "llm": self.llm.config() if self.llm else None,
        }

    def with_llm(self, llm: LLM) -> MemoryManager:
        """A copy of this manager that uses `llm`."""
        return MemoryManager(
            llm,
            prompt=self.prompt,
            context=self.context,
            top_k=self.top_k,
            include_assistant=self.include_assistant,
            context_strategy=self.context_strategy,
        )

    def _model(self, db: MemoryDb) -> tuple[LLM, LedgerStore]:
        """The model, and the store its calls for `db` are ledgered in."""
        if self.llm is None:
            raise ConfigError(
                "this MemoryManager has no model: pass MemoryManager(llm=...) or "
                "give it to a Memory(model=...)"
            )
        return self.llm, self.llm.ledger_for(db)

    def _context(self, db: MemoryDb, user_id: str) -> ExtractionRequestContext:
        return ExtractionRequestContext(self, db, user_id)

    async def acreate_memories(
        self,
        db: MemoryDb,
        messages: Sequence[Message],
        *,
        user_id: str,
        session_id: str | None = None,
        run_id: str | None = None,
        id_prefix: str | None = None,
    ) -> ExtractionResult:
        """Extract facts from `messages` into the user's memories.

        `id_prefix` names the added memories `<id_prefix>/<op position>` (see
        `MemoryDb.apply_ops`); None gives them random ids.

        Raises:
            ExtractionError: the answer did not parse, also after one repair retry.
            ModelCallError: the model call failed.
        """
        if not messages:
            raise ConfigError("create_user_memories needs at least one message")
        llm, ledger = self._model(db)
        request = ExtractionRequest(
            user_id=user_id,
            messages=list(messages),
            context=self._context(db, user_id),
            include_assistant=self.include_assistant,
            session_id=session_id,
            run_id=run_id,
            store=ledger,
        )
        proposal = await self._extractor.propose(llm, request)
        return self._apply(
            db,
            user_id,
            proposal,
            request.handles,
            _default_sources(messages, self.include_assistant),
            {m.id: m for m in messages},
            id_prefix,
        )

    async def aupdate_memory_task(
        self, db: MemoryDb, task: str, *, user_id: str, id_prefix: str | None = None
    ) -> ExtractionResult:
        """Carry out an instruction on the user's memories ("forget where I work", ...).

        `id_prefix` names added memories as in `acreate_memories`.
        """
        if not isinstance(task, str) or not task.strip():
            raise ConfigError("update_memory_task needs a non-empty task text")
        llm, ledger = self._model(db)
        prompt = get_prompt("update-task")
        shown = self._context(db, user_id)([task])
        handles = Handles()
        messages = prompt.render(
            memories=render_block(
                "memories",
                render_items((handles.memory(m.memory_id or ""), m.memory) for m in shown),
            ),
            # The date only, so that the same task on the same day is one cached request.
            task=render_block("task", clip(task), date=format_day(day_of(utcnow()))),
        )
        parsed = await complete_parsed(
            llm,
            messages,
            ops_from_tool_calls,
            purpose=prompt.purpose,
            prompt=prompt,
            tools=MEMORY_TOOLS,
            user_id=user_id,
            ledger=ledger,
        )
        proposal = Proposal(
            parsed.value, parsed.call_id, parsed.usage, parsed.call_ids, prompt.label
        )
        return self._apply(db, user_id, proposal, handles, [], {}, id_prefix)

    def _apply(
        self,
        db: MemoryDb,
        user_id: str,
        proposal: Proposal,
        handles: Handles,
        default: list[str],
        known: dict[str, Message],
        id_prefix: str | None,
    ) -> ExtractionResult:
        ops = [
            _with_origin(_with_sources(handles.resolve(op), default, set(known)), known)
            for op in proposal.ops
        ]
        events: list[MemoryEvent] = []
        if ops and id_prefix is None:
            events = db.apply_ops(user_id, ops, cause=proposal.cause)
        elif ops:  # passed only when set: a user's MemoryDb that predates it keeps working
            events = db.apply_ops(user_id, ops, cause=proposal.cause, id_prefix=id_prefix)
        applied = [
            op.model_copy(update={"memory_id": event.memory_id})
            for op, event in zip(ops, events, strict=True)
            if event.status == "applied"
        ]
        rejected = [e for e in events if e.status == "rejected"]
        return ExtractionResult(
            applied, rejected, proposal.usage, proposal.call_ids, proposal.prompt
        )


class ExtractionRequestContext:
    """The memories a prompt shows, per the manager's context policy (loaded once per call)."""

    def __init__(self, manager: MemoryManager, db: MemoryDb, user_id: str) -> None:
        self._manager = manager
        self._db = db
        self._user_id = user_id
        self._memories: list[UserMemory] | None = None

    def __call__(self, texts: Sequence[str], *, share: int = 1) -> list[UserMemory]:
        """The memories to show for these texts; `share` parts split the top-k budget."""
        manager = self._manager
        k = manager.top_k if share <= 1 else max(_MIN_SHARE, -(-manager.top_k // share))
        if manager.context == "top_k" and manager.context_strategy is not None:
            seen: dict[str, UserMemory] = {}
            for text in texts:
                for hit in manager.context_strategy.search(
                    self._db, user_id=self._user_id, query=text, limit=k
                ):
                    if hit.memory is not None and hit.item_id not in seen:
                        seen[hit.item_id] = hit.memory
            return list(seen.values())[:k]
        if self._memories is None:
            self._memories = self._db.list_memories(self._user_id)
        if manager.context == "all":
            return self._memories
        return top_k_similar(self._memories, list(texts), k)


def _default_sources(messages: Sequence[Message], include_assistant: bool) -> list[str]:
    roles = ("user", "assistant") if include_assistant else ("user",)
    return [m.id for m in messages if m.role in roles]


def _with_sources(op: MemoryOp, default: list[str], known: set[str]) -> MemoryOp:
    # Ids the model made up are dropped; an op citing none of the given messages cites the
    # batch it came from, so provenance is never silently empty.
    if op.op == "delete" or not known:
        return op
    cited = [i for i in op.source_message_ids if i in known]
    return op.model_copy(update={"source_message_ids": cited or list(default)})


def _with_origin(op: MemoryOp, known: dict[str, Message]) -> MemoryOp:
    # The memory keeps the words it came from and the time they were said: a replayed
    # conversation's memories then carry its dates, not the replay's clock.
    sources = [known[i] for i in op.source_message_ids if i in known]
    if op.op not in ("add", "update") or not sources:
        return op
    update: dict[str, object] = {}
    if op.input is None:
        update["input"] = "\n".join(m.content for m in sources)
    if op.at is None:
        update["at"] = max(m.created_at for m in sources)
    return op.model_copy(update=update)
