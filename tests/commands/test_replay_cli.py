"""`memlab replay CONFIG.toml`: runs, resumes, and reports config errors with key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from memlab.cli import main
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Dataset
from memlab.lab.data.dataset_io import save_dataset

CONFIG = """
name = "cli"
[dataset]
path = "tiny.jsonl"
[[ingest]]
kind = "verbatim"
[[recall]]
strategy = "bm25"
k = [1, 3]
[answer]
"""


def _setup(tmp_path: Path) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "lab"))
    from replay_fixtures import agent_conversation

    save_dataset(
        Dataset(name="tiny", conversations=[agent_conversation("a"), agent_conversation("b")]),
        tmp_path / "tiny.jsonl",
    )
    config = tmp_path / "exp.toml"
    config.write_text(CONFIG)
    return config


def test_replay_writes_a_results_file_and_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _setup(tmp_path)
    db = tmp_path / "out" / "cli.duckdb"
    main(["replay", str(config), "--db", str(db), "--limit", "1", "--quiet"])
    out = capsys.readouterr().out
    assert "1 units, 10 probe rows (0 errors), 0 unhealthy units" in out
    assert f"memlab report --db {db}" in out
    main(["replay", str(config), "--db", str(db), "--quiet", "--concurrency", "2"])
    assert "2 units, 20 probe rows" in capsys.readouterr().out
    results = open_results(db)
    try:
        assert sorted(results.units_df()["conversation_id"]) == ["a", "b"]
    finally:
        results.close()


def test_model_override_reaches_every_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _setup(tmp_path)
    db = tmp_path / "m.duckdb"
    # the test suite blocks the network: the hosted model's calls fail as error rows
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "replay",
                str(config),
                "--db",
                str(db),
                "--limit",
                "1",
                "--quiet",
                "--model",
                "gpt-4o-mini",
            ]
        )
    assert exit_.value.code == 4  # every probe errored: see test_replay_exit_codes.py
    assert "10 probe rows (10 errors)" in capsys.readouterr().out


def test_a_bad_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _setup(tmp_path)
    config.write_text(CONFIG.replace('strategy = "bm25"', 'strategy = "bm52"'))
    with pytest.raises(SystemExit) as exit_:
        main(["replay", str(config), "--quiet"])
    assert exit_.value.code == 2
    assert "recall[0].strategy: unknown strategy 'bm52'; known:" in capsys.readouterr().err
