from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

import numpy as np
import pytest
from numpy.typing import NDArray

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.recall.embedders import Embedder, default_embedder
from memlab.schema import Message, Run, UserMemory


@pytest.fixture
def db(tmp_path) -> Iterator[DuckDbMemoryDb]:
    store = DuckDbMemoryDb(tmp_path / "recall.duckdb")
    yield store
    store.close()


@pytest.fixture
def memory(db: DuckDbMemoryDb) -> Memory:
    return Memory(db, user_id="ana", model=None)


class CountingEmbedder:
    """The shipped static embedder under another name, counting the texts it embeds."""

    def __init__(self, inner: Embedder | None = None, *, name: str = "counting") -> None:
        self.inner = inner or default_embedder()
        self.name = name
        self.dim = self.inner.dim
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls.append(list(texts))
        return self.inner.embed(texts)

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def counting_cls() -> type[CountingEmbedder]:
    """The class itself, for tests that need several or a subclass."""
    return CountingEmbedder


# A two-session chat of user "ana" (windows, budgets, recommended).
DAY1 = datetime(2024, 3, 1, 10, tzinfo=UTC)
DAY2 = datetime(2024, 5, 20, 9, tzinfo=UTC)

SESSIONS = {
    "s1": (
        DAY1,
        [
            ("user", "Ana", "I finally adopted a dog last weekend."),
            ("assistant", "Assistant", "Congratulations! What is the name?"),
            ("user", "Ana", "We called him Biscuit, after the cookies."),
            ("assistant", "Assistant", "Biscuit is a lovely name."),
            ("user", "Ana", "My sister Lena helped me pick him at the shelter."),
            ("assistant", "Assistant", "That sounds like a good day."),
        ],
    ),
    "s2": (
        DAY2,
        [
            ("user", "Ana", "Work has been busy, the bakery opened a second shop."),
            ("assistant", "Assistant", "Where is the new shop?"),
            ("user", "Ana", "It is in Porto, near the river."),
            ("assistant", "Assistant", "Porto is beautiful in May."),
        ],
    ),
}


def store_chat(db: DuckDbMemoryDb, *, verbatim: bool = False) -> None:
    for sid, (when, turns) in SESSIONS.items():
        messages = [
            Message(id=f"{sid}:t{i}", role=role, name=name, content=text, created_at=when)
            for i, (role, name, text) in enumerate(turns, 1)
        ]
        db.add_runs([Run(run_id=f"{sid}:r1", session_id=sid, user_id="ana", messages=messages)])
        if verbatim:
            db.upsert_memories(
                "ana",
                [
                    UserMemory(
                        memory_id=f"m-{m.id}",
                        memory=f"{m.name}: {m.content}",
                        source_message_ids=[m.id],
                        created_at=when,
                        updated_at=when,
                    )
                    for m in messages
                ],
            )


@pytest.fixture
def chat_store() -> Callable[..., None]:
    """`store_chat`, for tests that fill a store of their own."""
    return store_chat
