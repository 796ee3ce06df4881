"""The shared `MemoryDb` contract suite on PostgreSQL, against a real server."""

from __future__ import annotations

import itertools

import pytest

from memlab.db import MemoryDb
from memlab.db.postgres import PostgresMemoryDb
from memlab.schema import LlmCall
from memlab.testing.store_suite import MemoryDbSuite, StoreFactory

_N = itertools.count()


class TestPostgres(MemoryDbSuite):
    @pytest.fixture
    def make_store(self, postgres_url: str) -> StoreFactory:
        return lambda: PostgresMemoryDb(postgres_url, schema=f"suite{next(_N)}")

    def ledger_rows(self, db: MemoryDb) -> list[LlmCall] | None:
        assert isinstance(db, PostgresMemoryDb)
        df = db.llm_calls_df()[list(LlmCall.model_fields)]
        df = df.astype(object).where(df.notna(), None)
        return [LlmCall.model_validate(row) for row in df.to_dict("records")]
