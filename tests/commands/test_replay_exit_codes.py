"""`memlab replay` exits with a code that says how the run went, after writing everything."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.commands.outcome import EXIT_ALL_ERRORED, EXIT_UNHEALTHY
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Dataset
from memlab.lab.data.dataset_io import save_dataset

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")

HEALTHY = """
name = "codes"
[dataset]
path = "tiny.jsonl"
[[ingest]]
kind = "verbatim"
[[recall]]
strategy = "bm25"
k = 2
[answer]
"""

# No session has 1000 runs, so no summary is ever written: recall over summaries is empty.
EMPTY_RECALL = HEALTHY.replace(
    '[[recall]]\nstrategy = "bm25"',
    '[[summary]]\ntrigger = "every_n_runs"\nn = 1000\n[[recall]]\nstrategy = "last_n"\n'
    'over = "summaries"',
)


def _config(tmp_path: Path, text: str) -> Path:
    sys.path.insert(0, str(Path(__file__).parents[1] / "lab"))
    from replay_fixtures import agent_conversation

    save_dataset(
        Dataset(name="tiny", conversations=[agent_conversation("a"), agent_conversation("b")]),
        tmp_path / "tiny.jsonl",
    )
    config = tmp_path / "exp.toml"
    config.write_text(text)
    return config


def _replay(config: Path, db: Path, *more: str) -> int:
    try:
        main(["replay", str(config), "--db", str(db), "--quiet", *more])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_a_healthy_replay_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _replay(_config(tmp_path, HEALTHY), tmp_path / "r.duckdb") == 0
    assert capsys.readouterr().err == ""


def test_an_unhealthy_unit_exits_3_after_writing_every_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.duckdb"
    assert _replay(_config(tmp_path, EMPTY_RECALL), db) == EXIT_UNHEALTHY == 3
    captured = capsys.readouterr()
    assert "2 units, 10 probe rows (0 errors), 2 unhealthy units" in captured.out
    assert "memlab: 2 unhealthy units (" in captured.err
    results = open_results(db)
    try:
        assert results.units_df()["health"].str.startswith("empty_recall:").all()
    finally:
        results.close()


def test_every_probe_of_a_variant_errored_exits_4_after_writing_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.duckdb"
    # The suite blocks the network, so a hosted answer model fails every call.
    code = _replay(_config(tmp_path, HEALTHY), db, "--model", "gpt-4o-mini")
    assert code == EXIT_ALL_ERRORED == 4
    captured = capsys.readouterr()
    assert "2 units, 10 probe rows (10 errors), 0 unhealthy units" in captured.out
    assert "memlab: every probe of variant 'verbatim · bm25@2' errored" in captured.err
    assert "?" not in captured.err
    results = open_results(db)
    try:
        assert len(results.units_df()) == 2 and len(results.probes_df()) == 10
    finally:
        results.close()
    main(["report", "--db", str(db), "--out", str(tmp_path / "report"), "--n-boot", "0"])
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "No probe was scored: every probe errored (10 of 10); see Health" in report
    assert "- **error**: verbatim · bm25@2: every probe errored (10 of 10)" in report
    assert "errored?" not in report


def test_the_help_documents_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["replay", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out
    for code in range(5):
        assert f"\n  {code}  " in out
    docs = (Path(__file__).parents[2] / "docs" / "replay.md").read_text(encoding="utf-8")
    for code in range(5):
        assert f"| `{code}` |" in docs
