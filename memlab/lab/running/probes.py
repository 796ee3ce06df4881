"""One probe under one recall variant: recall → context → answer → judge → scores.

A model failure makes the row `status="error"` with the error text and the ledger id of the
failed call; it is never scored as a zero. A spent budget is not a probe failure: it stops the
replay (`BudgetExceeded` propagates).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from memlab.errors import BudgetExceeded, ModelCallError
from memlab.lab.analysis.scorers import ScoreInput, score_all
from memlab.lab.data.dataset import Conversation, Probe
from memlab.lab.running.experiment import JudgeSpec, RecallVariant
from memlab.lab.running.ledger import stage
from memlab.lab.running.probe_rows import ProbeOutcome
from memlab.lab.running.replay_ingest import Namespace, turn_id_of
from memlab.lab.running.rows import ControlVerdict
from memlab.llm.client import LLM
from memlab.llm.qa import answer_question, judge_answer
from memlab.recall.base import RecallHit
from memlab.recall.budget import SEPARATOR
from memlab.system import MemorySystem
from memlab.tokens import count_tokens

__all__ = [
    "Recalled",
    "answer_and_judge",
    "control_answers",
    "gold_text",
    "interleave",
    "judge_controls",
    "recall_sweep",
    "split_k",
    "top_k",
]

ABSTENTION_GOLD = "Not mentioned: the conversation does not contain this information."


@dataclass(frozen=True)
class Recalled:
    """What one recall variant found for one probe."""

    hits: list[RecallHit]
    context: str
    context_tokens: int
    turn_ids: tuple[str, ...]
    recall_ms: float


def split_k(k: int, n: int) -> list[int]:
    """`k` split evenly over `n` namespaces (the first ones take the remainder)."""
    return [k // n + (1 if i < k % n else 0) for i in range(n)]


def interleave(lists: Sequence[Sequence[RecallHit]], limit: int) -> list[RecallHit]:
    """Round-robin by rank over ranked lists, skipping repeats, at most `limit` items."""
    out: list[RecallHit] = []
    seen: set[tuple[str, str]] = set()
    for rank in range(max((len(x) for x in lists), default=0)):
        for hits in lists:
            if rank < len(hits) and (hits[rank].kind, hits[rank].item_id) not in seen:
                seen.add((hits[rank].kind, hits[rank].item_id))
                out.append(hits[rank])
    return out[:limit]


def top_k(hits: Sequence[RecallHit], k: int) -> list[RecallHit]:
    """The `k` best hits by score, in the strategy's own order (ties: the earlier first).

    For every built-in strategy but `agentic` this is what a search with `limit=k` returns:
    ranked strategies list best first, `last_n` lists its newest items (highest scores)
    oldest first. So one search at the sweep's largest k serves every k of the sweep.
    """
    if len(hits) <= k:
        return list(hits)
    keep = set(sorted(range(len(hits)), key=lambda i: (-hits[i].score, i))[:k])
    return [h for i, h in enumerate(hits) if i in keep]


async def recall_sweep(
    system: MemorySystem,
    options: dict[str, Any],
    variants: Sequence[RecallVariant],
    probe: Probe,
    targets: Sequence[Namespace],
    conversation_id: str,
) -> list[Recalled]:
    """Recall for `probe` under variants that differ only in k, from one search per corpus.

    `options` are the variants' shared recall settings (`strategy`, its options and
    `budget_tokens`), handed to `system.arecall` with the corpus as `over`.

    Each namespace of `targets` is searched once at the largest k's share (k is split evenly
    over the namespaces); each variant takes its own top k of that. `recall_ms` is the time
    of the shared search plus the variant's own selection.
    """
    started = time.perf_counter()
    over = variants[0].spec.over
    corpora = ("memories", "summaries") if over == "memories+summaries" else (over,)
    k_max = max(v.k for v in variants)
    searched: list[list[list[RecallHit]]] = []  # [namespace][corpus] -> hits
    for namespace, k in zip(targets, split_k(k_max, len(targets)), strict=True):
        searched.append(
            [
                list(
                    await system.arecall(
                        probe.question, user_id=namespace.user_id, limit=k, over=corpus, **options
                    )
                )
                if k
                else []
                for corpus in corpora
            ]
        )
    search_ms = (time.perf_counter() - started) * 1000
    out: list[Recalled] = []
    for variant in variants:
        began = time.perf_counter()
        per_namespace = [
            interleave([top_k(hits, k) for hits in parts], k)
            for parts, k in zip(searched, split_k(variant.k, len(targets)), strict=True)
            if k
        ]
        hits = interleave(per_namespace, variant.k)
        # The context as recall budgets count it, so `budget_tokens` and `context_tokens` agree.
        context = SEPARATOR.join(h.text for h in hits)
        turn_ids: dict[str, None] = {}
        for hit in hits:
            for message_id in hit.source_message_ids:
                turn = turn_id_of(message_id, conversation_id)
                if turn is not None:
                    turn_ids[turn] = None
        out.append(
            Recalled(
                hits,
                context,
                count_tokens(context),
                tuple(turn_ids),
                search_ms + (time.perf_counter() - began) * 1000,
            )
        )
    return out


def gold_text(probe: Probe) -> str:
    """The gold answer the judge sees: the accepted answers, or the abstention statement."""
    if probe.abstention or not probe.answers:
        return ABSTENTION_GOLD
    return probe.answers[0] if len(probe.answers) == 1 else " / ".join(probe.answers)


def control_answers(
    conversation: Conversation, probe: Probe, *, seed: int
) -> list[tuple[str, str]]:
    """Answers wrong by construction for judge sanity: (control kind, answer text).

    `other_gold` is the gold answer of another probe of the conversation that shares no
    accepted answer with this one (picked with `seed`); `stale` is the first stale value of a
    knowledge-update probe. Abstention probes get none (a wrong control is not defined).
    """
    if probe.abstention or not probe.answers:
        return []
    mine = {a.strip().lower() for a in probe.answers}
    others = [
        p.answers[0]
        for p in conversation.probes
        if p.id != probe.id
        and p.answers
        and not p.abstention
        and not ({a.strip().lower() for a in p.answers} & mine)
    ]
    out: list[tuple[str, str]] = []
    if others:
        rng = random.Random(f"{seed}:{conversation.id}:{probe.id}")
        out.append(("other_gold", rng.choice(sorted(others))))
    if probe.stale_answers:
        out.append(("stale", probe.stale_answers[0]))
    return out


async def answer_and_judge(
    probe: Probe,
    recalled: Recalled,
    *,
    variant_id: str,
    answer_llm: LLM | None,
    answer_prompt: str,
    judge_llm: LLM | None,
    judge: JudgeSpec | None,
    scores: Sequence[str] | None,
) -> ProbeOutcome:
    """The answer and judge stages and the scores of one (probe, variant, repeat) row.

    A failed model call makes the outcome an error that keeps what the stages before it
    produced, with no score.
    """
    outcome = ProbeOutcome()
    verdict: bool | None = None
    try:
        if answer_llm is not None:
            started = time.perf_counter()
            with stage("answer", variant_id=variant_id):
                done = await answer_question(
                    answer_llm,
                    probe.question,
                    [h.text for h in recalled.hits],
                    prompt=answer_prompt,
                )
            outcome = replace(
                outcome,
                answer=done.text,
                answer_call_id=done.call_id,
                answer_ms=(time.perf_counter() - started) * 1000,
            )
        if judge_llm is not None and judge is not None and outcome.answer is not None:
            started = time.perf_counter()
            with stage("judge", variant_id=variant_id):
                judged = await judge_answer(
                    judge_llm, probe.question, gold_text(probe), outcome.answer, prompt=judge.prompt
                )
            verdict = judged.correct
            outcome = replace(
                outcome,
                judge_call_id=judged.call_id,
                judge_model=judged.model,
                judge_prompt=judged.prompt,
                judge_ms=(time.perf_counter() - started) * 1000,
            )
    except BudgetExceeded:
        raise
    except ModelCallError as exc:
        return outcome.failed(exc)
    values = score_all(
        ScoreInput(
            probe=probe,
            recalled_turn_ids=recalled.turn_ids,
            provenance=not recalled.hits or any(h.source_message_ids for h in recalled.hits),
            context=recalled.context,
            answer=outcome.answer,
            judge_correct=verdict,
        ),
        scores,
    )
    return replace(outcome, scores=values)


async def judge_controls(
    conversation: Conversation,
    probe: Probe,
    *,
    judge_llm: LLM,
    judge: JudgeSpec,
    seed: int,
) -> list[ControlVerdict]:
    """Judge the probe's control answers; each verdict says whether the judge accepted it."""
    verdicts: list[ControlVerdict] = []
    for control, text in control_answers(conversation, probe, seed=seed):
        verdict = ControlVerdict(
            probe_id=probe.id, control=control, answer=text, judge_model=judge_llm.model
        )
        try:
            with stage("judge_control"):
                judged = await judge_answer(
                    judge_llm, probe.question, gold_text(probe), text, prompt=judge.prompt
                )
            verdict = replace(
                verdict,
                accepted=judged.correct,
                judge_call_id=judged.call_id,
                judge_prompt=judged.prompt,
            )
        except BudgetExceeded:
            raise
        except ModelCallError as exc:
            verdict = verdict.failed(exc)
        verdicts.append(verdict)
    return verdicts
