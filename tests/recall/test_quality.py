"""Recall quality on a small hand-labeled set: query-aware strategies must beat `last_n`."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from memlab import Memory
from memlab.schema import UserMemory

DATA = Path(__file__).parent / "data" / "quality.json"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def recall_at_5(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Mean over questions of |relevant ∩ top 5| / |relevant|, per strategy."""
    data = json.loads(DATA.read_text())
    memory = Memory(tmp_path_factory.mktemp("quality") / "q.duckdb", user_id="maya", model=None)
    ids = memory.add_user_memories(
        [
            UserMemory(
                memory=text, created_at=T0 + timedelta(days=i), updated_at=T0 + timedelta(days=i)
            )
            for i, text in enumerate(data["memories"])
        ]
    )
    options = {"recency": {"now": T0 + timedelta(days=60), "half_life_days": 365}}
    scores: dict[str, float] = {}
    for strategy in ["last_n", "first_n", "bm25", "semantic", "hybrid", "recency"]:
        total = 0.0
        for item in data["questions"]:
            relevant = {ids[i] for i in item["relevant"]}
            hits = memory.recall(
                item["question"], strategy=strategy, limit=5, **options.get(strategy, {})
            )
            total += len(relevant & {h.item_id for h in hits}) / len(relevant)
        scores[strategy] = total / len(data["questions"])
    memory.db.close()
    return scores


def test_the_labeled_set_is_well_formed() -> None:
    data = json.loads(DATA.read_text())
    assert len(data["memories"]) == 60
    assert len(data["questions"]) == 30
    for item in data["questions"]:
        assert item["relevant"] and all(0 <= i < 60 for i in item["relevant"])


def test_recall_at_5_figures(recall_at_5: dict[str, float]) -> None:
    # Found relevant memories out of 30 questions (a half: one of two relevant ones). These are
    # the numbers of the shipped static embedder; they change only with the model or the set.
    assert recall_at_5 == pytest.approx(
        {
            "last_n": 2.5 / 30,
            "first_n": 3.5 / 30,
            "bm25": 15.5 / 30,
            "semantic": 24.5 / 30,
            "hybrid": 26.5 / 30,
            "recency": 24.5 / 30,
        },
        rel=1e-12,
    )


def test_semantic_and_hybrid_beat_last_n(recall_at_5: dict[str, float]) -> None:
    assert recall_at_5["semantic"] > recall_at_5["last_n"] + 0.5
    assert recall_at_5["hybrid"] > recall_at_5["last_n"] + 0.5
    assert recall_at_5["hybrid"] >= recall_at_5["semantic"] >= recall_at_5["bm25"]
