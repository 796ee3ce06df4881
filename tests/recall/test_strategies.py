import json
from typing import Any

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.recall import StrategySpec, describe_strategy, get_strategy
from memlab.recall.base import STRATEGIES, RecallStrategy
from memlab.schema import UserMemory

QUERY_STRATEGIES = ["bm25", "semantic", "hybrid", "recency"]


def test_every_strategy_of_the_issue_is_registered() -> None:
    get_strategy("last_n")  # loads the built-ins
    assert {"last_n", "first_n", "bm25", "semantic", "hybrid", "recency", "agentic"} <= set(
        STRATEGIES
    )


@pytest.mark.parametrize(
    ("name", "options"),
    [
        pytest.param("last_n", {}, id="last_n"),
        pytest.param("first_n", {"roles": ["user"]}, id="first_n"),
        pytest.param("bm25", {"k1": 1.2, "b": 0.5, "stem": False}, id="bm25"),
        pytest.param("semantic", {"embedder": "static"}, id="semantic"),
        pytest.param("hybrid", {"weights": [2, 1], "k": 30, "candidates": 20}, id="hybrid"),
        pytest.param("recency", {"half_life_days": 7, "now": "2025-01-02T03:04:05"}, id="recency"),
    ],
)
def test_describe_round_trips_through_json(name: str, options: dict[str, Any]) -> None:
    strategy = get_strategy(name, **options)

    spec = describe_strategy(strategy)
    again = StrategySpec.model_validate_json(json.dumps(spec.model_dump()))

    assert spec.name == name
    assert isinstance(again.build(), RecallStrategy)
    assert describe_strategy(again.build()) == spec
    for key, value in options.items():
        if key != "now":
            assert spec.options[key] == value
    if name == "recency":
        assert spec.options["now"] == "2025-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    ("name", "options", "match"),
    [
        pytest.param("nope", {}, "unknown recall strategy 'nope'.*'bm25'", id="unknown-strategy"),
        pytest.param(
            "semantic",
            {"embedder": "nope"},
            "unknown embedder 'nope'.*'static'",
            id="unknown-embedder",
        ),
        pytest.param("bm25", {"k2": 1}, "does not accept", id="unknown-option"),
        pytest.param("bm25", {"b": 2}, "b must be between 0 and 1", id="bad-b"),
        pytest.param("hybrid", {"weights": (0, 0)}, "not both 0", id="zero-weights"),
        pytest.param("hybrid", {"weights": (1, 2, 3)}, "weights must be two", id="three-weights"),
        pytest.param("hybrid", {"candidates": 0}, "candidates must be", id="no-candidates"),
        pytest.param(
            "recency", {"half_life_days": 0}, "half_life_days must be > 0", id="half-life"
        ),
        pytest.param("recency", {"now": "yesterday"}, "ISO 8601", id="bad-now"),
        pytest.param("last_n", {"roles": ["robot"]}, "roles must be", id="bad-role"),
        pytest.param("last_n", {"roles": []}, "roles must be", id="no-roles"),
    ],
)
def test_bad_strategy_config_is_a_config_error(
    name: str, options: dict[str, Any], match: str
) -> None:
    with pytest.raises(ConfigError, match=match):
        get_strategy(name, **options)


@pytest.mark.parametrize("name", QUERY_STRATEGIES)
@pytest.mark.parametrize(
    ("query", "limit", "over", "match"),
    [
        pytest.param("", 5, "memories", "needs a non-empty query", id="empty-query"),
        pytest.param("  \n", 5, "memories", "needs a non-empty query", id="blank-query"),
        pytest.param(None, 5, "memories", "needs a non-empty query", id="no-query"),
        pytest.param("x", 0, "memories", "limit must be a positive integer", id="limit-0"),
        pytest.param("x", -3, "memories", "limit must be a positive integer", id="limit-negative"),
        pytest.param("x", 5, "tweets", "unknown recall corpus over='tweets'", id="bad-corpus"),
    ],
)
def test_bad_search_input_is_a_config_error_and_changes_nothing(
    db: DuckDbMemoryDb, name: str, query: str | None, limit: int, over: str, match: str
) -> None:
    db.add_memory("ana", UserMemory(memory="Ana lives in Porto"))
    strategy = get_strategy(name)
    with pytest.raises(ConfigError, match=match):
        strategy.search(db, user_id="ana", query=query, limit=limit, over=over)  # type: ignore[arg-type]
    assert db.embedding_dims("static:minilm-static-v1") == []
    assert db.count_memories("ana") == 1


@pytest.mark.parametrize("limit", [0, -1])
def test_memory_search_checks_limit_too(memory: Memory, limit: int) -> None:
    with pytest.raises(ConfigError, match="limit"):
        memory.search_user_memories("Porto", retrieval_method="bm25", limit=limit)


def test_search_user_memories_returns_memories_for_every_query_strategy(memory: Memory) -> None:
    memory.add_user_memories(["Ana lives in Porto", "Ana has a cat", "Ana is a nurse"])
    for name in QUERY_STRATEGIES:
        found = memory.search_user_memories(
            "which city does Ana live in", retrieval_method=name, limit=1
        )
        assert [m.memory for m in found] == ["Ana lives in Porto"], name
