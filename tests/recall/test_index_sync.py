"""Indexes follow every write: no stale text, no deleted item, no other user's item."""

import random

import numpy as np
import pandas as pd
import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.recall import corpus, get_strategy
from memlab.recall.bm25 import Bm25Index
from memlab.recall.embedders import default_embedder
from memlab.schema import MemoryOp

RANKED = ["bm25", "semantic", "hybrid", "recency"]


def texts(
    memory: Memory, query: str, strategy: str, user_id: str = "ana", limit: int = 10
) -> list[str]:
    return [h.text for h in memory.recall(query, strategy=strategy, limit=limit, user_id=user_id)]


def assert_current(memory: Memory, strategy: str, query: str, user_id: str = "ana") -> None:
    stored = {m.memory_id: m.memory for m in memory.get_user_memories(user_id=user_id)}
    hits = memory.recall(query, strategy=strategy, limit=50, user_id=user_id)
    assert {h.item_id: h.text for h in hits}.items() <= stored.items()


@pytest.mark.parametrize("strategy", RANKED)
def test_adds_updates_and_deletes_show_at_once(memory: Memory, strategy: str) -> None:
    porto, cat = memory.add_user_memories(["Ana lives in Porto", "Ana has a cat named Miso"])
    memory.add_user_memory("Bob lives in Porto", user_id="bob")
    assert texts(memory, "Porto", strategy)[0] == "Ana lives in Porto"

    memory.replace_user_memory(porto, "Ana moved to Lisbon")
    assert "Ana lives in Porto" not in texts(memory, "Porto", strategy)
    assert texts(memory, "Lisbon", strategy)[0] == "Ana moved to Lisbon"

    memory.delete_user_memory(cat)
    assert all("Miso" not in t for t in texts(memory, "cat Miso", strategy))

    memory.add_user_memory("Ana adopted a puppy called Rex")  # buffered write-behind add
    assert texts(memory, "puppy Rex", strategy)[0] == "Ana adopted a puppy called Rex"
    assert_current(memory, strategy, "Porto")
    assert all("Bob" not in t for t in texts(memory, "Bob lives in Porto", strategy))


@pytest.mark.parametrize("strategy", RANKED)
def test_ops_imports_and_clear_show_at_once(
    db: DuckDbMemoryDb, memory: Memory, strategy: str
) -> None:
    first = memory.add_user_memories(["Ana plays chess", "Ana drinks green tea"])
    texts(memory, "chess", strategy)  # build the index
    db.apply_ops(
        "ana",
        [
            MemoryOp(op="update", memory_id=first[0], memory="Ana plays the cello"),
            MemoryOp(op="delete", memory_id=first[1]),
            MemoryOp(op="add", memory="Ana runs marathons"),
        ],
        cause="test",
    )
    assert texts(memory, "cello", strategy)[0] == "Ana plays the cello"
    assert "Ana drinks green tea" not in texts(memory, "green tea", strategy)
    db.import_memories_df(pd.DataFrame({"memory": ["Ana speaks Japanese"]}), user_id="ana")
    assert texts(memory, "Japanese", strategy)[0] == "Ana speaks Japanese"
    assert_current(memory, strategy, "Ana")
    memory.clear(user_id="ana")
    assert texts(memory, "Ana", strategy) == []


def test_users_never_share_an_index(memory: Memory) -> None:
    memory.add_user_memories([f"Ana fact {i} about Porto" for i in range(5)])
    memory.add_user_memories([f"Bob fact {i} about Porto" for i in range(5)], user_id="bob")
    for strategy in RANKED:
        assert all(t.startswith("Ana") for t in texts(memory, "Porto", strategy))
        assert all(t.startswith("Bob") for t in texts(memory, "Porto", strategy, user_id="bob"))


class CountingDb(DuckDbMemoryDb):
    snapshots = 0

    def corpus_snapshot(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.snapshots += 1
        return super().corpus_snapshot(*args, **kwargs)


def test_an_unchanged_user_is_not_read_again(tmp_path) -> None:
    db = CountingDb(tmp_path / "c.duckdb")
    memory = Memory(db, user_id="ana", model=None)
    memory.add_user_memories(["Ana lives in Porto", "Ana has a cat"])
    for strategy in RANKED * 2:
        memory.recall("Porto", strategy=strategy, limit=1)
    assert db.snapshots == 1
    memory.add_user_memory("Bob fact", user_id="bob")  # another user's write
    memory.recall("Porto", strategy="bm25", limit=1)
    assert db.snapshots == 1
    # Adds, edits and deletes are replayed from the store's change log: no snapshot.
    memory.add_user_memory("Ana likes tea")
    assert [h.text for h in memory.recall("tea", strategy="bm25", limit=1)] == ["Ana likes tea"]
    assert [h.text for h in memory.recall("tea", strategy="semantic", limit=1)] == ["Ana likes tea"]
    tea = memory.search_user_memories("tea", retrieval_method="bm25", limit=1)[0]
    memory.replace_user_memory(tea.memory_id or "", "Ana likes coffee")
    assert [h.text for h in memory.recall("coffee", strategy="bm25", limit=1)] == [
        "Ana likes coffee"
    ]
    assert memory.recall("tea", strategy="bm25", limit=1) == []
    memory.delete_user_memory(tea.memory_id or "")
    assert memory.recall("coffee", strategy="bm25", limit=1) == []
    assert db.snapshots == 1
    # A bulk import is not known row by row: the mirror diffs a snapshot.
    db.import_memories_df(pd.DataFrame({"memory": ["Ana likes jazz"]}), user_id="ana")
    assert [h.text for h in memory.recall("jazz", strategy="bm25", limit=1)] == ["Ana likes jazz"]
    assert db.snapshots == 2
    db.close()


def brute_force_bm25(memory: Memory, query: str, limit: int) -> list[tuple[str, float]]:
    stored = memory.get_user_memories()
    index = Bm25Index()
    index.add([m.memory for m in stored])
    scores = index.scores(query, np.ones(len(stored), bool))
    ranked = sorted(((s, i) for i, s in enumerate(scores) if s > 0), key=lambda p: (-p[0], -p[1]))[
        :limit
    ]
    return [(stored[i].memory_id or "", s) for s, i in ranked]


@pytest.mark.slow
def test_random_writes_match_a_fresh_index(memory: Memory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "_COMPACT_MIN_DEAD", 4)  # compact often too
    rnd = random.Random(7)
    words = [
        "porto",
        "lisbon",
        "cat",
        "dog",
        "nurse",
        "chess",
        "tea",
        "cello",
        "tokyo",
        "river",
        "bread",
        "garden",
    ]
    embedder = default_embedder()
    for step in range(120):
        ids = [m.memory_id for m in memory.get_user_memories()]
        text = " ".join(rnd.sample(words, 3))
        action = rnd.random()
        if action < 0.5 or not ids:
            memory.add_user_memory(f"Ana {text}")
        elif action < 0.75:
            memory.replace_user_memory(rnd.choice(ids), f"Ana now {text}")
        else:
            memory.delete_user_memory(rnd.choice(ids))
        if step % 3:
            continue
        query = " ".join(rnd.sample(words, 2))
        got = [(h.item_id, h.score) for h in memory.recall(query, strategy="bm25", limit=5)]
        want = brute_force_bm25(memory, query, 5)
        assert [i for i, _ in got] == [i for i, _ in want], step
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-9)

        stored = memory.get_user_memories()
        if not stored:
            continue
        cosine = embedder.embed([m.memory for m in stored]) @ embedder.embed([query])[0]
        hits = memory.recall(query, strategy="semantic", limit=3)
        by_id = {m.memory_id: c for m, c in zip(stored, cosine, strict=True)}
        assert [h.score for h in hits] == pytest.approx(sorted(cosine, reverse=True)[:3], abs=1e-5)
        for h in hits:
            assert h.score == pytest.approx(by_id[h.item_id], abs=1e-5)


def test_strategies_are_cheap_to_rebuild_per_call(memory: Memory) -> None:
    memory.add_user_memories(["Ana lives in Porto"])
    strategy = get_strategy("semantic")
    assert strategy.search(memory.db, user_id="ana", query="Porto", limit=1)[0].memory is not None
