"""The `MemoryDb` contract as a pytest suite that any backend runs against itself.

Subclass `MemoryDbSuite` in a test module and give it a `make_store` fixture returning a
factory of fresh, empty stores; every test of the contract then runs on that backend:

    from memlab.testing.store_suite import MemoryDbSuite, StoreFactory

    class TestPostgres(MemoryDbSuite):
        @pytest.fixture
        def make_store(self, postgres_url: str) -> StoreFactory:
            return lambda: PostgresMemoryDb(postgres_url, schema=fresh_schema())

The suite covers every method of the protocol: user scoping, None for unknown ids, ordering,
limits, clear, rejected ops, runs with their messages, summaries and their sources, ledger
rows, and text that cannot be stored (a `ConfigError` naming the field, nothing written).
It needs pytest, which memlab does not: import it from tests only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

import pytest

from memlab.db.base import MemoryDb
from memlab.errors import MemlabError
from memlab.testing.store_suite.conversations import ConversationsContract
from memlab.testing.store_suite.integrity import IntegrityContract
from memlab.testing.store_suite.memories import MemoriesContract
from memlab.testing.store_suite.records import BAD_TEXT, StoreFactory

__all__ = ["BAD_TEXT", "MemoryDbSuite", "StoreFactory"]


class MemoryDbSuite(MemoriesContract, ConversationsContract, IntegrityContract):
    """Every test of the `MemoryDb` contract; subclass it with a `make_store` fixture."""

    @pytest.fixture
    def db(self, make_store: StoreFactory) -> Iterator[MemoryDb]:
        """A fresh store, closed after the test (whatever the test did to it)."""
        store = make_store()
        yield store
        with suppress(MemlabError):
            store.close()
