"""Results frames: the contract's columns, read-only reopening, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from replay_fixtures import agent_conversation

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import NotFoundError, StoreError
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Dataset
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay

PROBE_COLUMNS = [
    "experiment_id",
    "variant_id",
    "label",
    "ingest_id",
    "recall_id",
    "unit_id",
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
    "answer",
    "recall_ms",
    "answer_ms",
    "judge_ms",
    "answer_tokens",
    "judge_tokens",
    "answer_cost_usd",
    "judge_cost_usd",
    "evidence_recall_any",
    "evidence_recall_all",
    "answer_in_context",
    "stale_in_context",
    "exact_match",
    "token_f1",
    "judge",
]
UNIT_COLUMNS = [
    "unit_id",
    "ingest_id",
    "conversation_id",
    "status",
    "health",
    "n_probes",
    "n_memories",
    "n_summaries",
    "memory_tokens",
    "ingest_coverage",
    "ingest_ms",
    "ingest_tokens",
    "ingest_cost_usd",
    "summary_tokens",
    "summary_cost_usd",
]


@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("results") / "r.duckdb"
    exp = build_experiment(
        {
            "name": "frames",
            "dataset": Dataset(name="one", conversations=[agent_conversation()]),
            "ingest": [{"kind": "extract"}],
            "summary": [{"trigger": "session_end"}],
            "recall": [{"strategy": "bm25", "k": [2, 3], "label": "kw{k}"}],
            "answer": {},
            "judge": {},
        }
    )
    replay(exp, db=path, quiet=True).close()
    return path


def test_frames_have_the_contract_columns(results_file: Path) -> None:
    results = open_results(results_file)
    try:
        probes = results.probes_df()
        assert [c for c in PROBE_COLUMNS if c not in probes.columns] == []
        units = results.units_df()
        assert [c for c in UNIT_COLUMNS if c not in units.columns] == []
        assert units.iloc[0]["ingest_tokens"] > 0 and units.iloc[0]["summary_tokens"] > 0
        assert units.iloc[0]["n_summaries"] == 3
        variants = results.variants_df()
        assert list(variants["label"]) == [
            "extract:agno-v2+session_end · kw2",
            "extract:agno-v2+session_end · kw3",
        ]
        assert {"ingest", "prompt", "summary_trigger", "strategy", "over", "k"} <= set(variants)
        calls = results.calls_df()
        assert {"experiment_id", "variant_id", "unit_id", "stage"} <= set(calls.columns)
        assert set(calls["stage"]) == {"ingest", "summary", "answer", "judge", "judge_control"}
        prov = results.provenance()
        assert prov["dataset"]["probes"] == 5 and len(prov["dataset"]["sha256"]) == 64
        assert prov["models"]["answer"] == ["memlab/offline"] and prov["baseline_only"]
        assert any(p["name"] == "judge" and p["version"] for p in prov["prompts"])
        assert results.config()["name"] == "frames"
    finally:
        results.close()


def test_open_results_is_read_only(results_file: Path) -> None:
    results = open_results(results_file)
    try:
        with pytest.raises(Exception, match="read-only"):
            results.db.sql_df("DELETE FROM lab_units")
    finally:
        results.close()


def test_files_without_results_say_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such results file"):
        open_results(tmp_path / "missing.duckdb")
    DuckDbMemoryDb(tmp_path / "plain.duckdb").close()
    with pytest.raises(NotFoundError, match="not written by `memlab replay`"):
        open_results(tmp_path / "plain.duckdb")


def test_an_unknown_experiment_id_lists_the_known_ones(results_file: Path) -> None:
    with pytest.raises(NotFoundError, match="has no experiment 'e-nope'; it has e-"):
        open_results(results_file, experiment_id="e-nope")
