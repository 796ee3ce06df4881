from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.llm import LLM
from memlab.testing import FakeClock, OpenAIServer


@pytest.fixture
def db() -> Iterator[DuckDbMemoryDb]:
    store = DuckDbMemoryDb(":memory:", write_behind=False)
    yield store
    store.close()


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as running:
        yield running


HttpLLM = Callable[..., LLM]


@pytest.fixture
def clock() -> FakeClock:
    """The retry clock of `http_llm`: back-off waits are recorded, never slept."""
    return FakeClock()


@pytest.fixture
def http_llm(server: OpenAIServer, db: DuckDbMemoryDb, clock: FakeClock) -> HttpLLM:
    """An `openai/test-model` LLM pointed at the local server, waiting on `clock`."""

    def make(**options: Any) -> LLM:
        settings: dict[str, Any] = {
            "db": db,
            "api_base": server.base_url,
            "api_key": "sk-test",
            "retry_base_delay_s": 0.01,
            "timeout_s": 5.0,
            "clock": clock,
        }
        settings.update(options)
        return LLM("openai/test-model", **settings)

    return make
