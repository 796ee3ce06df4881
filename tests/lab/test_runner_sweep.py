"""A k sweep is served by one search: each k's top k equals a search with limit=k."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memlab import Memory
from memlab.lab.running.probes import interleave, split_k, top_k
from memlab.recall.base import get_strategy
from memlab.schema import UserMemory

FACTS = [
    "Ana lives in Porto", "Ana works as a nurse", "Ana has a dog called Bolt",
    "Ana plays tennis on weekends", "Ana's sister is called Poppy", "Ana grew up in Oxford",
    "Ana moved to Lisbon", "Ana likes sushi", "Ana is learning the guitar",
    "Ana's dog Bolt likes the beach", "Ana visited Kyoto", "Ana works night shifts",
]  # fmt: skip


@pytest.mark.parametrize("strategy", ["bm25", "last_n", "semantic", "hybrid", "recency"])
@pytest.mark.parametrize("over", ["memories", "messages"])
def test_top_k_of_the_largest_search_equals_each_search(strategy: str, over: str) -> None:
    memory = Memory(model=None)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    memory.add_user_memories(
        [
            UserMemory(
                memory=f, created_at=t0 + timedelta(days=i), updated_at=t0 + timedelta(days=i)
            )
            for i, f in enumerate(FACTS)
        ],
        user_id="u",
    )
    memory.add_run(
        "s1",
        [{"role": "user", "content": f, "id": f"m{i}"} for i, f in enumerate(FACTS)],
        user_id="u",
    )
    chosen = get_strategy(strategy)
    for query in ("Where does Ana live?", "What is the dog called?", "hobby"):
        widest = chosen.search(memory.db, user_id="u", query=query, limit=10, over=over)
        for k in (1, 3, 5, 10):
            alone = chosen.search(memory.db, user_id="u", query=query, limit=k, over=over)
            assert [h.item_id for h in top_k(widest, k)] == [h.item_id for h in alone], (query, k)


def test_split_k_is_even_and_monotone() -> None:
    assert split_k(5, 2) == [3, 2]
    assert split_k(1, 2) == [1, 0]
    for n in (1, 2, 3):
        for k in range(1, 12):
            assert sum(split_k(k, n)) == k
            assert all(a <= b for a, b in zip(split_k(k, n), split_k(k + 1, n), strict=True))


def test_interleave_takes_ranks_in_turn_without_repeats() -> None:
    memory = Memory(model=None)
    ids = memory.add_user_memories(["a fact", "b fact", "c fact"], user_id="u")
    hits = get_strategy("last_n").search(memory.db, user_id="u", query=None, limit=3)
    by_id = {h.item_id: h for h in hits}
    a, b, c = (by_id[i] for i in ids)
    assert [h.item_id for h in interleave([[a, b], [c, a]], 5)] == [a.item_id, c.item_id, b.item_id]
