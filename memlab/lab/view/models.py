"""The viewer's data: one JSON document the page reads, declared as pydantic models.

The page (plain HTML and JavaScript) renders everything from this document, so the served
page and the self-contained HTML file are the same bytes. Scores that are undefined (NaN)
are serialized as null, never as 0.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "VIEW_FORMAT_VERSION",
    "Design",
    "Event",
    "Interval",
    "Item",
    "ProbeInfo",
    "ProbeResult",
    "Timeline",
    "TurnInfo",
    "ViewData",
]

VIEW_FORMAT_VERSION = 2  # 2: index + conversation chunks; pareto_scores


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="null")


class Interval(_Model):
    """One score of one design: mean over scored probes and its 95% interval."""

    mean: float | None
    """The mean; null when no probe has a defined score."""
    lo: float | None
    """Lower end of the 95% bootstrap interval."""
    hi: float | None
    """Upper end of the 95% bootstrap interval."""
    n: int
    """How many probes were scored."""


class Design(_Model):
    """One row of the leaderboard (a variant of the experiment)."""

    variant_id: str
    """The variant's stable id."""
    label: str
    """The variant's label, as tables print it."""
    ingest_id: str
    """The ingest variant it recalls from (its memory state)."""
    scores: dict[str, Interval]
    """Each score with values, by name."""
    n_probes: int
    """Probe rows of the variant (repeats included)."""
    n_errors: int
    """Rows whose status is not `ok` (never scored)."""
    tokens_per_probe: float | None
    """Ingest + recall + answer tokens per probe (see `summarize`)."""
    context_tokens_per_probe: float | None
    """Tokens of recalled context the answerer read per probe."""
    pareto: bool
    """On the Pareto frontier of `tokens_per_probe` against the leaderboard's score."""
    pareto_scores: list[str] = Field(default_factory=list)
    """The scores on whose Pareto frontier of `tokens_per_probe` it lies (each in its own
    direction: lower is better for `stale_in_context`)."""


class TurnInfo(_Model):
    """One dataset turn, as evidence and provenance cite it."""

    speaker: str
    """Who spoke."""
    text: str
    """What was said."""
    session: str
    """The session id."""
    date: str | None
    """When the session or turn happened (ISO 8601), when known."""


class ProbeInfo(_Model):
    """A question of the dataset, with its gold answers and evidence."""

    conversation_id: str
    """The conversation it is asked about."""
    probe_id: str
    """Its id within the conversation."""
    question: str
    """The question; empty when the dataset could not be loaded."""
    answers: list[str]
    """Gold answers."""
    evidence: list[str]
    """Turn ids that hold the answer."""
    category: str | None
    """The probe's category."""
    abstention: bool
    """True when the right answer is that the conversation does not say."""


class Item(_Model):
    """A memory (or message, or summary) some design recalled; results cite it by position."""

    id: str
    """The memory (or message, or summary) id."""
    text: str | None
    """Its text, when the store still has it."""
    turn_ids: list[str]
    """The dataset turns it came from."""


class ProbeResult(_Model):
    """What one design did on one probe (one repeat)."""

    variant_id: str
    """The design."""
    conversation_id: str
    """The conversation."""
    probe_id: str
    """The probe."""
    repeat: int
    """The repeat (0 for the first)."""
    status: str
    """`ok` or `error`."""
    error: str | None
    """The error, for `status == "error"`."""
    scores: dict[str, float | None]
    """Every score (null where undefined)."""
    recalled: list[int]
    """What recall returned, in rank order: positions in `ViewData.items`."""
    recalled_turn_ids: list[str] | None
    """The dataset turns the recalled items came from, as the evidence scores read them;
    null when they are the items' turns in order (left out to keep the page small)."""
    context: str | None
    """The context the answerer read; null when it is the items' texts, one per line."""
    context_tokens: int | None
    """Its size in cl100k tokens."""
    answer: str | None
    """The answer, when an answer stage ran."""
    judge_model: str | None
    """The judge's model, when a judge ran."""


class Event(_Model):
    """One add/update/delete of a memory, from `memory_events`."""

    seq: int
    """Order of the event in the store."""
    memory_id: str | None
    """The memory it touched."""
    op: str
    """`add`, `update` or `delete`."""
    status: str
    """`applied` or `rejected`."""
    before: str | None
    """The memory's text before."""
    after: str | None
    """The memory's text after."""
    turn_ids: list[str]
    """The dataset turns the event cites."""
    session: str | None
    """The session of its latest cited turn."""


class Timeline(_Model):
    """The memory events of one namespace (an ingest variant's principal in a conversation)."""

    conversation_id: str
    """The conversation."""
    ingest_id: str
    """The ingest variant."""
    principal: str
    """The namespace's last part: a principal's name, or `all`."""
    events: list[Event]
    """Its events in store order."""


class ViewData(_Model):
    """Everything the viewer page shows about one experiment."""

    format_version: int = VIEW_FORMAT_VERSION
    """Version of this document's shape."""
    experiment_id: str
    """The experiment."""
    name: str
    """The experiment's name."""
    baseline_only: bool
    """Every model call went to the offline baseline (not an LLM)."""
    dataset: str
    """The dataset's name (and a note when it could not be loaded)."""
    score: str
    """The score the leaderboard ranks by and the Pareto set uses."""
    scores: list[str]
    """Every score with values, in registry order."""
    designs: list[Design]
    """The leaderboard rows, in config order."""
    probes: list[ProbeInfo]
    """The dataset's probes that were replayed."""
    turns: dict[str, dict[str, TurnInfo]] = Field(default_factory=dict)
    """Turns by conversation id, then turn id."""
    items: list[Item] = Field(default_factory=list)
    """Every recalled item once (results cite them by position, which keeps the page small)."""
    results: list[ProbeResult]
    """Every (design, probe, repeat) row."""
    timelines: list[Timeline] = Field(default_factory=list)
    """Memory histories, by namespace."""
    notes: list[str] = Field(default_factory=list)
    """Warnings the page shows on top (baseline model, dataset not found)."""
