"""The replay estimate's walk: every unit's sessions and probes, as the runner would replay them.

Units, namespaces, runs, probe moments, summary triggers, recall sweeps, repeats and judge
controls come from the same functions the runner uses, so the number of calls of every
stage whose calls do not depend on a model's answers is exact: extraction calls of `agno-v2`
and `single-pass-json` (one per run with a user turn, or per session), summaries, answers,
judge verdicts and controls. What depends on answers (how many memories extraction stores,
how long a summary or an answer is) follows `Assumptions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from memlab.lab.data.dataset import Conversation, Probe
from memlab.lab.running.estimate_assumptions import Assumptions
from memlab.lab.running.estimate_prompts import (
    agentic_tokens,
    answer_tokens,
    extraction_tokens,
    judge_tokens,
    mem0_update_tokens,
    summary_tokens,
)
from memlab.lab.running.experiment import Experiment, IngestVariant, RecallVariant
from memlab.lab.running.probes import control_answers, split_k
from memlab.lab.running.replay_ingest import (
    Namespace,
    in_time_order,
    namespaces,
    probe_moments,
    runs_of,
)
from memlab.lab.running.specs import OFFLINE
from memlab.schema import Message, Run
from memlab.tokens import count_tokens

__all__ = ["Tally", "estimate_unit"]


@dataclass
class Tally:
    """Calls and tokens per (stage, model), summed over units."""

    rows: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def add(self, stage: str, model: str, input_tokens: float, output_tokens: float) -> None:
        """Count one call."""
        row = self.rows.setdefault((stage, model), [0, 0.0, 0.0])
        row[0] += 1
        row[1] += input_tokens
        row[2] += output_tokens


@dataclass
class _Space:
    """What one namespace holds so far, in the estimate's terms."""

    memories: float = 0.0
    memory_tokens: float = 0.0
    messages: int = 0
    message_tokens: float = 0.0
    summaries: int = 0


@dataclass
class _Unit:
    experiment: Experiment
    variant: IngestVariant
    recalls: Sequence[RecallVariant]
    conversation: Conversation
    tally: Tally
    outputs: dict[tuple[str, str], float]
    assume: Assumptions
    spaces: dict[str, _Space] = field(default_factory=dict)

    def out(self, model: str, purpose: str, default: float, cap: int | None) -> float:
        size = self.outputs.get((model, purpose), default)
        return min(size, cap) if cap else size

    # ----------------------------------------------------------------- ingest
    def ingest(self, ns: Namespace, session_runs: list[Run]) -> None:
        spec, state = self.variant.ingest, self.spaces[ns.user_id]
        for run in session_runs:
            for m in run.messages:
                if m.content.strip():
                    state.messages += 1
                    state.message_tokens += count_tokens(m.content)
        if spec.kind == "verbatim":
            for run in session_runs:
                for m in run.messages:
                    if m.content.strip():
                        state.memories += 1
                        state.memory_tokens += count_tokens(f"{m.name}: {m.content}")
        elif spec.kind == "extract":
            if spec.granularity == "run":
                for run in session_runs:
                    self.extract(ns, run.messages)
            else:
                messages = [m for r in session_runs for m in r.messages]
                if messages:
                    self.extract(ns, messages)

    def extract(self, ns: Namespace, messages: Sequence[Message]) -> None:
        spec, state, a = self.variant.ingest, self.spaces[ns.user_id], self.assume
        if not any(m.role == "user" for m in messages) and not spec.include_assistant:
            return  # as `Memory` does: nothing of the user's, no call
        said = [m.role for m in messages if m.content.strip()]
        new = a.memories_per_turn * said.count("user")
        if spec.include_assistant:
            new += a.memories_per_other_turn * (len(said) - said.count("user"))
        shown = state.memories if spec.context == "all" else min(spec.top_k, state.memories)
        cap = spec.max_tokens or 1024
        per_memory = self.out(spec.model, "extract", a.extract_output_per_memory, None)
        if spec.prompt == "mem0-style":
            tokens = extraction_tokens(
                "mem0-style",
                messages,
                include_assistant=spec.include_assistant,
                shown_memories=0,
                memory_tokens=a.memory_tokens,
            )
            self.tally.add("extraction", spec.model, tokens, min(new * per_memory / 2, cap))
            if new > 0:
                update = mem0_update_tokens(new, shown, a.memory_tokens)
                self.tally.add("extraction", spec.model, update, min(new * per_memory / 2, cap))
        else:
            tokens = extraction_tokens(
                spec.prompt,
                messages,
                include_assistant=spec.include_assistant,
                shown_memories=shown,
                memory_tokens=a.memory_tokens,
            )
            self.tally.add("extraction", spec.model, tokens, min(new * per_memory, cap))
        state.memories += new
        state.memory_tokens += new * a.memory_tokens

    # ----------------------------------------------------------------- summaries
    def summarize(self, ns: Namespace, session_runs: list[Run]) -> None:
        summary = self.variant.summary
        if summary.trigger == "never" or not session_runs:
            return
        options = summary.trigger_options()
        covered = 0  # runs of the session the summary covers so far
        fired = False
        for n in range(1, len(session_runs) + 1):
            pending = session_runs[covered:n]
            if summary.trigger == "every_n_runs":
                fire = len(pending) >= options["n"]
            elif summary.trigger == "token_threshold":
                fire = _tokens(pending) >= options["tokens"]
            else:
                fire = False
            if fire:
                self.summary_call(session_runs[:n], session_runs[covered:n], fired)
                covered, fired = n, True
        if summary.trigger == "session_end" and covered < len(session_runs):
            self.summary_call(session_runs, session_runs[covered:], fired)
            fired = True
        if fired:
            self.spaces[ns.user_id].summaries += 1

    def summary_call(self, all_runs: list[Run], new_runs: list[Run], has_previous: bool) -> None:
        summary, a = self.variant.summary, self.assume
        size = self.out(summary.model, "summarize", a.summary_output, summary.max_tokens or 1024)
        incremental = summary.mode == "incremental"
        runs = new_runs if incremental else all_runs
        tokens = summary_tokens(
            f"summary-{summary.mode}",
            [m for r in runs for m in r.messages],
            previous_tokens=size if incremental and has_previous else None,
        )
        self.tally.add("summaries", summary.model, tokens, size)

    # ----------------------------------------------------------------- probes
    def probe(self, probe: Probe, targets: Sequence[Namespace]) -> None:
        exp, a = self.experiment, self.assume
        for rv in self.recalls:
            spec = rv.spec
            over = spec.over
            shares = split_k(rv.k, len(targets))
            items, tokens = 0.0, 0.0
            for ns, share in zip(targets, shares, strict=True):
                state = self.spaces[ns.user_id]
                n, t = _corpus(state, over, a)
                take = min(share, n)
                items += take
                tokens += take * (t / n if n else 0.0)
            if rv.budget_tokens is not None and tokens > rv.budget_tokens:
                items, tokens = items * rv.budget_tokens / tokens, float(rv.budget_tokens)
            if spec.strategy == "agentic":  # one call per namespace searched, per variant
                model = spec.model or OFFLINE
                for ns, share in zip(targets, shares, strict=True):
                    held = self.spaces[ns.user_id].memories
                    if share and held >= 1:
                        inp = agentic_tokens(probe.question, share, held, a.memory_tokens)
                        out = self.out(model, "search", a.agentic_output, None)
                        self.tally.add("recall", model, inp, out)
            if exp.answer is None:
                continue
            per_item = tokens / items if items else 0.0
            for _ in range(exp.repeats):
                cap = exp.answer.max_tokens or 512
                size = self.out(exp.answer.model, "answer", a.answer_output, cap)
                inp = answer_tokens(exp.answer.prompt, probe.question, items, per_item)
                self.tally.add("answer", exp.answer.model, inp, size)
                if exp.judge is not None:
                    jcap = exp.judge.max_tokens or 256
                    verdict = self.out(exp.judge.model, "judge", a.judge_output, jcap)
                    inp = judge_tokens(exp.judge.prompt, probe, size)
                    self.tally.add("judge", exp.judge.model, inp, verdict)
        if exp.answer is not None and exp.judge is not None and exp.judge.sanity:
            jcap = exp.judge.max_tokens or 256
            verdict = self.out(exp.judge.model, "judge", a.judge_output, jcap)
            for _ in range(exp.repeats):
                for _, text in control_answers(self.conversation, probe, seed=exp.seed):
                    inp = judge_tokens(exp.judge.prompt, probe, text)
                    self.tally.add("judge", exp.judge.model, inp, verdict)


def _tokens(runs: Sequence[Run]) -> int:
    return sum(count_tokens(m.content) for r in runs for m in r.messages)


def _corpus(state: _Space, over: str, a: Assumptions) -> tuple[float, float]:
    """(items, tokens) a recall over `over` can draw from."""
    if over == "messages":
        return float(state.messages), state.message_tokens
    if over == "summaries":
        return float(state.summaries), state.summaries * a.summary_tokens
    if over == "memories+summaries":
        return (
            state.memories + state.summaries,
            state.memory_tokens + state.summaries * a.summary_tokens,
        )
    return state.memories, state.memory_tokens


def estimate_unit(
    experiment: Experiment,
    variant: IngestVariant,
    recalls: Sequence[RecallVariant],
    conversation: Conversation,
    *,
    tally: Tally,
    outputs: dict[tuple[str, str], float],
    assume: Assumptions,
) -> None:
    """Add one unit's expected calls to `tally`, walking it as `replay_unit` replays it."""
    kind = variant.ingest.kind
    spaces = namespaces(
        conversation, unit_key="estimate", per_principal=kind in ("extract", "custom")
    )
    unit = _Unit(experiment, variant, recalls, conversation, tally, outputs, assume)
    unit.spaces = {ns.user_id: _Space() for ns in spaces}
    moments = probe_moments(conversation)
    for index, session in enumerate(in_time_order(conversation)):
        for ns in spaces:
            runs = list(runs_of(conversation, session, ns, ns.user_id))
            unit.ingest(ns, runs)
            unit.summarize(ns, runs)
        for probe in moments.get(index, []):
            about = [ns for ns in spaces if ns.principal == probe.about]
            unit.probe(probe, spaces if len(spaces) == 1 else about or spaces)
