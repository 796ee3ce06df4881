"""m004: the ledger records whether a call offered tools and whether the answer used them."""

from __future__ import annotations

import duckdb

from memlab.db.migrations import MIGRATIONS, apply_migrations


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute("DESCRIBE llm_calls").fetchall()]


def test_m004_adds_the_tool_columns_and_leaves_old_rows_null() -> None:
    con = duckdb.connect(":memory:")
    before_m004 = [(n, f) for n, f in MIGRATIONS if n < "m004"]
    con.execute("CREATE TABLE _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    for name, fn in before_m004:
        fn(con)
        con.execute("INSERT INTO _migrations VALUES (?, now())", [name])
    con.execute(
        "INSERT INTO llm_calls (call_id, created_at, purpose, model, request_hash, latency_ms,"
        " cached, attempts) VALUES ('old', now(), 'extract', 'm', 'h', 1.0, false, 1)"
    )
    assert "m004_llm_calls_tools" in apply_migrations(con)
    assert _columns(con)[-2:] == [("tools_requested", "BOOLEAN"), ("tools_used", "BOOLEAN")]
    row = con.execute("SELECT tools_requested, tools_used FROM llm_calls").fetchone()
    assert row == (None, None)
