"""Answering a probe question from context, and judging an answer against the gold one.

Both go through the chokepoint with purposes `answer` and `judge`, so the ledger holds their
tokens and the judge's model and prompt version next to every score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from memlab.errors import ExtractionError
from memlab.llm.client import LLM, LedgerStore
from memlab.llm.parse import complete_parsed, parse_model
from memlab.llm.prompt import get_prompt
from memlab.llm.request import Completion
from memlab.llm.schemas import verdict_response_format
from memlab.llm.sections import render_block, render_items
from memlab.schema import Usage

__all__ = ["Answer", "Judgement", "answer_question", "judge_answer"]


@dataclass(frozen=True)
class Answer:
    """A model's answer to a question.

    Attributes:
        text: The answer text.
        usage: Tokens and cost of the call.
        call_id: The ledger row.
    """

    text: str
    usage: Usage
    call_id: str


@dataclass(frozen=True)
class Judgement:
    """A judge's verdict on one prediction.

    Attributes:
        correct: Whether the prediction matches the gold answer.
        score: The judge's confidence or partial credit, 0 to 1.
        usage: Tokens and cost of the calls.
        call_id: The ledger row of the verdict.
        prompt: The judge prompt, `name@version`.
        model: The judge model.
    """

    correct: bool
    score: float
    usage: Usage
    call_id: str
    prompt: str
    model: str


class _Verdict(BaseModel):
    model_config = ConfigDict(extra="ignore")
    correct: bool
    score: float | None = None


async def answer_question(
    llm: LLM,
    question: str,
    context: Sequence[str],
    *,
    prompt: str = "answer",
    user_id: str | None = None,
    ledger: LedgerStore | None = None,
) -> Answer:
    """Answer `question` from the `context` texts (e.g. recalled memories).

    `ledger` is the store the call's ledger row goes to (see `LLM.acomplete`).

    Raises:
        ExtractionError: the model answered with no text.
        ModelCallError: the call failed.
    """
    chosen = get_prompt(prompt)
    messages = chosen.render(
        context=render_block(
            "context", render_items((str(i), t) for i, t in enumerate(context, 1))
        ),
        question=render_block("question", question),
    )
    done: Completion = await llm.acomplete(
        messages, purpose=chosen.purpose, prompt=chosen, user_id=user_id, ledger=ledger
    )
    if done.text is None or not done.text.strip():
        raise ExtractionError(
            f"{llm.model} gave an empty answer to {question!r}", raw=done.raw, call_id=done.call_id
        )
    return Answer(done.text.strip(), done.usage, done.call_id)


async def judge_answer(
    llm: LLM,
    question: str,
    gold: str,
    prediction: str,
    *,
    prompt: str = "judge",
    user_id: str | None = None,
    ledger: LedgerStore | None = None,
) -> Judgement:
    """Judge `prediction` against `gold`.

    `ledger` is the store the call's ledger row goes to (see `LLM.acomplete`).

    Raises:
        ExtractionError: the verdict did not parse, also after one repair retry.
        ModelCallError: the call failed.
    """
    chosen = get_prompt(prompt)
    messages = chosen.render(
        question=render_block("question", question),
        gold=render_block("gold", gold),
        prediction=render_block("prediction", prediction),
    )
    parsed = await complete_parsed(
        llm,
        messages,
        lambda c: parse_model(_Verdict, c.text, what='the {"correct": ...} object'),
        purpose=chosen.purpose,
        prompt=chosen,
        response_format=verdict_response_format(),
        user_id=user_id,
        ledger=ledger,
    )
    verdict = parsed.value
    score = verdict.score if verdict.score is not None else float(verdict.correct)
    return Judgement(
        verdict.correct,
        min(max(score, 0.0), 1.0),
        parsed.usage,
        parsed.call_id,
        chosen.label,
        llm.model,
    )
