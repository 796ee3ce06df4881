"""One unit of a replay: an (ingest × summary) variant and a conversation.

The unit replays the conversation's sessions in time order into its own namespaces (one run
per exchange, extraction per the variant, summary triggers, end of session), and at each
probe's moment evaluates every recall variant against the same memory state ("ingest once,
recall many"). Runs go through `Memory.add_run` one by one when the summary trigger counts
runs or tokens; otherwise a session's runs are stored in one `add_runs` transaction, since
nothing reads them in between (the state at every probe is the same, for a fraction of the
commits). Summaries are triggered here rather than inside `add_run`, so they are awaited on
the replay's event loop. A unit shares no in-process state with other units except the
store and the models, so units could run in separate processes and their files be merged by
SQL. Its rows are returned, not written: the runner commits a unit in one transaction.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import BudgetExceeded, ModelCallError
from memlab.lab.data.dataset import Conversation, Probe
from memlab.lab.running.experiment import Experiment, IngestVariant, RecallVariant
from memlab.lab.running.ledger import UnitCalls, attribute, stage
from memlab.lab.running.models import ReplayModels
from memlab.lab.running.probes import Recalled, answer_and_judge, judge_controls, recall_sweep
from memlab.lab.running.replay_ingest import (
    Namespace,
    in_time_order,
    namespaces,
    probe_moments,
    runs_of,
    turn_id_of,
    verbatim_memories,
)
from memlab.llm._litellm import OFFLINE_MODEL, count_tokens
from memlab.manager import MemoryManager
from memlab.memory import Memory
from memlab.recall.base import RecallStrategy, get_strategy
from memlab.schema import Message, Run, UserMemory, utcnow
from memlab.summarizer import SessionSummarizer
from memlab.triggers import TriggerEvent, get_trigger

__all__ = ["UnitPlan", "UnitResult", "replay_unit", "unit_id_of"]


def unit_id_of(ingest_id: str, conversation_id: str) -> str:
    """The id of the unit replaying `conversation_id` with ingest variant `ingest_id`."""
    return f"{ingest_id}/{conversation_id}"


@dataclass(frozen=True)
class UnitPlan:
    """What one unit replays: read-only inputs shared by every unit of a replay."""

    experiment: Experiment
    experiment_id: str
    ingest: IngestVariant
    recalls: Sequence[tuple[str, RecallVariant]]
    """(variant id, recall variant) of every grid cell with this ingest."""
    conversation: Conversation

    @property
    def unit_id(self) -> str:
        """The unit's id."""
        return unit_id_of(self.ingest.ingest_id, self.conversation.id)

    @property
    def namespace_key(self) -> str:
        """The prefix of the unit's user ids in the store."""
        return f"lab/{self.experiment_id}/{self.unit_id}"


@dataclass
class UnitResult:
    """The rows of a finished unit, ready to commit."""

    unit: dict[str, Any]
    probes: list[dict[str, Any]] = field(default_factory=list)
    controls: list[dict[str, Any]] = field(default_factory=list)
    calls: UnitCalls | None = None


class _Replay:
    def __init__(
        self,
        plan: UnitPlan,
        db: DuckDbMemoryDb,
        models: ReplayModels,
        on_probes: Callable[[int], None],
    ) -> None:
        self.plan = plan
        self.db = db
        self.models = models
        self.on_probes = on_probes
        iv = plan.ingest
        kind = iv.ingest.kind
        self.spaces = namespaces(
            plan.conversation, unit_key=plan.namespace_key, per_principal=kind == "extract"
        )
        manager = None
        if kind == "extract":
            manager = MemoryManager(
                models.get(iv.ingest.model),
                prompt=iv.ingest.prompt,
                context=iv.ingest.context,
                top_k=iv.ingest.top_k,
                include_assistant=iv.ingest.include_assistant,
            )
        summarizer = SessionSummarizer(models.get(iv.summary.model), mode=iv.summary.mode)
        # Triggers are asked here, not inside `add_run`, so summaries are awaited on the
        # replay's event loop instead of blocking it.
        self.trigger = get_trigger(iv.summary.trigger, **iv.summary.trigger_options())
        self.per_run_trigger = iv.summary.trigger in ("every_n_runs", "token_threshold")
        self.memory = Memory(
            db, model=None, manager=manager, summarizer=summarizer, summary_trigger="never"
        )
        # Variants that differ only in k share one strategy and one search per probe (see
        # `recall_sweep`); a model-driven strategy picks per k, so it is never shared.
        self.sweeps: list[tuple[RecallStrategy, list[tuple[str, RecallVariant]]]] = []
        by_key: dict[str, list[tuple[str, RecallVariant]]] = {}
        for variant_id, rv in plan.recalls:
            key = json.dumps({**rv.settings, "k": None}, sort_keys=True, default=str)
            if rv.spec.strategy == "agentic":
                key += variant_id
            by_key.setdefault(key, []).append((variant_id, rv))
        for group in by_key.values():
            spec = group[0][1].spec
            options = spec.strategy_options()
            if group[0][1].budget_tokens is not None:  # the budget is part of the group's key
                options["budget_tokens"] = group[0][1].budget_tokens
            if spec.strategy == "agentic":
                options["llm"] = models.get(spec.model or OFFLINE_MODEL)
            self.sweeps.append((get_strategy(spec.strategy, **options), group))
        self.message_tokens = 0
        self.probe_rows: list[dict[str, Any]] = []
        self.control_rows: list[dict[str, Any]] = []
        self.empty_recall: dict[str, bool] = {vid: True for vid, _ in plan.recalls}
        # Answer and judge jobs of earlier probe moments, still running while later sessions
        # are ingested (they read only their recall results, taken before the next ingest).
        self.pending: list[asyncio.Future[Any]] = []
        self.probe_index = {p.id: i for i, p in enumerate(plan.conversation.probes)}
        self.sessions = in_time_order(plan.conversation)

    # ----------------------------------------------------------------- ingest
    async def _summarize_if(self, ns: Namespace, session_id: str, event: TriggerEvent) -> None:
        if self.trigger.should_fire(
            self.db, user_id=ns.user_id, session_id=session_id, event=event
        ):
            with stage("summary"):
                await self.memory.acreate_session_summary(session_id, user_id=ns.user_id)

    async def ingest_session(self, index: int) -> None:
        conversation = self.plan.conversation
        session = self.sessions[index]
        ingest = self.plan.ingest.ingest
        for ns in self.spaces:
            session_messages: list[Message] = []
            verbatim: list[UserMemory] = []
            runs = list(runs_of(conversation, session, ns, ns.user_id))
            if not self.per_run_trigger:
                # Nothing reads the runs between two exchanges, so the session's runs are
                # stored in one transaction; the memory state at every probe is the same.
                self.db.add_runs(runs)
            for run in runs:
                if self.per_run_trigger:
                    self.memory.add_run(session.id, run, user_id=ns.user_id)
                session_messages.extend(run.messages)
                if ns is self.spaces[0]:
                    self.message_tokens += sum(count_tokens(m.content) for m in run.messages)
                if ingest.kind == "extract" and ingest.granularity == "run":
                    await self._extract(ns, run.messages, session.id, run)
                elif ingest.kind == "verbatim":
                    verbatim.extend(verbatim_memories(ns, run))
                await self._summarize_if(ns, session.id, "run")
            if ingest.kind == "extract" and ingest.granularity == "session" and session_messages:
                await self._extract(ns, session_messages, session.id, None)
            if verbatim:
                self.db.upsert_memories(ns.user_id, verbatim, cause="verbatim")
            self.memory.end_session(session.id, user_id=ns.user_id)
            await self._summarize_if(ns, session.id, "session_end")

    async def _extract(
        self, ns: Namespace, messages: list[Message], session_id: str, run: Run | None
    ) -> None:
        if (
            not any(m.role == "user" for m in messages)
            and not self.plan.ingest.ingest.include_assistant
        ):
            return  # nothing of this principal's to extract from: no call, as an agent would do
        with stage("ingest"):
            await self.memory.acreate_user_memories(
                messages=messages,
                user_id=ns.user_id,
                session_id=session_id,
                run_id=run.run_id if run else None,
            )

    # ----------------------------------------------------------------- probes
    def targets(self, probe: Probe) -> list[Namespace]:
        if len(self.spaces) == 1:
            return self.spaces
        about = [ns for ns in self.spaces if ns.principal == probe.about]
        return about or self.spaces

    async def probe_moment(self, probes: Sequence[Probe]) -> None:
        plan, exp = self.plan, self.plan.experiment
        recalled: list[tuple[Probe, str, RecallVariant, Recalled]] = []
        for probe in probes:
            for strategy, group in self.sweeps:
                with stage("recall", variant_id=group[0][0]):
                    found = await recall_sweep(
                        self.db,
                        strategy,
                        [rv for _, rv in group],
                        probe,
                        self.targets(probe),
                        plan.conversation.id,
                    )
                for (variant_id, rv), one in zip(group, found, strict=True):
                    if one.hits:
                        self.empty_recall[variant_id] = False
                    recalled.append((probe, variant_id, rv, one))
        repeats = exp.repeats if exp.answer is not None else 1
        jobs = []
        for repeat in range(repeats):
            cache = repeat == 0  # later repeats bypass the cache, so answer noise shows
            answer_llm = self.models.get(exp.answer.model, cache=cache) if exp.answer else None
            judge_llm = self.models.get(exp.judge.model, cache=cache) if exp.judge else None
            for probe, variant_id, rv, hits in recalled:
                jobs.append(self._row(probe, variant_id, rv, hits, repeat, answer_llm, judge_llm))
            if judge_llm is not None and exp.judge is not None and exp.judge.sanity:
                jobs.extend(self._controls(p, repeat, judge_llm) for p in probes)
        if not jobs:  # no answer stage: the rows are written by now
            self.on_probes(len(probes))
            return
        batch = asyncio.gather(*jobs)
        count = len(probes)
        batch.add_done_callback(lambda _: self.on_probes(count))
        self.pending.append(batch)

    def cancel(self) -> None:
        """Stop the answer and judge jobs still running (the unit is being abandoned)."""
        for batch in self.pending:
            batch.cancel()
        self.pending = []

    async def settle(self) -> None:
        """Wait for every answer and judge job started by `probe_moment`."""
        pending, self.pending = self.pending, []
        await asyncio.gather(*pending)

    async def _row(
        self,
        probe: Probe,
        variant_id: str,
        rv: RecallVariant,
        found: Recalled,
        repeat: int,
        answer_llm: Any,
        judge_llm: Any,
    ) -> None:
        exp = self.plan.experiment
        stages = await answer_and_judge(
            probe,
            found,
            variant_id=variant_id,
            answer_llm=answer_llm,
            answer_prompt=exp.answer.prompt if exp.answer else "answer",
            judge_llm=judge_llm,
            judge=exp.judge,
            scores=exp.scores,
        )
        self.probe_rows.append(
            {
                **self._probe_keys(probe, variant_id, repeat),
                "k": rv.k,
                "context_tokens": found.context_tokens,
                "recalled_ids": [h.item_id for h in found.hits],
                "recalled_turn_ids": list(found.turn_ids),
                "context": found.context,
                "recall_ms": found.recall_ms,
                **stages,
            }
        )

    async def _controls(self, probe: Probe, repeat: int, judge_llm: Any) -> None:
        exp = self.plan.experiment
        assert exp.judge is not None
        for row in await judge_controls(
            self.plan.conversation, probe, judge_llm=judge_llm, judge=exp.judge, seed=exp.seed
        ):
            self.control_rows.append(
                {
                    "experiment_id": self.plan.experiment_id,
                    "unit_id": self.plan.unit_id,
                    "conversation_id": self.plan.conversation.id,
                    "repeat": repeat,
                    **row,
                }
            )

    def _probe_keys(self, probe: Probe, variant_id: str, repeat: int) -> dict[str, Any]:
        return {
            "experiment_id": self.plan.experiment_id,
            "unit_id": self.plan.unit_id,
            "variant_id": variant_id,
            "conversation_id": self.plan.conversation.id,
            "probe_id": probe.id,
            "repeat": repeat,
            "category": probe.category,
            "category_id": probe.category_id,
            "asked_after": probe.asked_after,
            "probe_index": self.probe_index[probe.id],
            "abstention": probe.abstention,
        }

    def error_rows(self, probes: Sequence[Probe], exc: ModelCallError) -> None:
        """Rows for probes the unit never reached because its ingest failed."""
        for probe in probes:
            for variant_id, rv in self.plan.recalls:
                self.probe_rows.append(
                    {
                        **self._probe_keys(probe, variant_id, 0),
                        "k": rv.k,
                        "status": "error",
                        "error": f"ingest failed: {exc}",
                        "error_call_id": exc.call_id,
                        "scores_json": "{}",
                    }
                )

    # ----------------------------------------------------------------- the unit's record
    def stored(self) -> tuple[int, int, int, set[str]]:
        """(memories, summaries, their tokens, cited turn ids) over the unit's namespaces."""
        conversation_id = self.plan.conversation.id
        n_memories = n_summaries = tokens = 0
        cited: set[str] = set()
        for ns in self.spaces:
            memories = self.db.list_memories(ns.user_id)
            summaries = self.db.list_summaries(ns.user_id)
            n_memories += len(memories)
            n_summaries += len(summaries)
            tokens += sum(count_tokens(m.memory) for m in memories)
            tokens += sum(count_tokens(s.summary) for s in summaries)
            sources = [mid for m in memories for mid in m.source_message_ids]
            by_session = self.db.summary_sources(ns.user_id, [s.session_id for s in summaries])
            sources += [mid for ids in by_session.values() for mid in ids]
            cited.update(t for t in (turn_id_of(s, conversation_id) for s in sources) if t)
        return n_memories, n_summaries, tokens, cited


async def replay_unit(
    plan: UnitPlan,
    db: DuckDbMemoryDb,
    models: ReplayModels,
    *,
    on_probes: Callable[[int], None] = lambda n: None,
) -> UnitResult:
    """Replay one unit and return its rows (the caller commits them in one transaction).

    Raises:
        BudgetExceeded: a model's budget is spent; the unit is incomplete and not returned.
    """
    calls = UnitCalls(plan.unit_id)
    conversation = plan.conversation
    moments = probe_moments(conversation)
    with attribute(calls, stage="ingest"):
        replay = _Replay(plan, db, models, on_probes)
        ingest_s = 0.0
        error: ModelCallError | None = None
        for index in range(len(conversation.sessions)):
            started = time.perf_counter()
            try:
                await replay.ingest_session(index)
            except BudgetExceeded:
                replay.cancel()
                raise
            except ModelCallError as exc:
                error = exc
                rest = [p for i, ps in sorted(moments.items()) if i >= index for p in ps]
                replay.error_rows(rest, exc)
                on_probes(len(rest))
                break
            finally:
                ingest_s += time.perf_counter() - started
            if index in moments:
                await replay.probe_moment(moments[index])
            models.ledger.forward()  # a checkpoint: see AttributingLedger.forward
        await replay.settle()
        models.ledger.forward()
    n_memories, n_summaries, memory_tokens, cited = replay.stored()
    kind = plan.ingest.ingest.kind
    if kind == "messages":
        memory_tokens += replay.message_tokens
        cited |= {t.id for _, t in conversation.turns()}
    evidence = {e for p in conversation.probes if not p.abstention for e in p.evidence}
    health = []
    if (kind != "messages" and n_memories + n_summaries == 0) or conversation.turn_count() == 0:
        health.append("empty_store")
    for variant_id, rv in plan.recalls:
        if conversation.probes and replay.empty_recall[variant_id] and error is None:
            health.append(f"empty_recall:{rv.label}")
    unit = {
        "experiment_id": plan.experiment_id,
        "unit_id": plan.unit_id,
        "ingest_id": plan.ingest.ingest_id,
        "conversation_id": conversation.id,
        "status": "error" if error else "ok",
        "health": ";".join(health) or "ok",
        "n_probes": len(conversation.probes),
        "n_memories": n_memories,
        "n_summaries": n_summaries,
        "memory_tokens": memory_tokens,
        "ingest_coverage": len(evidence & cited) / len(evidence) if evidence else None,
        "ingest_ms": ingest_s * 1000,
        "finished_at": utcnow().replace(tzinfo=None),
        "error": str(error) if error else None,
        "n_turns": conversation.turn_count(),
        "namespaces": [ns.user_id for ns in replay.spaces],
    }
    return UnitResult(unit, replay.probe_rows, replay.control_rows, calls)
