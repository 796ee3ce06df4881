"""Token budgets and neighbour windows: budgets never exceeded, windows merged with provenance."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.recall import get_strategy
from memlab.recall.base import RecallHit
from memlab.recall.budget import context_tokens, take_within_budget


@pytest.fixture
def chat(db: DuckDbMemoryDb, chat_store: Callable[..., None]) -> Memory:
    chat_store(db)
    return Memory(db, user_id="ana", model=None)


STRATEGIES = [
    pytest.param("last_n", {}, id="last_n"),
    pytest.param("first_n", {}, id="first_n"),
    pytest.param("bm25", {}, id="bm25"),
    pytest.param("semantic", {}, id="semantic"),
    pytest.param("hybrid", {}, id="hybrid"),
    pytest.param("recency", {"now": "2024-06-01"}, id="recency"),
    pytest.param("recommended", {}, id="recommended"),
    pytest.param("bm25", {"window": 2, "session_weight": 1.0}, id="bm25-window-session"),
]


@pytest.mark.parametrize("name, options", STRATEGIES)
@pytest.mark.parametrize("budget", [1, 5, 12, 30, 60, 1000])
@pytest.mark.parametrize("over", ["messages", "memories"])
def test_budgets_are_never_exceeded(
    db: DuckDbMemoryDb,
    chat_store: Callable[..., None],
    name: str,
    options: dict[str, object],
    budget: int,
    over: str,
) -> None:
    chat_store(db, verbatim=True)
    memory = Memory(db, user_id="ana", model=None)
    for question in ["What is the dog called?", "Where is the new shop?", "sister shelter"]:
        hits = memory.recall(
            question, strategy=name, limit=50, over=over, budget_tokens=budget, **options
        )  # type: ignore[arg-type]
        assert context_tokens([h.text for h in hits]) <= budget
        if budget == 1000:
            assert hits  # a large budget leaves the strategy's own choice


def test_budget_takes_items_in_rank_order_while_they_fit(chat: Memory) -> None:
    everything = chat.recall(
        "dog Biscuit shelter sister", strategy="bm25", limit=10, over="messages"
    )
    first = context_tokens([everything[0].text])
    within = chat.recall(
        "dog Biscuit shelter sister",
        strategy="bm25",
        limit=10,
        over="messages",
        budget_tokens=first,
    )
    assert [h.item_id for h in within] == [everything[0].item_id]


def test_budget_skips_an_item_too_long_and_takes_the_next() -> None:
    def hit(i: str, text: str, score: float) -> RecallHit:
        return RecallHit(kind="message", item_id=i, text=text, score=score, source_message_ids=[i])

    long = hit("a", "word " * 50, 3.0)
    short = [hit("b", "short one", 2.0), hit("c", "short two", 1.0)]
    kept = take_within_budget([long, *short], 10)
    assert [h.item_id for h in kept] == ["b", "c"]
    assert context_tokens([h.text for h in kept]) <= 10


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "400"])
def test_a_bad_budget_is_a_config_error(bad: object) -> None:
    with pytest.raises(ConfigError, match="budget_tokens"):
        get_strategy("bm25", budget_tokens=bad)


def test_a_window_brings_the_neighbours_of_a_hit_in_its_session(chat: Memory) -> None:
    hits = chat.recall("Biscuit cookies", strategy="bm25", limit=1, over="messages", window=1)
    assert len(hits) == 1
    assert hits[0].source_message_ids == ["s1:t2", "s1:t3", "s1:t4"]
    assert hits[0].item_id == "s1:t3"  # the hit names the turn that matched
    assert hits[0].text.splitlines() == [
        "Congratulations! What is the name?",
        "We called him Biscuit, after the cookies.",
        "Biscuit is a lovely name.",
    ]


def test_a_window_stays_inside_its_session(chat: Memory) -> None:
    hits = chat.recall("good day", strategy="bm25", limit=1, over="messages", window=2)
    # s1:t6 is the last turn of s1: nothing of s2 joins it.
    assert hits[0].source_message_ids == ["s1:t4", "s1:t5", "s1:t6"]


def test_overlapping_windows_merge_into_one_hit_without_repeats(chat: Memory) -> None:
    hits = chat.recall("adopted dog Biscuit", strategy="bm25", limit=5, over="messages", window=1)
    ids = [m for h in hits for m in h.source_message_ids]
    assert len(ids) == len(set(ids))  # no turn twice
    # t1 (adopted dog), t3 and t4 (Biscuit) match; their windows t1-t2, t2-t4, t3-t5 overlap.
    assert [h.source_message_ids for h in hits] == [["s1:t1", "s1:t2", "s1:t3", "s1:t4", "s1:t5"]]


def test_windows_over_verbatim_memories_follow_their_turns(
    db: DuckDbMemoryDb, chat_store: Callable[..., None]
) -> None:
    chat_store(db, verbatim=True)
    memory = Memory(db, user_id="ana", model=None)
    hits = memory.recall("Porto river", strategy="bm25", limit=1, over="memories", window=1)
    assert hits[0].kind == "memory"
    assert hits[0].source_message_ids == ["s2:t2", "s2:t3", "s2:t4"]
    assert (
        hits[0].memory is not None
        and hits[0].memory.memory == "Ana: It is in Porto, near the river."
    )
    # search_user_memories returns the stored memories, never the window text.
    found = memory.search_user_memories("Porto river", retrieval_method="bm25", window=1, limit=1)
    assert [m.memory for m in found] == ["Ana: It is in Porto, near the river."]


def test_a_window_that_does_not_fit_is_cut_to_its_hit(chat: Memory) -> None:
    alone = chat.recall("Biscuit cookies", strategy="bm25", limit=1, over="messages")
    budget = context_tokens([alone[0].text]) + 2
    hits = chat.recall(
        "Biscuit cookies", strategy="bm25", limit=1, over="messages", window=1, budget_tokens=budget
    )
    assert [h.source_message_ids for h in hits] == [["s1:t3"]]


def test_session_weight_prefers_the_session_the_question_is_about(chat: Memory) -> None:
    question = "What did Lena do at the shelter with the dog?"
    plain = chat.recall(question, strategy="bm25", limit=10, over="messages")
    boosted = chat.recall(question, strategy="bm25", limit=10, over="messages", session_weight=1.0)
    assert {h.item_id for h in plain} < {h.item_id for h in boosted}
    assert all(h.item_id.startswith("s1:") for h in boosted)  # the whole day, nothing of s2
