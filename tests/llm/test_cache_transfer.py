"""Export, import and checks of shared response caches, on stores filled directly."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.llm.cache_info import describe_cache
from memlab.llm.cache_provenance import CACHE_FORMAT_KEY
from memlab.llm.cache_transfer import export_cache, import_cache, same_answer


def _answer(text: str, call_id: str = "c1", at: str = "2026-01-01T00:00:00") -> str:
    return json.dumps(
        {"text": text, "tool_calls": [], "finish_reason": "stop", "call_id": call_id, "at": at}
    )


def _store(path: Path, entries: dict[str, tuple[str, str]]) -> Path:
    with DuckDbMemoryDb(path) as db:
        for key, (model, response) in entries.items():
            db.cache_put(
                key,
                model=model,
                response=response,
                input_tokens=10,
                output_tokens=2,
                cost_usd=None if model.startswith("openai/") else 0.5,
            )
    return path


def test_same_answer_ignores_which_call_first_got_it() -> None:
    assert same_answer(_answer("Bolt", "a", "2026-01-01"), _answer("Bolt", "b", "2026-02-02"))
    assert not same_answer(_answer("Bolt"), _answer("Rex"))
    assert not same_answer("not json", _answer("Bolt"))


def test_export_filters_by_model_and_import_is_idempotent(tmp_path: Path) -> None:
    db = _store(
        tmp_path / "a.duckdb",
        {"h1": ("openai/x", _answer("one")), "h2": ("gpt-4o-mini", _answer("two"))},
    )
    done = export_cache(db, tmp_path / "x.parquet", model="openai/x")
    assert (done.entries, done.models) == (1, {"openai/x": 1})
    assert pq.read_table(tmp_path / "x.parquet").column("request_hash").to_pylist() == ["h1"]
    with pytest.raises(ConfigError, match="exists: remove it, give another file, or pass --force"):
        export_cache(db, tmp_path / "x.parquet")
    with pytest.raises(ConfigError) as err:
        export_cache(db, tmp_path / "none.parquet", model="ollama/llama3")
    assert str(err.value) == (
        f"{db} caches no answer of model 'ollama/llama3'; it caches 'gpt-4o-mini', 'openai/x'"
    )
    assert not (tmp_path / "none.parquet").exists()

    export_cache(db, tmp_path / "all.parquet")
    target = _store(tmp_path / "b.duckdb", {"h2": ("gpt-4o-mini", _answer("two", "other"))})
    first = import_cache(tmp_path / "all.parquet", target)
    assert (first.added, first.same, first.conflicts) == (1, 1, [])
    second = import_cache(tmp_path / "all.parquet", target)
    assert (second.added, second.same, second.conflicts) == (0, 2, [])

    info = describe_cache(tmp_path / "all.parquet")
    assert (info.entries, info.input_tokens, info.output_tokens) == (2, 20, 4)
    assert (info.cost_usd, info.cost_unknown) == (0.5, 1)
    assert info.hosts == {"(provider's own)": 2}


def test_a_reexport_keeps_where_imported_answers_came_from(tmp_path: Path) -> None:
    _store(tmp_path / "origin.duckdb", {"h1": ("openai/x", _answer("one"))})
    export_cache(tmp_path / "origin.duckdb", tmp_path / "first.parquet")
    import_cache(tmp_path / "first.parquet", tmp_path / "middle.duckdb")
    export_cache(tmp_path / "middle.duckdb", tmp_path / "second.parquet")
    assert describe_cache(tmp_path / "second.parquet").exported_from == {"origin.duckdb": 1}


def test_a_newer_format_and_a_repeated_request_are_refused(tmp_path: Path) -> None:
    _store(tmp_path / "a.duckdb", {"h1": ("openai/x", _answer("one"))})
    export_cache(tmp_path / "a.duckdb", tmp_path / "ok.parquet")
    table = pq.read_table(tmp_path / "ok.parquet")

    newer = tmp_path / "newer.parquet"
    pq.write_table(table.replace_schema_metadata({CACHE_FORMAT_KEY: b"memlab-llm-cache/99"}), newer)
    with pytest.raises(ConfigError, match="version 99 is newer than this memlab reads"):
        import_cache(newer, tmp_path / "t.duckdb")

    import pyarrow as pa

    twice = tmp_path / "twice.parquet"
    pq.write_table(pa.concat_tables([table, table]), twice)
    with pytest.raises(ConfigError, match="request h1 appears 2 times"):
        import_cache(twice, tmp_path / "t.duckdb")
    assert not (tmp_path / "t.duckdb").exists()


def test_the_provenance_migration_makes_exactly_these_columns(tmp_path: Path) -> None:
    import duckdb

    from memlab.llm.cache_provenance import migrate_cache_provenance

    con = duckdb.connect(str(tmp_path / "blank.duckdb"))
    migrate_cache_provenance(con, path="blank.duckdb")
    migrate_cache_provenance(con, path="blank.duckdb")  # a current file is left alone
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns()"
        " WHERE table_name = 'llm_cache_provenance' ORDER BY column_index"
    ).fetchall()
    assert columns == [
        ("request_hash", "VARCHAR"),
        ("prompt", "VARCHAR"),
        ("api_base_host", "VARCHAR"),
        ("memlab_version", "VARCHAR"),
        ("exported_from", "VARCHAR"),
        ("imported_from", "VARCHAR"),
        ("imported_at", "TIMESTAMP"),
    ]
    assert con.execute("SELECT name FROM _cache_migrations").fetchall() == [
        ("cache_m001_provenance",)
    ]
