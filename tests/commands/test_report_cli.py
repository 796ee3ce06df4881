from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.lab.data.dataset import Conversation, Dataset, Participant, Probe, Session, Turn
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay


def _dataset() -> Dataset:
    conversations = []
    for cid in ("c1", "c2"):
        turns = [
            Turn(id="t1", speaker="Ana", text="My sister Rita lives in Oslo."),
            Turn(id="t2", speaker="Ana", text="I play the cello on Sundays."),
        ]
        conversations.append(
            Conversation(
                id=cid,
                participants=[Participant(name="Ana", principal=True)],
                sessions=[
                    Session(id="s1", started_at=datetime(2024, 5, 1, tzinfo=UTC), turns=turns)
                ],
                probes=[
                    Probe(
                        id="q1", question="Where does Rita live?", answers=["Oslo"], evidence=["t1"]
                    ),
                    Probe(
                        id="q2", question="What does Ana play?", answers=["cello"], evidence=["t2"]
                    ),
                ],
            )
        )
    return Dataset(name="cli-report", conversations=conversations)


@pytest.fixture(scope="module")
def results_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("results") / "cli.duckdb"
    experiment = build_experiment(
        {
            "name": "cli",
            "dataset": _dataset(),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": [1, 2]}],
            "answer": {},
        }
    )
    replay(experiment, db=db, quiet=True).close()
    return db


def test_report_writes_markdown_and_plots(
    results_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["report", "--db", str(results_db), "--out", str(tmp_path / "rep"), "--n-boot", "50"])
    report = tmp_path / "rep" / "report.md"
    assert capsys.readouterr().out.strip() == f"wrote {report}"
    text = report.read_text()
    assert text.startswith("# Replay report: cli\n")
    assert "- counts: 2 conversations, 2 sessions, 4 turns, 4 probes" in text
    assert "(50 resamples, seed 0)" in text
    assert (tmp_path / "rep" / "accuracy_vs_tokens.png").is_file()


def test_report_defaults_next_to_the_db(results_db: Path) -> None:
    main(["report", "--db", str(results_db), "--n-boot", "0"])
    assert (results_db.parent / "cli-report" / "report.md").is_file()


def test_report_errors_say_what_to_do(
    tmp_path: Path, results_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", "--db", str(tmp_path / "missing.duckdb")])
    assert exc.value.code == 2
    assert "no such results file; run `memlab replay" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--db", str(results_db), "--experiment", "e-nope"])
    assert "has no experiment 'e-nope'" in capsys.readouterr().err
