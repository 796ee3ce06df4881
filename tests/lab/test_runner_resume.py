"""Resume: a replay killed with SIGKILL mid-run, run again, equals an uninterrupted run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from replay_fixtures import resume_experiment

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.results import Results
from memlab.lab.running.runner import replay

CHILD = Path(__file__).parent / "replay_child.py"
# What legitimately differs between two runs: wall times, ledger ids, the ids the store gives
# extracted memories, and when a unit finished.
VOLATILE = {
    "recall_ms",
    "answer_ms",
    "judge_ms",
    "ingest_ms",
    "answer_call_id",
    "judge_call_id",
    "error_call_id",
    "recalled_ids",
    "finished_at",
}


def _stable(df: pd.DataFrame) -> str:
    return df.drop(columns=[c for c in df.columns if c in VOLATILE]).to_json(orient="records")


def _frames(path: Path) -> tuple[str, str, str, int]:
    with DuckDbMemoryDb(path) as db:
        results = Results(db)
        calls = results.calls_df()
        return (
            _stable(results.probes_df()),
            _stable(results.units_df()),
            _stable(results.variants_df()),
            len(calls),
        )


@pytest.mark.slow
def test_a_killed_replay_resumes_to_the_same_frames(tmp_path: Path) -> None:
    killed = tmp_path / "killed.duckdb"
    run = subprocess.run(
        [sys.executable, str(CHILD), str(killed), "3"], capture_output=True, text=True, timeout=240
    )
    assert run.returncode == -9, run.stderr  # SIGKILL after the third committed unit
    with DuckDbMemoryDb(killed) as db:
        assert len(Results(db).units_df()) == 3  # committed units survived, nothing else
        # a unit that was half-way left memories behind in its namespace
        left = db.sql_df("SELECT count(*) AS n FROM runs")["n"].iloc[0]
        assert left > 0
        resumed = replay(resume_experiment(), db=db, quiet=True, concurrency=2)
        assert len(resumed.units_df()) == 8
    clean = tmp_path / "clean.duckdb"
    replay(resume_experiment(), db=clean, quiet=True, concurrency=2).close()
    got, want = _frames(killed), _frames(clean)
    assert got[:3] == want[:3]
    assert got[3] == want[3]  # no duplicated ledger attribution either


def test_finished_units_are_skipped_and_force_recomputes(tmp_path: Path) -> None:
    path = tmp_path / "r.duckdb"
    with DuckDbMemoryDb(path) as db:
        first = replay(resume_experiment(), db=db, quiet=True)
        stamps = first.units_df()["finished_at"].tolist()
        second = replay(resume_experiment(), db=db, quiet=True)
        assert second.units_df()["finished_at"].tolist() == stamps  # nothing was redone
        forced = replay(resume_experiment(), db=db, quiet=True, force=True)
        assert all(a > b for a, b in zip(forced.units_df()["finished_at"], stamps, strict=True))
        assert len(forced.probes_df()) == len(first.probes_df())
        # namespaces hold one copy of each conversation, not two
        runs = db.sql_df("SELECT user_id, count(*) AS n FROM runs GROUP BY user_id")
        assert runs["n"].max() <= 7
