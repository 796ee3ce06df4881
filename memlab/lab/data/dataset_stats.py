"""Counts that describe a dataset: what `memlab datasets stats` prints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from memlab.lab.data.dataset import Dataset, Problem

__all__ = ["DatasetStats", "Spread", "dataset_stats"]


class Spread(BaseModel):
    """How a count is spread over conversations (or turns): mean, smallest, median, largest."""

    mean: float
    """The average."""
    min: float
    """The smallest value."""
    median: float
    """The middle value (the mean of the two middle ones for an even count)."""
    max: float
    """The largest value."""

    @classmethod
    def of(cls, values: list[int]) -> Spread:
        """The spread of `values`; all zeros when there are none."""
        if not values:
            return cls(mean=0.0, min=0.0, median=0.0, max=0.0)
        ordered = sorted(values)
        half = len(ordered) // 2
        median = ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2
        return cls(
            mean=round(sum(ordered) / len(ordered), 2),
            min=ordered[0],
            median=median,
            max=ordered[-1],
        )


class DatasetStats(BaseModel):
    """How much a dataset holds, and what was wrong with its file."""

    name: str
    """The dataset's name."""
    conversations: int
    """Conversations kept."""
    sessions: int
    """Sessions over all conversations."""
    turns: int
    """Turns over all conversations."""
    probes: int
    """Probes over all conversations."""
    categories: dict[str, int] = Field(default_factory=dict)
    """Probes per category name, most frequent first."""
    abstention: int = 0
    """Probes whose honest answer is that the conversation never said."""
    splits: dict[str, int] = Field(default_factory=dict)
    """Conversations per split (`-` for none)."""
    sessions_per_conversation: Spread | None = None
    """Sessions per conversation; None when there are no conversations."""
    turns_per_conversation: Spread | None = None
    """Turns per conversation; None when there are no conversations."""
    words_per_turn: Spread | None = None
    """Words (split on white space) per turn's text; None when there are no turns."""
    principals_per_conversation: dict[str, int] = Field(default_factory=dict)
    """Conversations by how many principals they have (`"1"`, `"2"`...): one person with an
    assistant, or two people who both have memories."""
    problems: list[Problem] = Field(default_factory=list)
    """What loading found wrong (and skipped, when loading was lenient)."""


def dataset_stats(dataset: Dataset) -> DatasetStats:
    """Count the conversations, sessions, turns and probes of `dataset`, by category."""
    categories: dict[str, int] = {}
    for conversation in dataset.conversations:
        for probe in conversation.probes:
            categories[probe.category] = categories.get(probe.category, 0) + 1
    ordered = dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])))
    convs = dataset.conversations
    words = [len(t.text.split()) for c in convs for _, t in c.turns()]
    principals: dict[str, int] = {}
    for c in convs:
        key = str(sum(p.principal for p in c.participants))
        principals[key] = principals.get(key, 0) + 1
    return DatasetStats(
        name=dataset.name,
        conversations=len(dataset.conversations),
        sessions=sum(len(c.sessions) for c in dataset.conversations),
        turns=sum(c.turn_count() for c in dataset.conversations),
        probes=dataset.probe_count(),
        categories=ordered,
        abstention=sum(p.abstention for c in dataset.conversations for p in c.probes),
        splits=dataset.splits(),
        problems=list(dataset.problems),
        sessions_per_conversation=Spread.of([len(c.sessions) for c in convs]) if convs else None,
        turns_per_conversation=Spread.of([c.turn_count() for c in convs]) if convs else None,
        words_per_turn=Spread.of(words) if words else None,
        principals_per_conversation=dict(sorted(principals.items())),
    )
