"""The base of `Memory`: its settings and stores, and memory written by a model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import ValidationError

from memlab.arguments import (
    check_items,
    check_optional_text,
)
from memlab.db.base import MemoryDb
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.text import check_message
from memlab.errors import ConfigError
from memlab.llm.client import LLM
from memlab.llm.loader import OFFLINE_MODEL
from memlab.llm.sync import run_sync
from memlab.manager import ExtractionResult, MemoryManager
from memlab.memory_args import (
    manager_arg,
    model_arg,
    summarizer_arg,
    text_arg,
    trigger_arg,
    user_arg,
)
from memlab.naming import DerivedIds, IdMode
from memlab.recall.base import RecallStrategy
from memlab.schema import Message, SessionSummary
from memlab.summarizer import SessionSummarizer
from memlab.triggers import SummaryTrigger, get_trigger

Ingest = Literal["messages", "verbatim", "extract"]
"""What `add_run` keeps besides the run: nothing more, every turn as a memory, or facts."""

DEFAULT_USER = "default"
"""The user id used when a call names none (agno's convention)."""


class MemoryBase:
    """The state every part of `Memory` shares, and the model-driven operations.

    `Memory` documents the arguments; the parts (`memory_runs`, `memory_recall`) add the
    runs and recall APIs on top of this base.
    """

    def __init__(
        self,
        db: MemoryDb | str | Path | None = None,
        *,
        user_id: str = DEFAULT_USER,
        model: str | LLM | None = OFFLINE_MODEL,
        manager: MemoryManager | None = None,
        summarizer: SessionSummarizer | None = None,
        summary_trigger: str | SummaryTrigger | None = None,
        ingest: Ingest = "messages",
        extract_every: Literal["run", "session"] = "run",
        ids: IdMode = "random",
    ) -> None:
        if ingest not in get_args(Ingest):
            raise ConfigError(f"Memory(ingest=...) is one of {get_args(Ingest)}, got {ingest!r}")
        if extract_every not in ("run", "session"):
            raise ConfigError(
                f"Memory(extract_every=...) is 'run' or 'session', got {extract_every!r}"
            )
        if ids not in get_args(IdMode):
            raise ConfigError(f"Memory(ids=...) is one of {get_args(IdMode)}, got {ids!r}")
        self.ingest: Ingest = ingest
        self.extract_every = extract_every
        self._ids = DerivedIds() if ids == "derived" else None
        self._strategies: dict[str, RecallStrategy] = {}
        if db is None:
            db = DuckDbMemoryDb(":memory:")
        elif isinstance(db, str | Path):
            db = DuckDbMemoryDb(db)
        elif not isinstance(db, MemoryDb):
            raise ConfigError(
                f"Memory(db=...) takes a MemoryDb, a file path or None, got {type(db).__name__}"
            )
        self.db: MemoryDb = db
        self.user_id = user_arg(user_id, DEFAULT_USER)
        self._llm = model_arg(model)
        manager = MemoryManager() if manager is None else manager_arg(manager)
        self.manager = manager.with_llm(self._llm) if manager.llm is None and self._llm else manager
        summarizer = SessionSummarizer() if summarizer is None else summarizer_arg(summarizer)
        self.summarizer = (
            summarizer.with_llm(self._llm) if summarizer.llm is None and self._llm else summarizer
        )
        self.summary_trigger: SummaryTrigger = (
            get_trigger(summary_trigger or "never")
            if summary_trigger is None or isinstance(summary_trigger, str)
            else trigger_arg(summary_trigger)
        )

    def __repr__(self) -> str:
        return f"Memory(db={self.db!r}, user_id={self.user_id!r})"

    def _uid(self, user_id: str | None) -> str:
        return user_arg(user_id, self.user_id)

    # ----------------------------------------------------------------- model-driven memory
    @property
    def llm(self) -> LLM:
        """The model handed to the manager, summarizer and agentic search.

        Raises:
            ConfigError: the Memory was built with `model=None`.
        """
        if self._llm is None:
            raise ConfigError(
                "this Memory has no model; pass Memory(model='memlab/offline') or any litellm "
                "model string"
            )
        return self._llm

    def create_user_memories(
        self,
        message: str | None = None,
        messages: Sequence[Message | dict[str, Any]] | None = None,
        *,
        user_id: str | None = None,
        session_id: str | None = None,
        run_id: str | None = None,
    ) -> ExtractionResult:
        """Extract facts worth keeping from a message or messages into the user's memories.

        Returns the applied ops (with memory ids), the rejected ones, and the usage.

        Raises:
            ExtractionError: the model's answer did not parse, also after one repair retry.
            ModelCallError: the model call failed; nothing was written.
        """
        return run_sync(
            self.acreate_user_memories(
                message, messages, user_id=user_id, session_id=session_id, run_id=run_id
            )
        )

    async def acreate_user_memories(
        self,
        message: str | None = None,
        messages: Sequence[Message | dict[str, Any]] | None = None,
        *,
        user_id: str | None = None,
        session_id: str | None = None,
        run_id: str | None = None,
    ) -> ExtractionResult:
        """Async form of `create_user_memories`."""
        if message is None and messages is None:
            raise ConfigError(
                "create_user_memories needs one of message='...' or messages=[...]; got neither"
            )
        if message is not None and messages is not None:
            raise ConfigError(
                "create_user_memories takes message='...' or messages=[...], not both"
            )
        check_optional_text("session_id", session_id)
        check_optional_text("run_id", run_id)
        if message is not None:
            batch = [Message(role="user", content=text_arg("message", message))]
        else:
            try:
                batch = [
                    m if isinstance(m, Message) else Message.model_validate(m)
                    for m in check_items("messages", messages, "a list of messages")
                ]
            except ValidationError as exc:
                raise ConfigError(f"a message is not valid: {exc}") from exc
        for i, m in enumerate(batch):
            check_message(m, where=f"messages[{i}]")
        uid = self._uid(user_id)
        return await self.manager.acreate_memories(
            self.db,
            batch,
            user_id=uid,
            session_id=session_id,
            run_id=run_id,
            id_prefix=self._ids.prefix(uid, run_id=run_id, session_id=session_id)
            if self._ids
            else None,
        )

    def update_memory_task(self, task: str, *, user_id: str | None = None) -> ExtractionResult:
        """Carry out an instruction on the user's memories, e.g. "forget where I work"."""
        return run_sync(self.aupdate_memory_task(task, user_id=user_id))

    async def aupdate_memory_task(
        self, task: str, *, user_id: str | None = None
    ) -> ExtractionResult:
        """Async form of `update_memory_task`."""
        uid = self._uid(user_id)
        return await self.manager.aupdate_memory_task(
            self.db,
            text_arg("task", task),
            user_id=uid,
            id_prefix=self._ids.prefix(uid, task=True) if self._ids else None,
        )

    def create_session_summary(
        self, session_id: str, *, user_id: str | None = None
    ) -> SessionSummary:
        """Summarize a session with the summarizer and store the summary.

        Raises:
            NotFoundError: the session has no runs.
            ModelCallError: the model call failed (`ExtractionError` for an unusable answer).
        """
        return run_sync(self.acreate_session_summary(session_id, user_id=user_id))

    async def acreate_session_summary(
        self, session_id: str, *, user_id: str | None = None
    ) -> SessionSummary:
        """Async form of `create_session_summary`."""
        result = await self.summarizer.asummarize(
            self.db, user_id=self._uid(user_id), session_id=text_arg("session_id", session_id)
        )
        return result.summary
