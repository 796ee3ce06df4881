from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.recall.embedders import Embedder, default_embedder


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
