"""`Memory`: the facade an agent holds, in the style of agno's Memory v2.

Differences from agno, each on purpose: runs, messages and summaries live in the database and
survive a restart; every read, delete and clear is scoped to one user; an unknown id is a
`NotFoundError` naming the id and the user; reads sort and limit in SQL; nothing is `eval`'d.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import ValidationError

from memlab.arguments import (
    check_flag,
    check_instance,
    check_items,
    check_optional_text,
    check_role,
)
from memlab.db.base import MemoryDb
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.store_core import check_count
from memlab.db.text import check_message, check_text
from memlab.display import SessionSummaries
from memlab.errors import ConfigError, NotFoundError
from memlab.llm.client import LLM
from memlab.llm.loader import OFFLINE_MODEL
from memlab.llm.sync import run_sync
from memlab.manager import ExtractionResult, MemoryManager
from memlab.naming import DerivedIds, IdMode
from memlab.recall.base import Corpus, RecallStrategy, get_strategy
from memlab.recall.hits import RecallHits
from memlab.schema import Message, Role, Run, SessionSummary, Usage, UserMemory
from memlab.summarizer import SessionSummarizer
from memlab.system import HeldItem
from memlab.triggers import SummaryTrigger, TriggerEvent, get_trigger

__all__ = ["DEFAULT_USER", "Ingest", "Memory"]

Ingest = Literal["messages", "verbatim", "extract"]
"""What `add_run` keeps besides the run: nothing more, every turn as a memory, or facts."""

DEFAULT_USER = "default"
"""The user id used when a call names none (agno's convention)."""

_ASSISTANT_ROLES = ("assistant",)


class Memory:
    """Long-term and short-term memory of an agent, stored in a `MemoryDb`.

    Args:
        db: A store, a DuckDB file path, or None for an in-memory DuckDB store.
        user_id: The user that calls without `user_id=` act on.
        model: A litellm model string or a configured `LLM`, handed to the manager, the
            summarizer and agentic search unless they have their own; None for no model.
            The default is memlab's offline rule-based baseline.
        manager: How memories are extracted (default: `MemoryManager()`, agno-v2 prompt).
        summarizer: How sessions are summarized (default: `SessionSummarizer()`, full mode).
        summary_trigger: When `add_run` summarizes: a trigger or its name ("never",
            "every_n_runs", "token_threshold", "session_end"); default "never".
        ingest: What `add_run` keeps as long-term memory besides the run itself:
            "messages" (nothing more: recall reads the messages), "verbatim" (every turn
            becomes a memory "Speaker: text" citing its message) or "extract" (the manager
            extracts facts). Default "messages"; `create_user_memories` works in every mode.
        extract_every: With `ingest="extract"`, extract after every run ("run") or once
            over the whole session when it ends ("session").
        ids: How extracted memories are named: "random" (uuid4, the default) or "derived"
            from the user, the run or session, the extraction's and the op's positions
            (`memlab.naming.DerivedIds`), so a replay names them the same every time.

    `Memory` is a `memlab.system.MemorySystem`: the replay lab measures it through
    `aingest`, `aend_session`, `arecall` and `held`, the same methods an agent calls.
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
        self.user_id = _user(user_id, DEFAULT_USER)
        self._llm = _model(model)
        manager = MemoryManager() if manager is None else _manager(manager)
        self.manager = manager.with_llm(self._llm) if manager.llm is None and self._llm else manager
        summarizer = SessionSummarizer() if summarizer is None else _summarizer(summarizer)
        self.summarizer = (
            summarizer.with_llm(self._llm) if summarizer.llm is None and self._llm else summarizer
        )
        self.summary_trigger: SummaryTrigger = (
            get_trigger(summary_trigger or "never")
            if summary_trigger is None or isinstance(summary_trigger, str)
            else _trigger(summary_trigger)
        )

    def __repr__(self) -> str:
        return f"Memory(db={self.db!r}, user_id={self.user_id!r})"

    def _uid(self, user_id: str | None) -> str:
        return _user(user_id, self.user_id)

    # ----------------------------------------------------------------- runs (short-term memory)
    def add_run(
        self,
        session_id: str,
        run: Run | Sequence[Message | dict[str, Any]],
        *,
        user_id: str | None = None,
    ) -> Run:
        """Store one run of a session (a `Run`, or its messages) and return the stored run.

        Per `ingest`, its turns also become memories (verbatim or extracted); then the
        summary trigger is asked.
        """
        return run_sync(self.aadd_run(session_id, run, user_id=user_id))

    async def aadd_run(
        self,
        session_id: str,
        run: Run | Sequence[Message | dict[str, Any]],
        *,
        user_id: str | None = None,
    ) -> Run:
        """Async form of `add_run`."""
        uid = self._uid(user_id)
        stored = _run(_text("session_id", session_id), run, uid, explicit_user=user_id is not None)
        self.db.add_runs([stored])
        # The run is stored before anything that calls a model: a failed extraction or
        # summary raises, but never loses the run.
        await self._after_runs(session_id, [stored], uid)
        await self._afire(session_id, uid, "run")
        return stored

    async def aingest(self, session_id: str, runs: Sequence[Run], *, user_id: str) -> None:
        """Add a session's runs in order, as `add_run` would one by one.

        When the summary trigger does not look at single runs, the runs are stored in one
        transaction (nothing reads them in between, so every later state is the same).
        """
        uid = self._uid(user_id)
        _text("session_id", session_id)
        batch = [
            _run(session_id, r, uid, explicit_user=True)
            for r in check_items("runs", runs, "a list of Runs")
        ]
        if getattr(self.summary_trigger, "on_runs", True):
            for run in batch:
                await self.aadd_run(session_id, run, user_id=uid)
            return
        if batch:
            self.db.add_runs(batch)
            await self._after_runs(session_id, batch, uid)

    async def _after_runs(self, session_id: str, runs: Sequence[Run], user_id: str) -> None:
        if self.ingest == "verbatim":
            memories = [m for run in runs for m in _verbatim(run, user_id)]
            if memories:
                self.db.upsert_memories(user_id, memories, cause="verbatim")
        elif self.ingest == "extract" and self.extract_every == "run":
            for run in runs:
                await self._extract(run.messages, session_id, user_id, run.run_id)

    async def _extract(
        self, messages: Sequence[Message], session_id: str, user_id: str, run_id: str | None
    ) -> None:
        if not any(m.role == "user" for m in messages) and not self.manager.include_assistant:
            return  # nothing of the user's to extract from: no model call
        await self.acreate_user_memories(
            messages=messages, user_id=user_id, session_id=session_id, run_id=run_id
        )

    def end_session(self, session_id: str, *, user_id: str | None = None) -> SessionSummary | None:
        """Mark a session as ended; extraction per session and a `session_end` trigger run now.

        Returns the new summary, or None when the trigger did not fire.
        """
        return run_sync(self.aend_session(session_id, user_id=user_id))

    async def aend_session(
        self, session_id: str, *, user_id: str | None = None
    ) -> SessionSummary | None:
        """Async form of `end_session`."""
        uid = self._uid(user_id)
        _text("session_id", session_id)
        if self.ingest == "extract" and self.extract_every == "session":
            messages = [
                m
                for run in self.db.get_runs(uid, session_id)
                for m in run.messages
                if not m.from_history
            ]
            if messages:
                await self._extract(messages, session_id, uid, None)
        return await self._afire(session_id, uid, "session_end")

    async def _afire(
        self, session_id: str, user_id: str, event: TriggerEvent
    ) -> SessionSummary | None:
        if not self.summary_trigger.should_fire(
            self.db, user_id=user_id, session_id=session_id, event=event
        ):
            return None
        return await self.acreate_session_summary(session_id, user_id=user_id)

    def get_runs(self, session_id: str | None = None, *, user_id: str | None = None) -> list[Run]:
        """The user's runs in order, of one session or of all."""
        return self.db.get_runs(self._uid(user_id), check_optional_text("session_id", session_id))

    def get_messages_from_last_n_runs(
        self,
        session_id: str,
        *,
        last_n: int | None = None,
        skip_role: Role | None = None,
        skip_history_messages: bool = True,
        user_id: str | None = None,
    ) -> list[Message]:
        """Messages of the session's last `last_n` runs (all runs when None), in order.

        Only the first system message is kept, as agno does, so the result can be sent to a
        model as it is.
        """
        check_count("last_n", last_n)
        check_role("skip_role", skip_role, optional=True)
        check_flag("skip_history_messages", skip_history_messages)
        runs = self.db.get_runs(self._uid(user_id), _text("session_id", session_id), last_n=last_n)
        out: list[Message] = []
        seen_system = False
        for run in runs:
            for m in run.messages:
                if m.role == skip_role or (skip_history_messages and m.from_history):
                    continue
                if m.role == "system":
                    if seen_system:
                        continue
                    seen_system = True
                out.append(m)
        return out

    def get_messages_for_session(
        self,
        session_id: str,
        *,
        user_role: Role = "user",
        assistant_role: Sequence[str] = _ASSISTANT_ROLES,
        skip_history_messages: bool = True,
        user_id: str | None = None,
    ) -> list[Message]:
        """The session's user messages each followed by the assistant reply, in order."""
        check_role("user_role", user_role)
        for role in check_items("assistant_role", assistant_role, "a list of roles"):
            check_role("assistant_role", role)
        check_flag("skip_history_messages", skip_history_messages)
        out: list[Message] = []
        for run in self.db.get_runs(self._uid(user_id), _text("session_id", session_id)):
            pending: Message | None = None
            for m in run.messages:
                if skip_history_messages and m.from_history:
                    continue
                if m.role == user_role:
                    pending = m
                elif m.role in assistant_role and pending is not None:
                    out.extend((pending, m))
                    pending = None
        return out

    # ----------------------------------------------------------------- user memories
    def add_user_memory(self, memory: UserMemory | str, *, user_id: str | None = None) -> str:
        """Store a fact about the user; return its memory id."""
        return self.db.add_memory(self._uid(user_id), _memory(memory)).memory_id or ""

    def add_user_memories(
        self, memories: Iterable[UserMemory | str], *, user_id: str | None = None
    ) -> list[str]:
        """Store many facts in one transaction; return their ids in order."""
        given = check_items("memories", memories, "a list of memories (UserMemory or str)")
        stored = self.db.upsert_memories(self._uid(user_id), [_memory(m) for m in given])
        return [m.memory_id or "" for m in stored]

    def replace_user_memory(
        self, memory_id: str, memory: UserMemory | str, *, user_id: str | None = None
    ) -> str:
        """Replace the text (and topics) of an existing memory of the user; return its id."""
        uid = self._uid(user_id)
        old = self.get_user_memory(memory_id, user_id=uid)
        new = _memory(memory).model_copy(
            update={"memory_id": memory_id, "created_at": old.created_at}
        )
        new = new.model_copy(update={"updated_at": max(new.updated_at, old.updated_at)})
        self.db.upsert_memories(uid, [new])
        return memory_id

    def delete_user_memory(self, memory_id: str, *, user_id: str | None = None) -> None:
        """Delete one memory of the user.

        Raises:
            NotFoundError: the user has no memory with that id (another user's id included).
        """
        uid = self._uid(user_id)
        if self.db.delete_memory(uid, _text("memory_id", memory_id)) is None:
            raise _no_memory(uid, memory_id)

    def get_user_memory(self, memory_id: str, *, user_id: str | None = None) -> UserMemory:
        """One memory of the user.

        Raises:
            NotFoundError: the user has no memory with that id.
        """
        uid = self._uid(user_id)
        found = self.db.get_memory(uid, _text("memory_id", memory_id))
        if found is None:
            raise _no_memory(uid, memory_id)
        return found

    def get_user_memories(self, *, user_id: str | None = None) -> list[UserMemory]:
        """Every memory of the user, least recently updated first."""
        return self.db.list_memories(self._uid(user_id))

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
        _text("retrieval_method", retrieval_method)
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
        _text("strategy", name)
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
            batch = [Message(role="user", content=_text("message", message))]
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
            _text("task", task),
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
            self.db, user_id=self._uid(user_id), session_id=_text("session_id", session_id)
        )
        return result.summary

    # ----------------------------------------------------------------- session summaries
    def get_session_summary(self, session_id: str, *, user_id: str | None = None) -> SessionSummary:
        """The stored summary of a session.

        Raises:
            NotFoundError: the session has no summary (yet) for that user, as every lookup of
                one id does (`get_user_memory` too); `get_session_summaries()` lists them.
        """
        uid = self._uid(user_id)
        found = self.db.get_summary(uid, _text("session_id", session_id))
        if found is None:
            raise _no_summary(uid, session_id)
        return found

    def get_session_summaries(self, *, user_id: str | None = None) -> SessionSummaries:
        """Every session summary of the user (a list that shows as a table in a notebook)."""
        return SessionSummaries(self.db.list_summaries(self._uid(user_id)))

    def add_session_summary(self, summary: SessionSummary) -> None:
        """Store a summary written elsewhere (a model call, an import)."""
        hint = "build one with SessionSummary(session_id=..., user_id=..., summary=...)"
        self.db.upsert_summary(check_instance("summary", summary, SessionSummary, hint))

    def delete_session_summary(self, session_id: str, *, user_id: str | None = None) -> None:
        """Delete the summary of a session.

        Raises:
            NotFoundError: the session has no summary for that user.
        """
        uid = self._uid(user_id)
        if self.db.delete_summary(uid, _text("session_id", session_id)) is None:
            raise _no_summary(uid, session_id)

    # ----------------------------------------------------------------- housekeeping
    def clear(self, *, user_id: str | None = None, all_users: bool = False) -> None:
        """Delete one user's memories, runs and summaries; `all_users=True` clears everyone.

        Unlike agno, a bare `clear()` does not wipe other users: pass `user_id=` or
        `all_users=True`. The event history stays as the audit trail.
        """
        if check_flag("all_users", all_users):
            if user_id is not None:
                raise ConfigError("pass either user_id= or all_users=True to clear(), not both")
            self.db.clear(all_users=True)
        elif user_id is None:
            raise ConfigError("clear() needs user_id=..., or all_users=True to clear every user")
        else:
            self.db.clear(self._uid(user_id))

    def to_dict(self, *, user_id: str | None = None) -> dict[str, Any]:
        """The user's memories, summaries and runs as JSON-ready data."""
        uid = self._uid(user_id)
        return {
            "user_id": uid,
            "memories": [m.model_dump(mode="json") for m in self.db.list_memories(uid)],
            "summaries": [s.model_dump(mode="json") for s in self.db.list_summaries(uid)],
            "runs": [r.model_dump(mode="json") for r in self.db.get_runs(uid)],
        }


def _model(model: str | LLM | None) -> LLM | None:
    if model is None:
        return None
    if isinstance(model, str):
        model = LLM(model)
    if not isinstance(model, LLM):
        raise ConfigError(
            f"Memory(model=...) takes a litellm model string or an LLM, got {type(model).__name__}"
        )
    return model


def _run(
    session_id: str, run: Run | Sequence[Message | dict[str, Any]], uid: str, *, explicit_user: bool
) -> Run:
    if isinstance(run, Run):
        if explicit_user and run.user_id != uid:
            raise ConfigError(f"run.user_id is {run.user_id!r} but user_id={uid!r} was passed")
        if run.session_id != session_id:
            raise ConfigError(f"run.session_id is {run.session_id!r}, not {session_id!r}")
        stored = run
    else:
        given = check_items("run", run, "a Run or a list of messages (Message or dict)")
        try:
            messages = [m if isinstance(m, Message) else Message.model_validate(m) for m in given]
        except ValidationError as exc:
            raise ConfigError(f"a message of the run is not valid: {exc}") from exc
        stored = Run(session_id=session_id, user_id=uid, messages=messages)
    if not stored.messages:
        raise ConfigError(
            f"add_run({session_id!r}, ...) got a run with no messages; a run is one exchange, "
            "e.g. [{'role': 'user', 'content': '...'}, {'role': 'assistant', 'content': '...'}]"
        )
    return stored


def _manager(manager: object) -> MemoryManager:
    hint = "e.g. MemoryManager(prompt='agno-v2'), or None for the default"
    return check_instance("Memory(manager=...)", manager, MemoryManager, hint)


def _summarizer(summarizer: object) -> SessionSummarizer:
    hint = "e.g. SessionSummarizer(mode='incremental'), or None for the default"
    return check_instance("Memory(summarizer=...)", summarizer, SessionSummarizer, hint)


def _trigger(trigger: object) -> SummaryTrigger:
    if not isinstance(trigger, SummaryTrigger):
        raise ConfigError(
            "Memory(summary_trigger=...) takes a trigger's name ('never', 'every_n_runs', "
            f"'token_threshold', 'session_end') or a trigger, got {type(trigger).__name__}"
        )
    return trigger


def _verbatim(run: Run, user_id: str) -> list[UserMemory]:
    """The run's turns as memories "Speaker: text", each citing its message."""
    # Ids derive from the user and the message, so replaying a conversation stores the same
    # ids every time.
    return [
        UserMemory(
            memory_id=f"{user_id}/{m.id}",
            memory=f"{m.name or m.role}: {m.content}",
            source_message_ids=[m.id],
            created_at=m.created_at,
            updated_at=m.created_at,
        )
        for m in run.messages
        if m.content.strip()
    ]


def _user(user_id: str | None, default: str) -> str:
    if user_id is None:
        return default
    return _text("user_id", user_id)


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{field} must be a non-empty string, got {value!r}")
    check_text(field, value)
    return value


def _no_memory(user_id: str, memory_id: str) -> NotFoundError:
    return NotFoundError(
        f"user {user_id!r} has no memory with id {memory_id!r}; "
        "list the user's ids with get_user_memories(user_id=...)"
    )


def _no_summary(user_id: str, session_id: str) -> NotFoundError:
    return NotFoundError(
        f"user {user_id!r} has no summary for session {session_id!r}; create one with "
        "create_session_summary(session_id) or list them with get_session_summaries()"
    )


def _memory(memory: UserMemory | str) -> UserMemory:
    if isinstance(memory, UserMemory):
        return memory
    if isinstance(memory, str):
        try:
            return UserMemory(memory=memory)
        except ValidationError as exc:
            raise ConfigError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc
    raise ConfigError(f"a memory must be a UserMemory or a str, got {type(memory).__name__}")
