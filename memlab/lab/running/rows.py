"""The rows of the lab's experiment, variant, unit and judge-control tables.

Each model is the one declaration of its table (see `memlab.lab.running.columns`); the probe
rows, which carry the scores, are in `memlab.lab.running.probe_rows`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Literal

from memlab.errors import ModelCallError
from memlab.lab.running.columns import BigInt, LabRow

__all__ = [
    "ControlRow",
    "ControlVerdict",
    "ExperimentRow",
    "Status",
    "UnitRow",
    "VariantRow",
]

Status = Literal["ok", "error"]
"""A row's outcome: `error` rows carry the error and are never scored."""


class ExperimentRow(LabRow):
    """One experiment recorded in the file (`lab_experiments`)."""

    TABLE = "lab_experiments"
    PRIMARY_KEY = ("experiment_id",)

    experiment_id: str
    """Stable id of the experiment: its name, dataset and grid (`Experiment.experiment_id`)."""
    name: str
    """The experiment's name from its config."""
    config_json: str
    """The experiment's configuration, canonical JSON (what `Results.config()` returns)."""
    provenance_json: str
    """Dataset hash and counts, memlab version, prompts, models, category map, seed, as JSON."""
    created_at: datetime
    """When the experiment was first recorded in this file (naive UTC)."""


class VariantRow(LabRow):
    """One cell of the experiment's grid: an ingest variant with a recall setting."""

    TABLE = "lab_variants"
    PRIMARY_KEY = ("experiment_id", "variant_id")

    experiment_id: str
    """The experiment the variant belongs to."""
    variant_id: str
    """Stable id of the (ingest, recall) cell."""
    ingest_id: str
    """Id of the ingest × summary variant: the units that fill its memory state."""
    recall_id: str
    """Id of the recall setting (strategy, corpus, k, budget)."""
    label: str
    """Short human label, as tables and plots show it."""
    settings_json: str
    """The variant's settings, canonical JSON (`Results.variants_df` spreads them in columns)."""


class UnitRow(LabRow):
    """One finished unit: an ingest variant replayed over one conversation (`lab_units`)."""

    TABLE = "lab_units"
    PRIMARY_KEY = ("experiment_id", "unit_id")

    experiment_id: str
    """The experiment the unit belongs to."""
    unit_id: str
    """`<ingest_id>/<conversation_id>`."""
    ingest_id: str
    """The ingest × summary variant replayed."""
    conversation_id: str
    """The conversation replayed."""
    status: Status
    """`ok`, or `error` when a model call of the ingest failed. A unit with an error here, or in
    any of its probe or control rows, is redone on resume."""
    health: str
    """`ok`, or `;`-joined warnings such as `empty_store` and `empty_recall:<label>`."""
    n_probes: int
    """Probes of the conversation."""
    n_memories: int
    """Memories stored over the unit's namespaces at the end."""
    n_summaries: int
    """Session summaries stored over the unit's namespaces at the end."""
    memory_tokens: BigInt
    """Tokens of what the memory state holds (memories and summaries; messages when the ingest
    keeps them)."""
    ingest_coverage: float | None
    """Share of the probes' evidence turns that some stored item cites; None without evidence."""
    ingest_ms: float
    """Wall time of the unit's ingest, in milliseconds."""
    finished_at: datetime
    """When the unit finished (naive UTC)."""
    error: str | None
    """The ingest's error text when `status` is `error`."""
    n_turns: int | None
    """Turns of the conversation."""
    namespaces: list[str] | None
    """The user ids the unit wrote to in the store."""


@dataclass(frozen=True)
class ControlVerdict:
    """The judge's verdict on one control answer; `ControlRow.of` adds the unit's keys."""

    probe_id: str
    """The probe the control answer was made for."""
    control: str
    """How the wrong answer was made: `other_gold` or `stale`."""
    answer: str
    """The control answer (wrong by construction)."""
    judge_model: str
    """The judge's model."""
    status: Status = "ok"
    """`ok`, or `error` when the judge call failed."""
    accepted: bool | None = None
    """True when the judge accepted the wrong answer (a false accept); None on error."""
    error: str | None = None
    """The judge call's error text."""
    judge_call_id: str | None = None
    """Ledger id of the judge call (of the failed call on error)."""
    judge_prompt: str | None = None
    """The judge prompt's name and version."""

    def failed(self, exc: ModelCallError) -> ControlVerdict:
        """This verdict, errored by `exc` (never scored)."""
        return replace(self, status="error", error=str(exc), judge_call_id=exc.call_id)


class ControlRow(LabRow):
    """The judge's verdict on an answer wrong by construction (`lab_judge_controls`)."""

    TABLE = "lab_judge_controls"

    experiment_id: str
    """The experiment."""
    unit_id: str
    """The unit that judged it."""
    conversation_id: str
    """The probe's conversation."""
    probe_id: str
    """The probe the control answer was made for."""
    repeat: int
    """The repeat of the judge stage (0 for the first)."""
    control: str
    """How the wrong answer was made: `other_gold` (another probe's gold answer) or `stale`."""
    answer: str
    """The control answer (wrong by construction)."""
    status: Status
    """`ok`, or `error` when the judge call failed."""
    accepted: bool | None
    """True when the judge accepted the wrong answer (a false accept); None on error."""
    error: str | None
    """The judge call's error text."""
    judge_call_id: str | None
    """Ledger id of the judge call (of the failed call on error)."""
    judge_model: str | None
    """The judge's model."""
    judge_prompt: str | None
    """The judge prompt's name and version."""

    @classmethod
    def of(
        cls,
        verdict: ControlVerdict,
        *,
        experiment_id: str,
        unit_id: str,
        conversation_id: str,
        repeat: int,
    ) -> ControlRow:
        """The row of `verdict`, judged by unit `unit_id` in repeat `repeat`."""
        return cls(
            experiment_id=experiment_id,
            unit_id=unit_id,
            conversation_id=conversation_id,
            repeat=repeat,
            **asdict(verdict),
        )
