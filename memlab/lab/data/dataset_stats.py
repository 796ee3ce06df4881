"""Counts that describe a dataset: what `memlab datasets stats` prints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from memlab.lab.data.dataset import Dataset, Problem

__all__ = ["DatasetStats", "dataset_stats"]


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
    problems: list[Problem] = Field(default_factory=list)
    """What loading found wrong (and skipped, when loading was lenient)."""


def dataset_stats(dataset: Dataset) -> DatasetStats:
    """Count the conversations, sessions, turns and probes of `dataset`, by category."""
    categories: dict[str, int] = {}
    for conversation in dataset.conversations:
        for probe in conversation.probes:
            categories[probe.category] = categories.get(probe.category, 0) + 1
    ordered = dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])))
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
    )
