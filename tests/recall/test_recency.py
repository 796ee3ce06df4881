from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import numpy as np
import pytest
from numpy.typing import NDArray

from memlab import Memory
from memlab.recall.embedders import default_embedder
from memlab.schema import UserMemory

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def dated(text: str, days_ago: float) -> UserMemory:
    when = NOW - timedelta(days=days_ago)
    return UserMemory(memory=text, created_at=when, updated_at=when)


def test_decay_is_cosine_times_half_to_the_age_over_half_life(memory: Memory) -> None:
    items = [
        ("Ana lives in Porto", 0.0),
        ("Ana lived in Lisbon", 30.0),
        ("Ana lived in Oslo", 90.0),
    ]
    memory.add_user_memories([dated(t, d) for t, d in items])
    query = "Where does Ana live?"
    vectors = default_embedder().embed([t for t, _ in items] + [query])
    cosine = vectors[:3] @ vectors[3]

    hits = memory.recall(query, strategy="recency", limit=3, half_life_days=30, now=NOW)

    expected = {t: float(c) * 0.5 ** (d / 30) for (t, d), c in zip(items, cosine, strict=True)}
    assert {h.text: h.score for h in hits} == pytest.approx(expected, rel=1e-6)
    assert [h.text for h in hits] == sorted(expected, key=expected.__getitem__, reverse=True)


def test_recency_reorders_equally_similar_items_and_no_decay_equals_semantic(
    memory: Memory,
) -> None:
    memory.add_user_memories([dated("Ana likes tea", 100.0), dated("Ana likes tea", 1.0)])
    old, new = [m.memory_id for m in memory.get_user_memories()]

    hits = memory.recall("tea", strategy="recency", limit=2, half_life_days=10, now=NOW)
    assert [h.item_id for h in hits] == [new, old]
    assert hits[1].score == pytest.approx(hits[0].score * 0.5 ** (99 / 10), rel=1e-6)

    flat = memory.recall("tea", strategy="recency", limit=2, half_life_days=1e12, now=NOW)
    plain = memory.recall("tea", strategy="semantic", limit=2)
    assert [h.score for h in flat] == pytest.approx([h.score for h in plain], rel=1e-9)


def test_future_items_do_not_grow(memory: Memory) -> None:
    memory.add_user_memories([dated("Ana likes tea", -5.0)])
    hits = memory.recall("tea", strategy="recency", limit=1, half_life_days=1, now=NOW)
    plain = memory.recall("tea", strategy="semantic", limit=1)
    assert hits[0].score == pytest.approx(plain[0].score, rel=1e-6)


class TableEmbedder:
    """Fixed 2-d vectors per text, so cosines are known exactly."""

    name = "table-2d"
    dim = 2
    table: ClassVar[dict[str, list[float]]] = {
        "north": [1.0, 0.0],
        "south": [-1.0, 0.0],
        "east": [0.0, 1.0],
    }

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return np.array([self.table[t] for t in texts], np.float32).reshape(-1, 2)


def test_a_negative_cosine_counts_as_zero(memory: Memory) -> None:
    memory.add_user_memories([dated("south", 300.0), dated("south", 0.0), dated("east", 10.0)])
    old_south, east, new_south = [m.memory_id for m in memory.get_user_memories()]

    hits = memory.recall(
        "north", strategy="recency", embedder=TableEmbedder(), limit=3, half_life_days=1, now=NOW
    )

    # Decay would lift the old "south" (-1 x 2^-300) above the new one (-1): clamping keeps
    # every unrelated item at 0, and ties go to the newer item.
    assert [(h.item_id, h.score) for h in hits] == [(new_south, 0.0), (east, 0.0), (old_south, 0.0)]


def test_naive_and_text_now_mean_utc(memory: Memory) -> None:
    memory.add_user_memories([dated("Ana likes tea", 3.0)])
    a = memory.recall("tea", strategy="recency", limit=1, now="2025-06-01T00:00:00")
    b = memory.recall("tea", strategy="recency", limit=1, now=datetime(2025, 6, 1))
    c = memory.recall("tea", strategy="recency", limit=1, now=NOW)
    assert a[0].score == b[0].score == c[0].score
