"""The shared `MemoryDb` contract suite, run on DuckDB (a file and ":memory:") and on the
protocol-only wrapper that recall's generic path is tested with."""

from __future__ import annotations

import pytest

from memlab.db import DuckDbMemoryDb, MemoryDb, RecallIndexStore
from memlab.schema import LlmCall
from memlab.testing.plain_store import PlainMemoryDb
from memlab.testing.store_suite import MemoryDbSuite, StoreFactory


def _ledger(db: DuckDbMemoryDb) -> list[LlmCall]:
    # The lab adds columns of its own (attribution): keep the ledger's.
    df = db.llm_calls_df()[list(LlmCall.model_fields)]
    df = df.astype(object).where(df.notna(), None)
    return [LlmCall.model_validate(row) for row in df.to_dict("records")]


class TestDuckDb(MemoryDbSuite):
    @pytest.fixture(params=["file", "memory"])
    def make_store(self, request: pytest.FixtureRequest, tmp_path) -> StoreFactory:
        if request.param == "memory":
            return lambda: DuckDbMemoryDb(":memory:")
        paths = iter(tmp_path / f"store{i}.duckdb" for i in range(100))
        return lambda: DuckDbMemoryDb(next(paths))

    def ledger_rows(self, db: MemoryDb) -> list[LlmCall] | None:
        assert isinstance(db, DuckDbMemoryDb)
        return _ledger(db)


class TestPlainWrapper(MemoryDbSuite):
    @pytest.fixture
    def make_store(self) -> StoreFactory:
        return PlainMemoryDb

    def ledger_rows(self, db: MemoryDb) -> list[LlmCall] | None:
        assert isinstance(db, PlainMemoryDb) and isinstance(db.inner, DuckDbMemoryDb)
        return _ledger(db.inner)


def test_duckdb_implements_both_protocols_and_the_wrapper_only_one() -> None:
    duck = DuckDbMemoryDb(":memory:")
    plain = PlainMemoryDb(duck)
    assert isinstance(duck, MemoryDb) and isinstance(duck, RecallIndexStore)
    assert isinstance(plain, MemoryDb) and not isinstance(plain, RecallIndexStore)
    plain.close()


def test_the_protocol_stays_small_and_plain() -> None:
    # The surface changes only on purpose; no DataFrame, Arrow table or array in a signature.
    methods = sorted(n for n, v in vars(MemoryDb).items() if callable(v) and not n.startswith("_"))
    assert methods == [
        "add_memory",
        "add_runs",
        "apply_ops",
        "clear",
        "close",
        "count_memories",
        "delete_memory",
        "delete_summary",
        "flush",
        "get_memory",
        "get_runs",
        "get_summary",
        "list_memories",
        "list_messages",
        "list_summaries",
        "record_llm_call",
        "summary_sources",
        "upsert_memories",
        "upsert_summary",
    ]
    for name in methods:
        hints = vars(MemoryDb)[name].__annotations__
        assert not any(
            word in str(hint) for hint in hints.values() for word in ("pd.", "pa.", "NDArray")
        ), name
