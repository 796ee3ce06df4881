"""One unit of a replay: an (ingest × summary) variant and a conversation.

The unit builds the variant's `MemorySystem` (a configured `Memory`, or a user's own system)
and replays the conversation's sessions into it in time order, one user id per principal;
at each probe's moment it asks the system to recall under every recall variant against the
same memory state ("ingest once, recall many"). The unit sees the system only through that
protocol, so what it measures is what an agent would ship. A unit shares no in-process state
with other units except the store and the models, so units could run in separate processes
and their files be merged by SQL. Its rows are returned, not written: the runner commits a
unit in one transaction.
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
from memlab.lab.running.ledger import UnitCalls, attribute, stage, subject
from memlab.lab.running.models import ReplayModels
from memlab.lab.running.probe_rows import ProbeKey, ProbeRow
from memlab.lab.running.probes import Recalled, answer_and_judge, judge_controls, recall_sweep
from memlab.lab.running.replay_ingest import (
    Namespace,
    in_time_order,
    namespaces,
    probe_moments,
    runs_of,
    turn_id_of,
)
from memlab.lab.running.rows import ControlRow, UnitRow
from memlab.lab.running.specs import DEFAULT_MAX_TOKENS, AnswerSpec, JudgeSpec
from memlab.lab.running.systems import ReportedUsage, unit_system
from memlab.lab.running.tool_health import TOOL_HEALTH, tool_call_problem
from memlab.llm.loader import OFFLINE_MODEL
from memlab.schema import utcnow
from memlab.system import MemorySystem
from memlab.tokens import count_tokens

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

    @property
    def calls_prefix(self) -> str:
        """What the ids of the unit's model calls start with (see `ledger.UnitCalls`)."""
        return f"{self.namespace_key}/calls"


@dataclass
class UnitResult:
    """The rows of a finished unit, ready to commit."""

    unit: UnitRow
    probes: list[ProbeRow] = field(default_factory=list)
    controls: list[ControlRow] = field(default_factory=list)
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
        kind = plan.ingest.ingest.kind
        self.spaces = namespaces(
            plan.conversation,
            unit_key=plan.namespace_key,
            per_principal=kind in ("extract", "custom"),
        )
        self.system: MemorySystem = unit_system(plan.ingest, db, models)
        self.reported = ReportedUsage(self.system, models.ledger, plan.ingest)
        # Variants that differ only in k share one recall per probe (see `recall_sweep`); a
        # model-driven strategy picks per k, so it is never shared.
        self.sweeps: list[tuple[dict[str, Any], list[tuple[str, RecallVariant]]]] = []
        by_key: dict[str, list[tuple[str, RecallVariant]]] = {}
        for variant_id, rv in plan.recalls:
            key = json.dumps({**rv.settings, "k": None}, sort_keys=True, default=str)
            if rv.spec.strategy == "agentic":
                key += variant_id
            by_key.setdefault(key, []).append((variant_id, rv))
        for group in by_key.values():
            spec = group[0][1].spec
            options: dict[str, Any] = {"strategy": spec.strategy, **spec.strategy_options()}
            if group[0][1].budget_tokens is not None:  # the budget is part of the group's key
                options["budget_tokens"] = group[0][1].budget_tokens
            if spec.strategy == "agentic":
                options["llm"] = models.get(spec.model or OFFLINE_MODEL)
            self.sweeps.append((options, group))
        self.probe_rows: list[ProbeRow] = []
        self.control_rows: list[ControlRow] = []
        self.empty_recall: dict[str, bool] = {vid: True for vid, _ in plan.recalls}
        self.unsourced = False
        # Answer and judge jobs of earlier probe moments, still running while later sessions
        # are ingested (they read only their recall results, taken before the next ingest).
        self.pending: list[asyncio.Future[Any]] = []
        self.probe_index = {p.id: i for i, p in enumerate(plan.conversation.probes)}
        self.sessions = in_time_order(plan.conversation)
        self.batches = bool(getattr(self.system, "batches_sessions", False))
        """The system stores sessions with no probe between them at once (`Memory` can)."""

    # ----------------------------------------------------------------- ingest
    async def ingest_session(self, index: int) -> None:
        """Give every namespace its runs of the session, then end the session for it."""
        session = self.sessions[index]
        for ns in self.spaces:
            runs = list(runs_of(self.plan.conversation, session, ns, ns.user_id))
            with stage("ingest"):
                await self.system.aingest(session.id, runs, user_id=ns.user_id)
                await self.system.aend_session(session.id, user_id=ns.user_id)
        self.reported.record(self.plan.unit_id)

    async def ingest_sessions(self, indices: Sequence[int]) -> None:
        """Ingest and end the sessions at `indices` (no probe moment in between)."""
        batched = getattr(self.system, "aingest_sessions", None)
        if batched is None or not self.batches or len(indices) == 1:
            for index in indices:
                await self.ingest_session(index)
            return
        conversation = self.plan.conversation
        for ns in self.spaces:
            sessions = [
                (s.id, list(runs_of(conversation, s, ns, ns.user_id)))
                for s in (self.sessions[i] for i in indices)
            ]
            with stage("ingest"):
                await batched(sessions, user_id=ns.user_id)
        self.reported.record(self.plan.unit_id)

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
            for options, group in self.sweeps:
                with stage("recall", variant_id=group[0][0]), subject(probe.id):
                    found = await recall_sweep(
                        self.system,
                        options,
                        [rv for _, rv in group],
                        probe,
                        self.targets(probe),
                        plan.conversation.id,
                    )
                for (variant_id, rv), one in zip(group, found, strict=True):
                    if one.hits:
                        self.empty_recall[variant_id] = False
                        if not any(h.source_message_ids for h in one.hits):
                            self.unsourced = True  # evidence scores are undefined, say why
                    recalled.append((probe, variant_id, rv, one))
        repeats = exp.repeats if exp.answer is not None else 1
        jobs = []
        for repeat in range(repeats):
            cache = repeat == 0  # later repeats bypass the cache, so answer noise shows
            answer_llm = (
                self.models.get(exp.answer.model, cache=cache, max_tokens=_cap(exp.answer))
                if exp.answer
                else None
            )
            judge_llm = (
                self.models.get(exp.judge.model, cache=cache, max_tokens=_cap(exp.judge))
                if exp.judge
                else None
            )
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
        with subject(f"{probe.id}/r{repeat}"):  # this task's calls are named apart
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
            ProbeRow.of(
                self._probe_key(probe, variant_id, repeat), k=rv.k, recalled=found, outcome=stages
            )
        )

    async def _controls(self, probe: Probe, repeat: int, judge_llm: Any) -> None:
        exp = self.plan.experiment
        assert exp.judge is not None
        with subject(f"{probe.id}/r{repeat}"):
            verdicts = await judge_controls(
                self.plan.conversation, probe, judge_llm=judge_llm, judge=exp.judge, seed=exp.seed
            )
        for verdict in verdicts:
            self.control_rows.append(
                ControlRow.of(
                    verdict,
                    experiment_id=self.plan.experiment_id,
                    unit_id=self.plan.unit_id,
                    conversation_id=self.plan.conversation.id,
                    repeat=repeat,
                )
            )

    def _probe_key(self, probe: Probe, variant_id: str, repeat: int) -> ProbeKey:
        return ProbeKey.of(
            probe,
            experiment_id=self.plan.experiment_id,
            unit_id=self.plan.unit_id,
            variant_id=variant_id,
            conversation_id=self.plan.conversation.id,
            repeat=repeat,
            probe_index=self.probe_index[probe.id],
        )

    def error_rows(self, probes: Sequence[Probe], exc: ModelCallError) -> None:
        """Rows for probes the unit never reached because its ingest failed."""
        for probe in probes:
            for variant_id, rv in self.plan.recalls:
                self.probe_rows.append(
                    ProbeRow.failed(
                        self._probe_key(probe, variant_id, 0),
                        k=rv.k,
                        error=f"ingest failed: {exc}",
                        error_call_id=exc.call_id,
                    )
                )

    # ----------------------------------------------------------------- the unit's record
    def stored(self) -> tuple[int, int, int, set[str]]:
        """(memories, summaries, tokens held, cited turn ids) over the unit's namespaces."""
        conversation_id = self.plan.conversation.id
        n_memories = n_summaries = tokens = 0
        cited: set[str] = set()
        for ns in self.spaces:
            for item in self.system.held(user_id=ns.user_id):
                n_memories += item.kind == "memory"
                n_summaries += item.kind == "summary"
                tokens += count_tokens(item.text)
                cited.update(
                    t
                    for t in (turn_id_of(s, conversation_id) for s in item.source_message_ids)
                    if t
                )
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
    calls = UnitCalls(plan.unit_id, prefix=plan.calls_prefix)
    conversation = plan.conversation
    moments = probe_moments(conversation)
    with attribute(calls, stage="ingest"):
        replay = _Replay(plan, db, models, on_probes)
        ingest_s = 0.0
        error: ModelCallError | None = None
        stretches = (
            _stretches(len(conversation.sessions), moments)
            if replay.batches
            else [[i] for i in range(len(conversation.sessions))]
        )
        for indices in stretches:
            started = time.perf_counter()
            try:
                # Sessions with no probe moment between them are given to the system at once
                # (`Memory` then stores what nothing reads in between in one write).
                await replay.ingest_sessions(indices)
            except BudgetExceeded:
                replay.cancel()
                raise
            except ModelCallError as exc:
                error = exc
                rest = [p for i, ps in sorted(moments.items()) if i >= indices[0] for p in ps]
                replay.error_rows(rest, exc)
                on_probes(len(rest))
                break
            finally:
                ingest_s += time.perf_counter() - started
            if indices[-1] in moments:
                await replay.probe_moment(moments[indices[-1]])
            models.ledger.forward()  # a checkpoint: see AttributingLedger.forward
        await replay.settle()
        models.ledger.forward()
    missing_tools = tool_call_problem(calls.notes) if error is None else None
    if missing_tools is not None:  # never an empty store scored as recall 0
        error = missing_tools
        replay.probe_rows.clear()
        replay.error_rows(conversation.probes, missing_tools)
    n_memories, n_summaries, memory_tokens, cited = replay.stored()
    kind = plan.ingest.ingest.kind
    evidence = {e for p in conversation.probes if not p.abstention for e in p.evidence}
    health = []
    if (kind != "messages" and n_memories + n_summaries == 0) or conversation.turn_count() == 0:
        health.append("empty_store")
    for variant_id, rv in plan.recalls:
        if conversation.probes and replay.empty_recall[variant_id] and error is None:
            health.append(f"empty_recall:{rv.label}")
    if replay.unsourced:
        health.append("no_provenance")
    if missing_tools is not None:
        health.append(TOOL_HEALTH)
    unit = UnitRow(
        experiment_id=plan.experiment_id,
        unit_id=plan.unit_id,
        ingest_id=plan.ingest.ingest_id,
        conversation_id=conversation.id,
        status="error" if error else "ok",
        health=";".join(health) or "ok",
        n_probes=len(conversation.probes),
        n_memories=n_memories,
        n_summaries=n_summaries,
        memory_tokens=memory_tokens,
        ingest_coverage=len(evidence & cited) / len(evidence) if evidence else None,
        ingest_ms=ingest_s * 1000,
        finished_at=utcnow().replace(tzinfo=None),
        error=str(error) if error else None,
        n_turns=conversation.turn_count(),
        namespaces=[ns.user_id for ns in replay.spaces],
    )
    return UnitResult(unit, replay.probe_rows, replay.control_rows, calls)


def _stretches(sessions: int, moments: dict[int, list[Probe]]) -> list[list[int]]:
    """Session positions in order, cut after each one that has a probe moment."""
    out: list[list[int]] = [[]]
    for index in range(sessions):
        out[-1].append(index)
        if index in moments and index < sessions - 1:
            out.append([])
    return [s for s in out if s]


def _cap(spec: AnswerSpec | JudgeSpec) -> int:
    """The output cap of an answer or judge call: the stage's `max_tokens` or its default."""
    stage = "answer" if isinstance(spec, AnswerSpec) else "judge"
    return spec.max_tokens or DEFAULT_MAX_TOKENS[stage]
