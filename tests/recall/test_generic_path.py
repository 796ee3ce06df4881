"""Recall through the generic path (a store with only `MemoryDb` methods) gives exactly the hits
of DuckDB's fast path: same items, order, texts, provenance and scores, for every registered
strategy that needs no model, over every corpus, with the shared options, before and after
writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from memlab.db import DuckDbMemoryDb, RecallIndexStore
from memlab.recall import CORPORA, RecallHit, get_strategy
from memlab.recall.base import STRATEGIES
from memlab.recall.generic_store import GenericIndexStore, index_store
from memlab.schema import MemoryOp, Message, Run, SessionSummary, UserMemory
from memlab.testing.plain_store import PlainMemoryDb

NOW = datetime(2024, 6, 1, tzinfo=UTC)
DAYS = {
    "s1": datetime(2024, 3, 1, 10, tzinfo=UTC),
    "s2": datetime(2024, 5, 20, 9, tzinfo=UTC),
    "s3": datetime(2024, 5, 28, 18, tzinfo=UTC),
}
CHAT = {
    "s1": [
        ("user", "Ana", "I finally adopted a dog last weekend."),
        ("assistant", None, "Congratulations! What is the name?"),
        ("user", "Ana", "We called him Biscuit, after the cookies."),
        ("assistant", None, "Biscuit is a lovely name."),
        ("user", "Ana", "My sister Lena helped me pick him at the shelter."),
        ("assistant", None, "That sounds like a good day."),
    ],
    "s2": [
        ("system", None, "You are a helpful assistant."),
        ("user", "Ana", "Work has been busy, the bakery opened a second shop."),
        ("assistant", None, "Where is the new shop?"),
        ("user", "Ana", "It is in Porto, near the river."),
        ("assistant", None, "Porto is beautiful in May."),
    ],
    "s3": [
        ("user", "Ana", "Biscuit ate one of Lena's shoes yesterday."),
        ("assistant", None, ""),
        ("user", "Ana", "Lena was not amused, she wants a new pair."),
        ("assistant", None, "Maybe a chew toy would help Biscuit."),
    ],
}
QUERIES = [
    "What is the dog called?",
    "Where is the new shop?",
    "Who helped pick the dog at the shelter?",
    "What happened yesterday with the shoes?",
    "Porto",
]
NO_MODEL = ["last_n", "first_n", "bm25", "semantic", "hybrid", "recency", "recommended"]
RANKED_OPTIONS: list[dict[str, Any]] = [
    {},
    {"window": 1, "budget_tokens": 60},
    {"session_weight": 0.5, "temporal": True, "expand": ["date", "speaker", "facts", "summary"]},
]


def _fill(db: DuckDbMemoryDb) -> None:
    """Three sessions of Ana with facts citing turns, summaries, a bulk import; Bob as noise."""
    for sid, turns in CHAT.items():
        when = DAYS[sid]
        messages = [
            Message(
                id=f"{sid}:t{i}",
                role=role,  # type: ignore[arg-type]
                name=name,
                content=text,
                created_at=when + timedelta(minutes=i),
            )
            for i, (role, name, text) in enumerate(turns)
        ]
        half = len(messages) // 2
        db.add_runs(
            [
                Run(run_id=f"{sid}:r1", session_id=sid, user_id="ana", messages=messages[:half]),
                Run(run_id=f"{sid}:r2", session_id=sid, user_id="ana", messages=messages[half:]),
            ]
        )
        db.upsert_memories(
            "ana",
            [
                UserMemory(
                    memory_id=f"m-{m.id}",
                    memory=f"Ana said: {m.content}",
                    source_message_ids=[m.id],
                    created_at=m.created_at,
                    updated_at=m.created_at,
                )
                for m in messages
                if m.role == "user"
            ],
        )
    db.upsert_summary(
        SessionSummary(
            session_id="s1",
            user_id="ana",
            summary="Ana adopted a dog named Biscuit with help from her sister Lena.",
            updated_at=DAYS["s1"] + timedelta(hours=1),
        )
    )
    db.upsert_summary(
        SessionSummary(
            session_id="s2",
            user_id="ana",
            summary="The bakery opened a second shop in Porto.",
            run_ids=["s2:r2"],
            updated_at=DAYS["s2"] + timedelta(hours=1),
        )
    )
    # Facts with no stored message, all at one time (a bulk import).
    bulk = DAYS["s2"] + timedelta(days=2)
    for text in ["Ana likes jazz", "Ana's dog Biscuit is a beagle", "Ana works at a bakery"]:
        db.add_memory("ana", UserMemory(memory=text, created_at=bulk, updated_at=bulk))
    db.add_runs(
        [
            Run(
                session_id="b1",
                user_id="bob",
                messages=[Message(role="user", content="My dog is called Rex, I live in Porto.")],
            )
        ]
    )
    db.add_memory("bob", UserMemory(memory="Bob's dog is called Rex"))


def _cases() -> list[Any]:
    cases = []
    for name in NO_MODEL:
        options_list = (
            RANKED_OPTIONS if name not in ("last_n", "first_n") else [{}, {"budget_tokens": 30}]
        )
        for i, options in enumerate(options_list):
            if name == "recency":
                options = {**options, "now": NOW, "half_life_days": 20}
            for over in CORPORA:
                cases.append(pytest.param(name, options, over, id=f"{name}-{i}-{over}"))
    return cases


@pytest.fixture
def stores(tmp_path) -> Iterator[tuple[DuckDbMemoryDb, PlainMemoryDb]]:
    fast = DuckDbMemoryDb(tmp_path / "fast.duckdb")
    _fill(fast)
    yield fast, PlainMemoryDb(fast)
    fast.close()


def _recall(db: Any, name: str, options: dict[str, Any], over: Any) -> list[list[RecallHit]]:
    strategy = get_strategy(name, **options)
    return [strategy.search(db, user_id="ana", query=q, limit=6, over=over) for q in QUERIES]


def test_every_strategy_without_a_model_is_covered() -> None:
    get_strategy("last_n")  # loads the built-in strategies
    assert sorted(n for n in STRATEGIES if n != "agentic") == sorted(NO_MODEL)


def test_the_wrapper_takes_the_generic_path(
    stores: tuple[DuckDbMemoryDb, PlainMemoryDb],
) -> None:
    fast, plain = stores
    assert index_store(fast) is fast
    assert not isinstance(plain, RecallIndexStore)
    assert isinstance(index_store(plain), GenericIndexStore)


@pytest.mark.parametrize(("name", "options", "over"), _cases())
def test_generic_path_gives_the_fast_paths_hits(
    stores: tuple[DuckDbMemoryDb, PlainMemoryDb], name: str, options: dict[str, Any], over: Any
) -> None:
    fast, plain = stores
    expected = _recall(fast, name, options, over)
    assert any(expected)
    assert _recall(plain, name, options, over) == expected


@pytest.mark.parametrize("name", NO_MODEL)
def test_generic_path_follows_writes(
    stores: tuple[DuckDbMemoryDb, PlainMemoryDb], name: str
) -> None:
    fast, plain = stores
    options: dict[str, Any] = {"now": NOW} if name == "recency" else {}
    for db in (fast, plain):  # both indexes built before the writes
        _recall(db, name, options, "memories")
        _recall(db, name, options, "messages")
    fast.apply_ops(
        "ana",
        [
            MemoryOp(op="update", memory_id="m-s1:t2", memory="Ana's dog is called Biscuit"),
            MemoryOp(op="delete", memory_id="m-s2:t3"),
            MemoryOp(op="add", memory="Ana moved the new shop to Lisbon", at=NOW),
        ],
        cause="test",
    )
    fast.delete_memory("ana", "m-s3:t0")
    fast.add_runs(
        [
            Run(
                session_id="s4",
                user_id="ana",
                created_at=NOW,
                messages=[
                    Message(role="user", content="The shop in Porto closed.", created_at=NOW)
                ],
            )
        ]
    )
    for over in ("memories", "messages"):
        assert _recall(plain, name, options, over) == _recall(fast, name, options, over)


def test_vectors_are_embedded_once_per_text_on_the_generic_path(
    stores: tuple[DuckDbMemoryDb, PlainMemoryDb], counting: Any
) -> None:
    _, plain = stores
    strategy = get_strategy("semantic", embedder=counting)
    strategy.search(plain, user_id="ana", query="dog", limit=3)
    first = len(counting.embedded)
    strategy.search(plain, user_id="ana", query="shop", limit=3)
    assert len(counting.embedded) == first + 1  # only the query
