"""Pinned, named scores of one probe: evidence recall, answer in context, LoCoMo's token F1, judge.

Every scorer is registered by name (`SCORERS`, `register_scorer`) so an experiment config and
the results frames can refer to it by a string, and carries `definition`, the exact paragraph
`memlab report` prints, so a published number says precisely what it measures.

A scorer returns None when it is undefined for the probe (evidence recall of an abstention
probe, an answer score when no answer stage ran); `score_all` turns that into NaN, which the
analysis excludes from means instead of counting it as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from memlab.errors import ConfigError
from memlab.lab.analysis.qa_score import (
    contains_any,
    is_abstention_answer,
    locomo_category,
    normalize_locomo,
    normalize_text,
    token_f1_locomo,
)
from memlab.lab.data.dataset import Probe
from memlab.registry import Registry

__all__ = [
    "SCORERS",
    "ScoreInput",
    "Scorer",
    "get_scorer",
    "is_abstention_answer",
    "normalize_locomo",
    "normalize_text",
    "register_scorer",
    "score_all",
    "token_f1_locomo",
]

Needs = Literal["recall", "answer", "judge"]


@dataclass(frozen=True)
class ScoreInput:
    """What a scorer sees of one probe's evaluation.

    Attributes:
        probe: The probe with its accepted answers, evidence and category.
        recalled_turn_ids: Dataset turn ids the recalled items cite (provenance), in rank order.
        provenance: False when items were recalled but none says where it came from (a custom
            memory system without provenance): evidence scores are then undefined, not 0.
        context: The recalled context text given to the answerer.
        answer: The answer stage's text; None when no answer stage ran.
        judge_correct: The judge stage's verdict; None when no judge stage ran.
    """

    probe: Probe
    recalled_turn_ids: tuple[str, ...]
    context: str
    provenance: bool = True
    answer: str | None = None
    judge_correct: bool | None = None


class Scorer(Protocol):
    """A named score of one probe; None (or NaN) means undefined for that probe."""

    @property
    def name(self) -> str:
        """The registry name, e.g. `evidence_recall_any`."""
        ...

    @property
    def definition(self) -> str:
        """The exact definition, one paragraph (printed in report.md)."""
        ...

    @property
    def needs(self) -> Needs:
        """The last stage the score reads: `recall`, `answer` or `judge`."""
        ...

    def __call__(self, x: ScoreInput) -> float | None:
        """Score one probe."""
        ...


@dataclass(frozen=True)
class FunctionScorer:
    """A scorer made from a plain function by `register_scorer`.

    Attributes:
        name: The registry name.
        definition: The exact definition (the function's docstring unless given).
        needs: The last stage the score reads.
        fn: The function computing the score.
    """

    name: str
    definition: str
    needs: Needs
    fn: Callable[[ScoreInput], float | None]

    def __call__(self, x: ScoreInput) -> float | None:
        """Score one probe."""
        return self.fn(x)


SCORERS: Registry[Scorer] = Registry(
    "scorer", hint="register one with @memlab.lab.analysis.scorers.register_scorer(name, needs=...)"
)
"""Every registered scorer by name, in registration order."""


def register_scorer(
    name: str, *, needs: Needs, definition: str | None = None
) -> Callable[[Callable[[ScoreInput], float | None]], Callable[[ScoreInput], float | None]]:
    """Register the decorated function as the scorer `name`.

    Args:
        name: The registry name (also the column name in the results frames).
        needs: The last stage the score reads; `score_all` returns NaN when it did not run.
        definition: The exact definition; defaults to the function's docstring, on one line.

    Returns:
        A decorator that registers the function and returns it unchanged.
    """

    def decorate(fn: Callable[[ScoreInput], float | None]) -> Callable[[ScoreInput], float | None]:
        text = definition if definition is not None else (fn.__doc__ or "")
        if not text.strip():
            raise ConfigError(f"scorer {name!r} has no definition: give one or a docstring")
        SCORERS.add(name, FunctionScorer(name, " ".join(text.split()), needs, fn))
        return fn

    return decorate


def get_scorer(name: str) -> Scorer:
    """The registered scorer `name`.

    Raises:
        ConfigError: no scorer has that name; the message lists the known ones.
    """
    return SCORERS.get(name)


def score_all(x: ScoreInput, names: Sequence[str] | None = None) -> dict[str, float]:
    """Every named score of one probe, NaN where undefined or where its stage did not run.

    Args:
        x: The probe's evaluation.
        names: Scorer names; None means every registered scorer.

    Returns:
        Score by name, as floats (NaN for undefined).
    """
    out: dict[str, float] = {}
    for name in names if names is not None else list(SCORERS):
        scorer = get_scorer(name)
        skipped = (scorer.needs == "answer" and x.answer is None) or (
            scorer.needs == "judge" and x.judge_correct is None
        )
        value = None if skipped else scorer(x)
        out[name] = float("nan") if value is None else float(value)
    return out


# --- the registered scorers -------------------------------------------------------------------


def _evidence_defined(x: ScoreInput) -> bool:
    return x.provenance and not x.probe.abstention and bool(x.probe.evidence)


@register_scorer(
    "evidence_recall_any",
    needs="recall",
    definition=(
        "1.0 when the dataset turns cited by the recalled items (provenance, the variant's top "
        "k) include at least one of the probe's evidence turns, else 0.0; undefined (NaN) for "
        "abstention probes, probes without evidence, and recalls whose items cite no turn at "
        "all (a memory system without provenance)."
    ),
)
def _evidence_recall_any(x: ScoreInput) -> float | None:
    if not _evidence_defined(x):
        return None
    return float(bool(set(x.probe.evidence) & set(x.recalled_turn_ids)))


@register_scorer(
    "evidence_recall_all",
    needs="recall",
    definition=(
        "1.0 when the dataset turns cited by the recalled items (provenance, the variant's top "
        "k) include every one of the probe's evidence turns, else 0.0; undefined (NaN) for "
        "abstention probes, probes without evidence, and recalls whose items cite no turn at "
        "all (a memory system without provenance)."
    ),
)
def _evidence_recall_all(x: ScoreInput) -> float | None:
    if not _evidence_defined(x):
        return None
    return float(set(x.probe.evidence) <= set(x.recalled_turn_ids))


@register_scorer(
    "answer_in_context",
    needs="recall",
    definition=(
        "1.0 when any accepted answer, normalized (NFKC, lower-case, apostrophes dropped, other "
        "punctuation and symbols as spaces, whitespace collapsed), occurs as whole words in the "
        "equally normalized recalled context, else 0.0; undefined (NaN) for abstention probes "
        "and probes without accepted answers."
    ),
)
def _answer_in_context(x: ScoreInput) -> float | None:
    if x.probe.abstention or not x.probe.answers:
        return None
    return float(contains_any(x.context, x.probe.answers))


@register_scorer(
    "stale_in_context",
    needs="recall",
    definition=(
        "Knowledge-update probes only: 1.0 when any stale (no longer true) value, normalized as "
        "for answer_in_context, occurs as whole words in the recalled context, else 0.0 (lower "
        "is better); undefined (NaN) for probes without stale answers."
    ),
)
def _stale_in_context(x: ScoreInput) -> float | None:
    if not x.probe.stale_answers:
        return None
    return float(contains_any(x.context, x.probe.stale_answers))


@register_scorer(
    "exact_match",
    needs="answer",
    definition=(
        "1.0 when the answer, normalized as LoCoMo does (commas and punctuation dropped, "
        "lower-cased, a/an/the/and removed, whitespace collapsed), equals an equally normalized "
        "accepted answer, else 0.0; on abstention probes 1.0 when the answer declines "
        "(is_abstention_answer) and 0.0 when it asserts something; undefined without an answer."
    ),
)
def _exact_match(x: ScoreInput) -> float | None:
    if x.answer is None:
        return None
    if x.probe.abstention:
        return float(is_abstention_answer(x.answer))
    pred = normalize_locomo(x.answer)
    return float(any(pred == normalize_locomo(a) for a in x.probe.answers))


@register_scorer(
    "token_f1",
    needs="answer",
    definition=(
        "LoCoMo's QA score (token_f1_locomo): the best, over accepted answers, Porter-stemmed "
        "token F1 of the answer after LoCoMo's normalization, with LoCoMo's rules for the "
        "probe's category (multi-hop: comma parts; open-domain: gold cut at ';'; adversarial: "
        '1.0 when the answer says "not mentioned" or "no information available"); other '
        "abstention probes score 1.0 when the answer declines (is_abstention_answer), else 0.0; "
        "undefined without an answer."
    ),
)
def _token_f1(x: ScoreInput) -> float | None:
    if x.answer is None:
        return None
    # A probe's category is a name; one LoCoMo does not know gets the plain token F1 rule.
    category = locomo_category(x.probe.category, strict=False)
    if category == 5:
        return token_f1_locomo(x.answer, "", category=5)
    if x.probe.abstention:
        return float(is_abstention_answer(x.answer))
    if not x.probe.answers:
        return None
    return max(token_f1_locomo(x.answer, a, category=category) for a in x.probe.answers)


@register_scorer(
    "judge",
    needs="judge",
    definition=(
        "The judge stage's verdict: 1.0 when the judge model (model and prompt version recorded "
        "per row; with memlab/offline the rule judge, a baseline) accepts the answer, else 0.0; "
        "undefined when no judge stage ran."
    ),
)
def _judge(x: ScoreInput) -> float | None:
    if x.judge_correct is None:
        return None
    return float(x.judge_correct)
