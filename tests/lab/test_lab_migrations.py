"""The lab's tables are versioned: old files are brought forward, newer ones are refused."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from replay_fixtures import agent_conversation

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import StoreError
from memlab.lab.analysis.results import Results, open_results
from memlab.lab.analysis.scorers import SCORERS, ScoreInput, register_scorer
from memlab.lab.data.dataset import Dataset
from memlab.lab.running.columns import table_columns
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.lab_migrations import (
    LAB_MIGRATIONS,
    LAB_ROWS,
    LAB_SCHEMA_VERSION,
    lab_schema_version,
    migrate_lab,
)
from memlab.lab.running.runner import replay
from memlab.lab.running.tables import create_tables

EXPECTED_PROBE_COLUMNS = [
    "experiment_id",
    "unit_id",
    "variant_id",
    "conversation_id",
    "probe_id",
    "repeat",
    "category",
    "abstention",
    "status",
    "error",
    "error_call_id",
    "k",
    "context_tokens",
    "recalled_ids",
    "recalled_turn_ids",
    "context",
    "answer",
    "answer_call_id",
    "judge_call_id",
    "judge_model",
    "judge_prompt",
    "recall_ms",
    "answer_ms",
    "judge_ms",
    "category_id",
    "asked_after",
    "probe_index",
    "evidence_recall_any",
    "evidence_recall_all",
    "answer_in_context",
    "stale_in_context",
    "exact_match",
    "token_f1",
    "judge",
    "scorers",
    "extra_scores",
]

# The lab tables exactly as memlab wrote them before they were versioned (frozen copy; the
# tables of the store itself are made by opening the file with `DuckDbMemoryDb`).
PREVIOUS_LAYOUT = """
CREATE TABLE IF NOT EXISTS lab_experiments (
    experiment_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, config_json VARCHAR NOT NULL,
    provenance_json VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS lab_variants (
    experiment_id VARCHAR NOT NULL, variant_id VARCHAR NOT NULL, ingest_id VARCHAR NOT NULL,
    recall_id VARCHAR NOT NULL, label VARCHAR NOT NULL, settings_json VARCHAR NOT NULL,
    PRIMARY KEY (experiment_id, variant_id)
);
CREATE TABLE IF NOT EXISTS lab_units (
    experiment_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, ingest_id VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL, status VARCHAR NOT NULL, health VARCHAR NOT NULL,
    n_probes INTEGER NOT NULL, n_memories INTEGER NOT NULL, n_summaries INTEGER NOT NULL,
    memory_tokens BIGINT NOT NULL, ingest_coverage DOUBLE, ingest_ms DOUBLE NOT NULL,
    finished_at TIMESTAMP NOT NULL, error VARCHAR, n_turns INTEGER, namespaces VARCHAR[],
    PRIMARY KEY (experiment_id, unit_id)
);
CREATE TABLE IF NOT EXISTS lab_probe_results (
    experiment_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, variant_id VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL, probe_id VARCHAR NOT NULL, repeat INTEGER NOT NULL,
    category VARCHAR, abstention BOOLEAN NOT NULL, status VARCHAR NOT NULL, error VARCHAR,
    error_call_id VARCHAR, k INTEGER NOT NULL, context_tokens INTEGER, recalled_ids VARCHAR[],
    recalled_turn_ids VARCHAR[], context VARCHAR, answer VARCHAR, answer_call_id VARCHAR,
    judge_call_id VARCHAR, judge_model VARCHAR, judge_prompt VARCHAR, recall_ms DOUBLE,
    answer_ms DOUBLE, judge_ms DOUBLE, scores_json VARCHAR NOT NULL, category_id VARCHAR,
    asked_after VARCHAR, probe_index INTEGER,
    PRIMARY KEY (experiment_id, variant_id, conversation_id, probe_id, repeat)
);
CREATE TABLE IF NOT EXISTS lab_judge_controls (
    experiment_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, conversation_id VARCHAR NOT NULL,
    probe_id VARCHAR NOT NULL, repeat INTEGER NOT NULL, control VARCHAR NOT NULL,
    answer VARCHAR NOT NULL, status VARCHAR NOT NULL, accepted BOOLEAN, error VARCHAR,
    judge_call_id VARCHAR, judge_model VARCHAR, judge_prompt VARCHAR
);
INSERT INTO lab_experiments VALUES ('e1', 'old', '{"name": "old"}', '{"seed": 0}',
    TIMESTAMP '2024-01-01 00:00:00');
INSERT INTO lab_variants VALUES ('e1', 'v1', 'i1', 'r1', 'verbatim · bm25@2', '{"k": 2}');
INSERT INTO lab_units VALUES ('e1', 'i1/c1', 'i1', 'c1', 'ok', 'ok', 3, 4, 0, 40, 1.0, 12.5,
    TIMESTAMP '2024-01-01 00:00:01', NULL, 6, ['u1']);
INSERT INTO lab_probe_results VALUES
    ('e1', 'i1/c1', 'v1', 'c1', 'q1', 0, 'single-hop', false, 'ok', NULL, NULL, 2, 9,
     ['m1'], ['s1:t1'], 'Ana lives in Lisbon', 'Lisbon', NULL, NULL, NULL, NULL, 1.0, 2.0, NULL,
     '{"answer_in_context": 1.0, "evidence_recall_all": 0.0, "evidence_recall_any": 1.0,'
     ' "my_score": 0.5, "stale_in_context": null, "token_f1": 0.0}', NULL, NULL, 0),
    ('e1', 'i1/c1', 'v1', 'c1', 'q2', 0, 'abstention', true, 'ok', NULL, NULL, 2, 9,
     ['m1'], [], 'Ana lives in Lisbon', 'Not mentioned', NULL, NULL, NULL, NULL, 1.0, 2.0,
     NULL, '{"answer_in_context": null, "evidence_recall_all": null,'
     ' "evidence_recall_any": null, "my_score": null, "stale_in_context": null,'
     ' "token_f1": 1.0}', NULL, NULL, 1),
    ('e1', 'i1/c1', 'v1', 'c1', 'q3', 0, 'single-hop', false, 'error', 'answer failed', 'c7',
     2, 9, ['m1'], [], 'Ana lives in Lisbon', NULL, NULL, NULL, NULL, NULL, 1.0, NULL, NULL,
     '{}', NULL, NULL, 2);
INSERT INTO lab_judge_controls VALUES
    ('e1', 'i1/c1', 'c1', 'q1', 0, 'stale', 'Porto', 'ok', false, NULL, 'j1', 'm', 'judge@1');
"""


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


@pytest.fixture
def previous_file(tmp_path: Path) -> Path:
    """A results file as the previous memlab left it: lab tables without a version."""
    path = tmp_path / "old.duckdb"
    DuckDbMemoryDb(path).close()
    con = duckdb.connect(str(path))
    con.execute(PREVIOUS_LAYOUT)
    con.close()
    return path


@pytest.fixture
def my_score() -> Iterator[str]:
    """A scorer registered by the user (no column of its own), unregistered afterwards."""

    @register_scorer("my_score", needs="recall", definition="1.0 when the context is not empty.")
    def _my_score(x: ScoreInput) -> float | None:
        return float(bool(x.context))

    yield "my_score"
    SCORERS.remove("my_score")


def test_migration_names_are_numbered_from_one() -> None:
    names = [name for name, _ in LAB_MIGRATIONS]
    assert names == ["lab_m001_initial", "lab_m002_score_columns"]
    assert LAB_SCHEMA_VERSION == 2


def test_a_blank_file_migrates_to_the_columns_of_the_row_models() -> None:
    con = duckdb.connect(":memory:")
    assert lab_schema_version(con) == 0
    assert migrate_lab(con, path=":memory:") == [name for name, _ in LAB_MIGRATIONS]
    assert lab_schema_version(con) == LAB_SCHEMA_VERSION
    assert _columns(con, "lab_probe_results") == EXPECTED_PROBE_COLUMNS
    for row in LAB_ROWS:
        found = con.execute(
            "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns"
            " WHERE table_name = ? ORDER BY ordinal_position",
            [row.TABLE],
        ).fetchall()
        assert found == [(c.name, c.sql, c.nullable) for c in table_columns(row)], row.TABLE
    key = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints()"
        " WHERE table_name = 'lab_probe_results' AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()
    assert key is not None
    assert list(key[0]) == ["experiment_id", "variant_id", "conversation_id", "probe_id", "repeat"]
    assert migrate_lab(con, path=":memory:") == []  # current: nothing to do


def test_a_previous_file_opens_with_its_scores_moved_into_columns(previous_file: Path) -> None:
    results = open_results(previous_file)
    try:
        probes = results.probes_df().set_index("probe_id")
        assert probes.loc["q1", "evidence_recall_any"] == 1.0
        assert probes.loc["q1", "evidence_recall_all"] == 0.0  # a zero stays a zero
        assert probes.loc["q1", "answer_in_context"] == 1.0
        assert math.isnan(probes.loc["q1", "stale_in_context"])  # undefined
        assert math.isnan(probes.loc["q1", "judge"])  # not computed
        assert probes.loc["q1", "my_score"] == 0.5  # a user's scorer, not registered here
        assert math.isnan(probes.loc["q2", "evidence_recall_any"])
        assert probes.loc["q2", "token_f1"] == 1.0
        assert all(math.isnan(probes.loc["q3", s]) for s in ("token_f1", "my_score"))
        summary = results.summary_df(n_boot=0).iloc[0]
        assert summary["evidence_recall_any"] == 1.0 and summary["evidence_recall_any_n"] == 1
        assert summary["token_f1"] == 0.5 and summary["n_errors"] == 1
        assert list(results.judge_controls_df()["answer"]) == ["Porto"]
        con = results.db._cur()
        rows = con.execute(
            "SELECT probe_id, scorers, extra_scores FROM lab_probe_results ORDER BY probe_id"
        ).fetchall()
        assert rows[0][1] == [
            "answer_in_context",
            "evidence_recall_all",
            "evidence_recall_any",
            "my_score",
            "stale_in_context",
            "token_f1",
        ]
        assert rows[0][2] == {"my_score": 0.5} and rows[1][2] == {"my_score": None}
        assert rows[2][1:] == ([], {})
        ledger = con.execute("SELECT name FROM _lab_migrations ORDER BY name").fetchall()
        assert [r[0] for r in ledger] == ["lab_m001_initial", "lab_m002_score_columns"]
        assert "scores_json" not in _columns(con, "lab_probe_results")
    finally:
        results.close()


def test_a_previous_file_is_not_migrated_behind_a_read_only_store(previous_file: Path) -> None:
    db = DuckDbMemoryDb(previous_file, read_only=True)
    try:
        with pytest.raises(StoreError, match=r"version 1, written by an older .*open_results"):
            Results(db)
    finally:
        db.close()


def test_a_replay_resumes_into_a_previous_file(previous_file: Path) -> None:
    exp = build_experiment(
        {
            "name": "new",
            "dataset": Dataset(name="one", conversations=[agent_conversation()]),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": 2}],
        }
    )
    results = replay(exp, db=previous_file, quiet=True)
    try:
        assert len(results.probes_df()) == 5
        old = Results(results.db, "e1").probes_df()
        assert list(old["probe_id"]) == ["q1", "q2", "q3"]
    finally:
        results.close()


def test_a_file_from_a_newer_memlab_is_refused_naming_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "newer.duckdb"
    db = DuckDbMemoryDb(path)
    create_tables(db)
    db.sql_df("INSERT INTO _lab_migrations VALUES ('lab_m003_future', now()::TIMESTAMP)")
    db.close()
    message = (
        r"newer\.duckdb: its lab tables are at version 3 \(migrations lab_m003_future\), "
        r"written by a newer memlab; this memlab .* reads lab tables up to version 2\. "
        r"Upgrade memlab \(`pip install -U memlab`\)"
    )
    with pytest.raises(StoreError, match=message):
        open_results(path)
    db = DuckDbMemoryDb(path)
    try:
        with pytest.raises(StoreError, match=message):
            create_tables(db)  # what `memlab replay` does first
        count = db.sql_df("SELECT count(*) AS n FROM _lab_migrations")["n"].iloc[0]
        assert count == 3  # refused before anything changed
    finally:
        db.close()


def test_a_user_s_scorer_is_stored_in_extra_scores(tmp_path: Path, my_score: str) -> None:
    exp = build_experiment(
        {
            "name": "custom-score",
            "dataset": Dataset(name="one", conversations=[agent_conversation()]),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": 2}],
            "scores": ["evidence_recall_any", my_score],
        }
    )
    path = tmp_path / "r.duckdb"
    replay(exp, db=path, quiet=True).close()
    SCORERS.remove(my_score)  # read back where it is unknown, as another process would
    results = open_results(path)
    try:
        probes = results.probes_df()
        assert list(probes[my_score]) == [1.0] * 5
        assert probes["token_f1"].isna().all()
        rows = results.db.sql_df("SELECT scorers, extra_scores, token_f1 FROM lab_probe_results")
        assert list(rows["scorers"].iloc[0]) == ["evidence_recall_any", my_score]
        assert rows["extra_scores"].iloc[0] == {my_score: 1.0}
    finally:
        results.close()
