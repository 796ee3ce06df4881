"""The in-process corpus mirror: ties, compaction, the cache bound, threads, the public surface."""

import threading

import numpy as np
import pytest

import memlab.recall
from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import StoreError
from memlab.recall import corpus
from memlab.recall.corpus import CorpusKey
from memlab.recall.ranked import top_rows


def test_top_rows_breaks_ties_by_time_then_row() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.0, 0.5])
    live = np.array([True, True, True, True, True, False])
    times = np.array([10.0, 0.0, 30.0, 30.0, 99.0, 99.0])

    assert top_rows(scores, live, 3, positive_only=True, times=times).tolist() == [1, 3, 2]
    assert top_rows(scores, live, 10, positive_only=True, times=times).tolist() == [1, 3, 2, 0]
    assert top_rows(scores, live, 10, positive_only=False, times=times).tolist() == [1, 3, 2, 0, 4]
    assert top_rows(scores, live, 2, positive_only=False).tolist() == [1, 3]


def test_deleted_rows_are_compacted_away(memory: Memory) -> None:
    ids = memory.add_user_memories([f"Ana fact {i} about tea" for i in range(400)])
    memory.recall("tea", strategy="hybrid", limit=3)
    for memory_id in ids[:300]:
        memory.delete_user_memory(memory_id)
    hits = memory.recall("tea", strategy="hybrid", limit=500)
    assert {h.item_id for h in hits} == set(ids[300:])
    mirror = corpus.cached_indexes(memory.db)[CorpusKey("ana", "memories")]
    assert mirror.n == 100 and mirror.live.all()
    assert memory.recall("fact 399", strategy="bm25", limit=1)[0].item_id == ids[399]


def test_the_cache_keeps_a_bounded_number_of_mirrors(memory: Memory, monkeypatch) -> None:
    monkeypatch.setattr(corpus, "MAX_CACHED_INDEXES", 3)
    for user in ["u1", "u2", "u3", "u4"]:
        memory.add_user_memory(f"{user} likes tea", user_id=user)
        assert memory.recall("tea", strategy="bm25", limit=1, user_id=user)[0].text.startswith(user)
    assert [k.user_id for k in corpus.cached_indexes(memory.db)] == ["u2", "u3", "u4"]


def test_threads_searching_while_another_writes(memory: Memory) -> None:
    memory.add_user_memories([f"Ana fact {i} about tea" for i in range(50)])
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(20):
                for strategy in ("bm25", "semantic", "hybrid"):
                    hits = memory.recall("tea", strategy=strategy, limit=5)
                    assert len(hits) == 5
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(40):
        memory.add_user_memory(f"Ana new fact {i} about tea")
    for t in threads:
        t.join()
    assert errors == []


def test_public_surface_is_pinned() -> None:
    assert sorted(memlab.recall.__all__) == [
        "CORPORA",
        "Corpus",
        "Embedder",
        "RecallHit",
        "RecallStrategy",
        "StrategySpec",
        "describe_strategy",
        "get_embedder",
        "get_strategy",
        "register_embedder",
        "register_strategy",
        "rrf_fuse",
    ]


def test_a_failed_sync_leaves_no_half_built_mirror(tmp_path) -> None:
    class Flaky(DuckDbMemoryDb):
        fail = False

        def corpus_texts(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.fail:
                raise StoreError("disk on fire")
            return super().corpus_texts(*args, **kwargs)

        def memory_rows(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            # The path an add takes (see CorpusIndex.sync).
            if self.fail:
                raise StoreError("disk on fire")
            return super().memory_rows(*args, **kwargs)

    db = Flaky(tmp_path / "f.duckdb")
    memory = Memory(db, user_id="ana", model=None)
    memory.add_user_memories(["Ana likes tea", "Ana likes chess"])
    assert len(memory.recall("likes", strategy="bm25", limit=5)) == 2
    memory.add_user_memory("Ana likes sailing")
    db.fail = True
    with pytest.raises(StoreError, match="disk on fire"):
        memory.recall("likes", strategy="bm25", limit=5)
    db.fail = False
    assert len(memory.recall("likes", strategy="bm25", limit=5)) == 3
    db.close()
