"""The runs part of `Memory`: storing runs, ending sessions, reading messages back."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from memlab.arguments import (
    check_flag,
    check_items,
    check_optional_text,
    check_role,
)
from memlab.db.store_core import check_count
from memlab.llm.sync import run_sync
from memlab.memory_args import (
    run_arg,
    text_arg,
    verbatim_memories,
)
from memlab.memory_base import MemoryBase
from memlab.schema import Message, Role, Run, SessionSummary
from memlab.triggers import Never, TriggerEvent

_ASSISTANT_ROLES = ("assistant",)


class RunsPart(MemoryBase):
    """Runs and messages (short-term memory), and what happens when they arrive."""

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
        stored = run_arg(
            text_arg("session_id", session_id), run, uid, explicit_user=user_id is not None
        )
        # The run is stored before anything that calls a model: a failed extraction or
        # summary raises, but never loses the run.
        await self._store_runs(session_id, [stored], uid)
        await self._afire(session_id, uid, "run")
        return stored

    async def aingest(self, session_id: str, runs: Sequence[Run], *, user_id: str) -> None:
        """Add a session's runs in order, as `add_run` would one by one.

        When the summary trigger does not look at single runs, the runs are stored in one
        transaction (nothing reads them in between, so every later state is the same).
        """
        uid = self._uid(user_id)
        text_arg("session_id", session_id)
        batch = [
            run_arg(session_id, r, uid, explicit_user=True)
            for r in check_items("runs", runs, "a list of Runs")
        ]
        if getattr(self.summary_trigger, "on_runs", True):
            for run in batch:
                await self.aadd_run(session_id, run, user_id=uid)
            return
        if batch:
            await self._store_runs(session_id, batch, uid)

    async def aingest_sessions(
        self, sessions: Sequence[tuple[str, Sequence[Run]]], *, user_id: str
    ) -> None:
        """Ingest and end several sessions in order, as `aingest` and `aend_session` each would.

        When ending a session does nothing (verbatim or message memory, the `never` summary
        trigger), nothing reads between the sessions, so all their runs and memories are
        written in one transaction: same stored state, one write instead of one per session.
        """
        uid = self._uid(user_id)
        batch = [
            run_arg(text_arg("session_id", session_id), r, uid, explicit_user=True)
            for session_id, runs in check_items("sessions", sessions, "a list of (id, runs)")
            for r in check_items("runs", runs, "a list of Runs")
        ]
        ids = [m.memory_id for run in batch for m in verbatim_memories(run, uid)]
        if not self.batches_sessions or len(set(ids)) != len(ids):
            # A repeated turn is an update of the earlier session's memory: one by one.
            for session_id, runs in sessions:
                await self.aingest(session_id, runs, user_id=uid)
                await self.aend_session(session_id, user_id=uid)
            return
        if batch:
            await self._store_runs(batch[0].session_id, batch, uid)

    @property
    def batches_sessions(self) -> bool:
        """True when `aingest_sessions` writes in one go: ingest and session ends only store.

        That is verbatim or message memory with the `never` summary trigger: no model call
        and no read of what was stored until the next recall.
        """
        return self.ingest in ("verbatim", "messages") and isinstance(self.summary_trigger, Never)

    async def _store_runs(self, session_id: str, runs: Sequence[Run], user_id: str) -> None:
        """Store the runs, then make their memories (verbatim, or extracted per run)."""
        if self.ingest == "verbatim":
            memories = [m for run in runs for m in verbatim_memories(run, user_id)]
            # Nothing reads between the two writes: a store that can commits them together
            # (a commit costs more than the rows of a session).
            joined = getattr(self.db, "joined", None)
            with joined(f"storing {len(runs)} runs") if joined else contextlib.nullcontext():
                self.db.add_runs(runs)
                if memories:
                    self.db.upsert_memories(user_id, memories, cause="verbatim")
            return
        self.db.add_runs(runs)
        if self.ingest == "extract" and self.extract_every == "run":
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
        text_arg("session_id", session_id)
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
        runs = self.db.get_runs(
            self._uid(user_id), text_arg("session_id", session_id), last_n=last_n
        )
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
        for run in self.db.get_runs(self._uid(user_id), text_arg("session_id", session_id)):
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
