"""Resume: a replay killed with SIGKILL at any point, run again, equals an uninterrupted run.

Equal means every column of every lab table (probe, unit, variant, judge-control and
experiment rows), the attributed ledger and the stored memories, except wall times and
timestamps; two uninterrupted runs are equal the same way (DESIGN decision 14).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from replay_fixtures import resume_experiment

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.results import Results
from memlab.lab.running.probe_rows import ProbeRow
from memlab.lab.running.rows import ControlRow, ExperimentRow, UnitRow, VariantRow
from memlab.lab.running.runner import replay

CHILD = Path(__file__).parent / "replay_child.py"
LAB_TABLES = (ProbeRow, UnitRow, VariantRow, ControlRow, ExperimentRow)
# The only columns two runs may differ in: wall times and when rows were written.
TIMINGS = {
    ProbeRow.TABLE: {"recall_ms", "answer_ms", "judge_ms"},
    UnitRow.TABLE: {"ingest_ms", "finished_at"},
    ExperimentRow.TABLE: {"created_at"},
}
# The ledger's own per-call facts that a cache hit changes (not which call it was).
LEDGER_VOLATILE = {"created_at", "latency_ms", "cached", "attempts"}

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


def _table(
    db: DuckDbMemoryDb, table: str, *, skip: set[str], where: str = ""
) -> list[dict[str, Any]]:
    cur = db.cursor()
    columns = [r[0] for r in cur.execute(f"DESCRIBE {table}").fetchall() if r[0] not in skip]
    # Rows compare as sets: units commit in another order after a kill.
    rows = cur.execute(f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY ALL")
    return [dict(zip(columns, r, strict=True)) for r in rows.fetchall()]


def _dump(path: Path) -> dict[str, list[dict[str, Any]]]:
    with DuckDbMemoryDb(path) as db:
        out = {
            row.TABLE: _table(db, row.TABLE, skip=TIMINGS.get(row.TABLE, set()))
            for row in LAB_TABLES
        }
        out["llm_calls"] = _table(
            db, "llm_calls", skip=LEDGER_VOLATILE, where="WHERE experiment_id IS NOT NULL"
        )
        out["memories"] = _table(db, "memories", skip={"seq"})
        return out


def _replay_clean(path: Path) -> dict[str, list[dict[str, Any]]]:
    replay(resume_experiment(), db=path, quiet=True, concurrency=2).close()
    return _dump(path)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The tables of an uninterrupted run."""
    return _replay_clean(tmp_path_factory.mktemp("clean") / "clean.duckdb")


def test_the_compared_rows_hold_every_kind_of_id(clean: dict[str, list[dict[str, Any]]]) -> None:
    for row in LAB_TABLES:
        assert TIMINGS.get(row.TABLE, set()) <= set(row.column_names())
        assert clean[row.TABLE], row.TABLE  # every kind of row is there to compare
    probes = clean[ProbeRow.TABLE]
    recalled = {i for p in probes for i in p["recalled_ids"] or []}
    assert any("/run:" in i for i in recalled)  # extracted memories, named by derivation
    assert all("/calls/answer/" in p["answer_call_id"] for p in probes)
    assert {p["repeat"] for p in probes} == {0, 1}


@pytest.mark.slow
def test_two_uninterrupted_runs_are_identical(
    tmp_path: Path, clean: dict[str, list[dict[str, Any]]]
) -> None:
    again = _replay_clean(tmp_path / "again.duckdb")
    for table, rows in clean.items():
        assert again[table] == rows, table


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "n", "committed"),
    [
        pytest.param("commit", 3, 3, id="between-units"),
        pytest.param("session", 8, None, id="mid-unit"),
        pytest.param("transaction", 2, 1, id="mid-commit"),
    ],
)
def test_a_killed_replay_resumes_to_the_same_rows(
    tmp_path: Path,
    clean: dict[str, list[dict[str, Any]]],
    point: str,
    n: int,
    committed: int | None,
) -> None:
    killed = tmp_path / "killed.duckdb"
    run = subprocess.run(
        [sys.executable, str(CHILD), str(killed), point, str(n)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == -9, run.stderr  # SIGKILL, not a finished run
    with DuckDbMemoryDb(killed) as db:
        units = len(Results(db).units_df())
        assert units == committed if committed is not None else units < 8
        # a unit that was half-way left runs behind in its namespace
        assert db.sql_df("SELECT count(*) AS n FROM runs")["n"].iloc[0] > 0
        left = db.sql_df("SELECT count(*) AS n FROM llm_calls WHERE experiment_id IS NULL")
        resumed = replay(resume_experiment(), db=db, quiet=True, concurrency=2)
        assert len(resumed.units_df()) == 8
        assert not db.failed_writes
        # The calls the killed attempts made are kept, under ids the new attempts do not use.
        kept = db.sql_df(
            "SELECT count(*) AS n FROM llm_calls WHERE starts_with(call_id, 'superseded-')"
        )
        assert kept["n"].iloc[0] == left["n"].iloc[0]
    got = _dump(killed)
    for table, rows in clean.items():
        assert got[table] == rows, table


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
        # the first attempts' calls are kept, renamed; the rows cite the new ones
        calls = db.sql_df("SELECT call_id, experiment_id FROM llm_calls")
        superseded = calls[calls["call_id"].str.startswith("superseded-")]
        assert len(superseded) == len(calls) // 2 and superseded["experiment_id"].isna().all()
        cited = set(forced.probes_df()["answer_call_id"]) | set(forced.probes_df()["judge_call_id"])
        assert cited <= set(calls["call_id"]) and not any(
            c.startswith("superseded-") for c in cited
        )
