import pytest

from memlab import Memory
from memlab.errors import ConfigError
from memlab.recall import rrf_fuse


def test_rrf_scores_are_exact_on_a_tiny_example() -> None:
    keyword = ["a", "b", "c"]
    semantic = ["c", "a", "d"]

    fused = rrf_fuse([keyword, semantic], k=60)

    assert fused == [
        ("a", 1 / 61 + 1 / 62),
        ("c", 1 / 63 + 1 / 61),
        ("b", 1 / 62),
        ("d", 1 / 63),
    ]


def test_rrf_weights_and_k() -> None:
    fused = dict(rrf_fuse([["a", "b"], ["b", "a"]], weights=[2.0, 0.5], k=1))

    assert fused == {"a": 2.0 / 2 + 0.5 / 3, "b": 2.0 / 3 + 0.5 / 2}


def test_rrf_ties_keep_first_appearance_and_repeats_count_once() -> None:
    fused = rrf_fuse([["x", "y", "x"], ["y", "x"]], k=0)

    assert fused == [("x", 1.0 + 0.5), ("y", 0.5 + 1.0)]


def test_rrf_needs_one_weight_per_ranking() -> None:
    with pytest.raises(ConfigError, match="2 rankings but 1 weights"):
        rrf_fuse([["a"], ["b"]], weights=[1.0])


def test_hybrid_strategy_scores_are_the_rrf_of_bm25_and_semantic(memory: Memory) -> None:
    memory.add_user_memories(
        [
            "Ana lives in Porto",
            "Ana's sister lives in Berlin",
            "Ana works as a nurse",
            "Ana has a cat named Miso",
        ]
    )
    query = "where does Ana live"
    keyword = [h.item_id for h in memory.recall(query, strategy="bm25", limit=10)]
    semantic = [h.item_id for h in memory.recall(query, strategy="semantic", limit=10)]

    hits = memory.recall(query, strategy="hybrid", limit=3, weights=(1.0, 3.0), k=10)

    expected = rrf_fuse([keyword, semantic], weights=[1.0, 3.0], k=10)[:3]
    assert [(h.item_id, h.score) for h in hits] == expected
