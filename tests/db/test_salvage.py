"""`copy_cache` carries the model answers of a damaged file into a new one, never writing it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.db.salvage import copy_cache, main
from memlab.errors import ConfigError, StoreError
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Conversation, Dataset, Participant, Probe, Session, Turn
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import replay


def _experiment() -> Experiment:
    turns = [
        Turn(id="t1", speaker="Ana", text="My sister Rita lives in Oslo."),
        Turn(id="t2", speaker="Ana", text="I play the cello on Sundays."),
    ]
    conversation = Conversation(
        id="c1",
        participants=[Participant(name="Ana", principal=True)],
        sessions=[Session(id="s1", started_at=datetime(2024, 5, 1, tzinfo=UTC), turns=turns)],
        probes=[
            Probe(id="q1", question="Where does Rita live?", answers=["Oslo"], evidence=["t1"]),
            Probe(id="q2", question="What does Ana play?", answers=["cello"], evidence=["t2"]),
        ],
    )
    return build_experiment(
        {
            "name": "salvage",
            "dataset": Dataset(name="salvage", conversations=[conversation]),
            "ingest": [{"kind": "extract"}],
            "recall": [{"strategy": "bm25", "k": 2}],
            "answer": {},
            "judge": {},
        }
    )


@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replay") / "first.duckdb"
    replay(_experiment(), db=path, quiet=True).close()
    return path


def _cache_size(path: Path) -> int:
    with DuckDbMemoryDb(path, read_only=True) as db:
        return int(db.sql_df("SELECT count(*) AS n FROM llm_cache")["n"].iloc[0])


def test_a_replay_reruns_from_the_cache_of_a_truncated_results_file(
    results_file: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.duckdb"
    data = results_file.read_bytes()[: results_file.stat().st_size * 9 // 10]
    damaged.write_bytes(data)
    with pytest.raises(StoreError, match="is truncated"):
        DuckDbMemoryDb(damaged, read_only=True)
    cached = _cache_size(results_file)
    assert cached > 0
    assert copy_cache(damaged, tmp_path / "new.duckdb") == cached
    assert copy_cache(damaged, tmp_path / "new.duckdb") == 0  # entries already there are kept
    assert damaged.read_bytes() == data
    rerun = replay(_experiment(), db=tmp_path / "new.duckdb", quiet=True)
    try:
        calls = rerun.calls_df()
        assert len(calls) > 0
        assert calls["cached"].all()  # not one model was asked again
        first = open_results(results_file)
        try:
            columns = ["variant_id", "probe_id", "status", "answer", "judge", "token_f1"]
            assert rerun.probes_df()[columns].equals(first.probes_df()[columns])
        finally:
            first.close()
    finally:
        rerun.close()


def test_a_file_whose_cache_is_lost_copies_nothing(tmp_path: Path) -> None:
    source = tmp_path / "notes.duckdb"
    source.write_text("not a database\n")
    with pytest.raises(StoreError, match="is not a DuckDB database file"):
        copy_cache(source, tmp_path / "new.duckdb")
    with pytest.raises(StoreError, match="no such file"):
        copy_cache(tmp_path / "missing.duckdb", tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()


def test_the_damaged_file_is_never_the_target(results_file: Path) -> None:
    with pytest.raises(ConfigError, match="never writes to a damaged file"):
        copy_cache(results_file, results_file)


def test_the_command_says_how_many_answers_it_copied(
    results_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new.duckdb"
    main([str(results_file), str(target)])
    out = capsys.readouterr().out
    assert out.startswith(f"copied {_cache_size(results_file)} cached model answers from ")
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "missing.duckdb"), str(target)])
    assert exc.value.code == 2
    assert "no such file" in capsys.readouterr().err
