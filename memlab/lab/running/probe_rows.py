"""The probe row: one (variant, probe, repeat) of a replay, with one column per built-in score.

Scores are columns, one DOUBLE per scorer memlab registers (`SCORE_COLUMNS`). NULL means no
value: the scorer is undefined for the probe (evidence recall of an abstention probe), the
experiment did not ask for it, or the row errored. `scorers` lists the scorers computed for
the row, so SQL can tell "undefined" (listed, NULL) from "not computed" (not listed); neither
reads as 0. Scorers a user registers have no column: their values are in `extra_scores`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Annotated, Protocol

from memlab.errors import ModelCallError
from memlab.lab.data.dataset import Probe
from memlab.lab.running.columns import LabRow
from memlab.lab.running.rows import Status
from memlab.recall.base import RecallHit

__all__ = ["SCORE_COLUMNS", "ProbeKey", "ProbeOutcome", "ProbeRow", "RecallLike", "ScoreColumn"]


class ScoreColumn:
    """Marks a `ProbeRow` field as the column of the registered scorer of the same name."""


Score = Annotated[float | None, ScoreColumn]


class RecallLike(Protocol):
    """What a probe row reads of one recall (`memlab.lab.running.probes.Recalled`)."""

    @property
    def hits(self) -> Sequence[RecallHit]:
        """The recalled items, in rank order."""
        ...

    @property
    def context(self) -> str:
        """The context text given to the answerer."""
        ...

    @property
    def context_tokens(self) -> int:
        """Tokens of `context`."""
        ...

    @property
    def turn_ids(self) -> tuple[str, ...]:
        """Dataset turn ids the recalled items cite."""
        ...

    @property
    def recall_ms(self) -> float:
        """Wall time of the recall, in milliseconds."""
        ...


@dataclass(frozen=True)
class ProbeKey:
    """Which probe row: its ids, and the probe's own facts each of its rows repeats.

    Attributes:
        experiment_id: The experiment.
        unit_id: The unit replaying the memory state.
        variant_id: The (ingest, recall) variant.
        conversation_id: The probe's conversation.
        probe_id: The probe's id in the dataset.
        repeat: The repeat of the answer and judge stages.
        category: The probe's category name.
        category_id: The category's id in the source benchmark.
        asked_after: The session after which the probe is asked.
        probe_index: The probe's position in its conversation.
        abstention: Whether the right answer declines.
    """

    experiment_id: str
    unit_id: str
    variant_id: str
    conversation_id: str
    probe_id: str
    repeat: int
    category: str | None
    category_id: str | None
    asked_after: str | None
    probe_index: int
    abstention: bool

    @classmethod
    def of(
        cls,
        probe: Probe,
        *,
        experiment_id: str,
        unit_id: str,
        variant_id: str,
        conversation_id: str,
        repeat: int,
        probe_index: int,
    ) -> ProbeKey:
        """The key of `probe`'s row under `variant_id` in `repeat`."""
        return cls(
            experiment_id=experiment_id,
            unit_id=unit_id,
            variant_id=variant_id,
            conversation_id=conversation_id,
            probe_id=probe.id,
            repeat=repeat,
            category=probe.category,
            category_id=probe.category_id,
            asked_after=probe.asked_after,
            probe_index=probe_index,
            abstention=probe.abstention,
        )


@dataclass(frozen=True)
class ProbeOutcome:
    """The answer and judge stages of one row and its scores (`probes.answer_and_judge`).

    Attributes:
        status: `ok`, or `error` when a model call failed (then `scores` is empty).
        error: The failed call's error text.
        error_call_id: Ledger id of the failed call.
        answer: The answer stage's text; None without an answer stage.
        answer_call_id: Ledger id of the answer call.
        answer_ms: Wall time of the answer stage.
        judge_call_id: Ledger id of the judge call.
        judge_model: The judge's model.
        judge_prompt: The judge prompt's name and version.
        judge_ms: Wall time of the judge stage.
        scores: Every scorer computed for the row; None (or NaN) where undefined.
    """

    status: Status = "ok"
    error: str | None = None
    error_call_id: str | None = None
    answer: str | None = None
    answer_call_id: str | None = None
    answer_ms: float | None = None
    judge_call_id: str | None = None
    judge_model: str | None = None
    judge_prompt: str | None = None
    judge_ms: float | None = None
    scores: Mapping[str, float | None] = field(default_factory=dict)

    def failed(self, exc: ModelCallError) -> ProbeOutcome:
        """This outcome, errored by `exc`: what earlier stages produced stays, no score."""
        return replace(self, status="error", error=str(exc), error_call_id=exc.call_id, scores={})


class ProbeRow(LabRow):
    """One (variant, probe, repeat) of a replay (`lab_probe_results`)."""

    TABLE = "lab_probe_results"
    PRIMARY_KEY = ("experiment_id", "variant_id", "conversation_id", "probe_id", "repeat")

    experiment_id: str
    """The experiment."""
    unit_id: str
    """The unit that replayed the row's memory state."""
    variant_id: str
    """The (ingest, recall) variant."""
    conversation_id: str
    """The probe's conversation."""
    probe_id: str
    """The probe's id in the dataset."""
    repeat: int
    """The repeat of the answer and judge stages (0 for the first)."""
    category: str | None
    """The probe's category name."""
    abstention: bool
    """True when the conversation does not hold the answer (the right answer declines)."""
    status: Status
    """`ok`, or `error` when a model call of the row (or of its unit's ingest) failed."""
    error: str | None
    """The failed call's error text."""
    error_call_id: str | None
    """Ledger id of the failed call."""
    k: int
    """The variant's number of recalled items."""
    context_tokens: int | None
    """Tokens of the recalled context; None when the probe was never reached."""
    recalled_ids: list[str] | None
    """Ids of the recalled items (memories, summaries or messages), in rank order."""
    recalled_turn_ids: list[str] | None
    """Dataset turn ids the recalled items cite (provenance)."""
    context: str | None
    """The recalled context given to the answerer."""
    answer: str | None
    """The answer stage's text; None without an answer stage."""
    answer_call_id: str | None
    """Ledger id of the answer call (its tokens and cost are in `llm_calls`)."""
    judge_call_id: str | None
    """Ledger id of the judge call."""
    judge_model: str | None
    """The judge's model."""
    judge_prompt: str | None
    """The judge prompt's name and version."""
    recall_ms: float | None
    """Wall time of the recall, in milliseconds."""
    answer_ms: float | None
    """Wall time of the answer stage, in milliseconds."""
    judge_ms: float | None
    """Wall time of the judge stage, in milliseconds."""
    category_id: str | None
    """The category's id in the source benchmark (LoCoMo's 1-5), when it has one."""
    asked_after: str | None
    """The session after which the probe is asked; None for after the last one."""
    probe_index: int | None
    """The probe's position in its conversation (the frames' row order)."""
    evidence_recall_any: Score
    """Score `evidence_recall_any` (definitions: `SCORERS`); NULL when undefined or not computed."""
    evidence_recall_all: Score
    """Score `evidence_recall_all`; NULL when undefined or not computed."""
    answer_in_context: Score
    """Score `answer_in_context`; NULL when undefined or not computed."""
    stale_in_context: Score
    """Score `stale_in_context` (lower is better); NULL when undefined or not computed."""
    exact_match: Score
    """Score `exact_match`; NULL when undefined or not computed."""
    token_f1: Score
    """Score `token_f1` (LoCoMo's QA score); NULL when undefined or not computed."""
    judge: Score
    """Score `judge` (the judge's verdict as 1.0 / 0.0); NULL when undefined or not computed."""
    scorers: list[str]
    """The scorers computed for the row, sorted; empty on error rows."""
    extra_scores: dict[str, float | None]
    """Scores of scorers registered outside memlab (no column of their own); None: undefined."""

    @classmethod
    def of(cls, key: ProbeKey, *, k: int, recalled: RecallLike, outcome: ProbeOutcome) -> ProbeRow:
        """The row of a probe that was recalled for, and maybe answered, judged and scored."""
        scores = {name: _value(v) for name, v in outcome.scores.items()}
        return cls.model_validate(
            {
                **_key_fields(key),
                "k": k,
                "context_tokens": recalled.context_tokens,
                "recalled_ids": [h.item_id for h in recalled.hits],
                "recalled_turn_ids": list(recalled.turn_ids),
                "context": recalled.context,
                "recall_ms": recalled.recall_ms,
                "status": outcome.status,
                "error": outcome.error,
                "error_call_id": outcome.error_call_id,
                "answer": outcome.answer,
                "answer_call_id": outcome.answer_call_id,
                "answer_ms": outcome.answer_ms,
                "judge_call_id": outcome.judge_call_id,
                "judge_model": outcome.judge_model,
                "judge_prompt": outcome.judge_prompt,
                "judge_ms": outcome.judge_ms,
                **{name: scores.get(name) for name in SCORE_COLUMNS},
                "scorers": sorted(scores),
                "extra_scores": {n: v for n, v in scores.items() if n not in SCORE_COLUMNS},
            }
        )

    @classmethod
    def failed(cls, key: ProbeKey, *, k: int, error: str, error_call_id: str | None) -> ProbeRow:
        """The row of a probe never reached (its unit's ingest failed): an error, no score."""
        return cls.model_validate(
            {
                **dict.fromkeys(cls.model_fields),  # no recall, stage or score: all NULL
                **_key_fields(key),
                "k": k,
                "status": "error",
                "error": error,
                "error_call_id": error_call_id,
                "scorers": [],
                "extra_scores": {},
            }
        )


SCORE_COLUMNS: tuple[str, ...] = tuple(
    name for name, f in ProbeRow.model_fields.items() if ScoreColumn in f.metadata
)
"""The score columns of `lab_probe_results`: memlab's own scorers, in registry order."""


def _key_fields(key: ProbeKey) -> dict[str, object]:
    return asdict(key)


def _value(value: float | None) -> float | None:
    # Undefined is NULL, whether the scorer said None or NaN: never a number that reads as 0.
    if value is None or math.isnan(value):
        return None
    return float(value)
