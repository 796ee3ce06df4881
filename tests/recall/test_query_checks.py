"""A query is checked like stored text before any tokenizer, embedder or model sees it.

A lone surrogate reached the tokenizer of semantic, hybrid and recommended recall as a raw
`TypeError` naming no text (and the agentic prompt as a `UnicodeEncodeError`); it is now a
`ConfigError` naming `query`, from every door: `Memory.recall`, `Memory.arecall`,
`search_user_memories` and a strategy called directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from memlab import Memory
from memlab.errors import ConfigError
from memlab.llm import LLM
from memlab.recall import get_strategy

STRATEGIES = ["last_n", "bm25", "semantic", "hybrid", "recommended", "recency", "agentic"]
SURROGATE = (
    "query holds a character that cannot be encoded as UTF-8 at position 6 ('\\ud800'): a "
    "lone surrogate, as a bad decode or a '\\ud800' JSON escape produces. Clean the text "
    "first, e.g. text.encode('utf-8', 'replace').decode(); nothing was searched"
)

Door = Callable[[Memory, str, Any], object]


def _direct(memory: Memory, strategy: str, query: Any) -> object:
    options = {"llm": LLM("memlab/offline", db=memory.db)} if strategy == "agentic" else {}
    found = get_strategy(strategy, **options)
    return found.search(memory.db, user_id="ana", query=query, limit=3)


DOORS = [
    pytest.param(lambda m, s, q: m.recall(q, strategy=s, user_id="ana"), id="recall"),
    pytest.param(
        lambda m, s, q: asyncio.run(m.arecall(q, strategy=s, user_id="ana")), id="arecall"
    ),
    pytest.param(
        lambda m, s, q: m.search_user_memories(q, retrieval_method=s, user_id="ana"),
        id="search_user_memories",
    ),
    pytest.param(_direct, id="strategy.search"),
]


@pytest.fixture
def filled() -> Memory:
    memory = Memory(user_id="ana")
    memory.add_user_memories(["Ana lives in Lisbon", "Ana plays the cello"])
    return memory


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_lone_surrogate_in_a_query_is_a_config_error(
    filled: Memory, door: Door, strategy: str
) -> None:
    with pytest.raises(ConfigError) as err:
        door(filled, strategy, "where \ud800 does Ana live?")
    assert str(err.value) == SURROGATE
    assert filled.db.llm_calls_df().empty  # no model call was made (or ledgered)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("query", [pytest.param(5, id="int"), pytest.param(b"Ana", id="bytes")])
def test_a_query_that_is_not_text_is_a_config_error(filled: Memory, door: Door, query: Any) -> None:
    # `last_n` ignored such a query, and query strategies called it "empty".
    with pytest.raises(ConfigError) as err:
        door(filled, "last_n", query)
    assert str(err.value) == f"query must be a string or None, got {type(query).__name__} {query!r}"


def test_a_clean_query_still_recalls(filled: Memory) -> None:
    hits = filled.recall("where does Ana live?", strategy="hybrid", limit=1)
    assert [h.text for h in hits] == ["Ana lives in Lisbon"]
