"""The `recommended` strategy: documented options, and the same hits every time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.recall import describe_strategy, get_strategy
from memlab.recall.budget import context_tokens
from memlab.recall.corpus import clear_index_cache

QUESTIONS = ["What is the dog called?", "Where is the new shop?", "Who helped at the shelter?"]


def recall_all(path: Path, store: Callable[..., None]) -> list[list[tuple[str, str, list[str]]]]:
    db = DuckDbMemoryDb(path)
    store(db, verbatim=True)
    memory = Memory(db, user_id="ana", model=None)
    out = []
    for over in ("messages", "memories"):
        for question in QUESTIONS:
            hits = memory.recall(
                question, strategy="recommended", limit=20, over=over, budget_tokens=60
            )  # type: ignore[arg-type]
            assert context_tokens([h.text for h in hits]) <= 60
            out.append([(h.item_id, h.text, h.source_message_ids) for h in hits])
    db.close()
    return out


def test_recommended_gives_the_same_hits_in_fresh_stores(
    tmp_path: Path, chat_store: Callable[..., None]
) -> None:
    first = recall_all(tmp_path / "a.duckdb", chat_store)
    clear_index_cache()
    assert recall_all(tmp_path / "b.duckdb", chat_store) == first
    assert all(first)


def test_recommended_prints_its_options_and_rebuilds_from_them() -> None:
    strategy = get_strategy("recommended", budget_tokens=400)
    spec = describe_strategy(strategy)
    assert spec.name == "recommended"
    for option in ("k1", "b", "weights", "k", "session_weight", "window", "expand", "temporal"):
        assert option in spec.options
    assert spec.options["budget_tokens"] == 400
    assert describe_strategy(spec.build()) == spec


def test_recommended_options_can_be_overridden(
    db: DuckDbMemoryDb, chat_store: Callable[..., None]
) -> None:
    chat_store(db)
    memory = Memory(db, user_id="ana", model=None)
    hits = memory.recall("Biscuit", strategy="recommended", window=0, limit=1, over="messages")
    assert len(hits[0].source_message_ids) == 1


def test_the_lab_takes_the_new_options_through_strategy_options() -> None:
    from memlab.lab.running.experiment import RecallSpec

    spec = RecallSpec(
        strategy="recommended",
        over="messages",
        k=500,
        options={"budget_tokens": 400, "window": 1, "temporal": True, "expand": ["speaker"]},
    )
    strategy = get_strategy(spec.strategy, **spec.strategy_options())
    assert describe_strategy(strategy).options["budget_tokens"] == 400
