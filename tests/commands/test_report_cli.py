from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from memlab.cli import main
from memlab.errors import StoreError
from memlab.lab.analysis.results import open_results
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


def _garble(data: bytes) -> bytes:
    # 256 seeded random bytes every 64 KiB across the middle half: every block there is hit.
    rng = random.Random(17)
    out = bytearray(data)
    for start in range(len(out) // 4, 3 * len(out) // 4, 64 * 1024):
        out[start : start + 256] = rng.randbytes(256)
    return bytes(out)


RESTORE = "Restore it from a backup copy"
DAMAGED = [
    pytest.param(lambda b: b[: len(b) // 2], "is truncated", RESTORE, id="truncated-50%"),
    pytest.param(lambda b: b[: len(b) * 9 // 10], "is truncated", RESTORE, id="truncated-90%"),
    pytest.param(_garble, "is corrupt", RESTORE, id="garbled"),
    pytest.param(
        lambda b: b"variant,accuracy\nA,0.5\n" * 40, "is not a DuckDB", "Check the path", id="text"
    ),
    pytest.param(lambda b: b"", "is empty (0 bytes)", "does not exist yet", id="empty"),
]


@pytest.mark.parametrize(("damage", "problem", "advice"), DAMAGED)
def test_a_damaged_results_file_is_refused_by_open_results(
    results_db: Path, tmp_path: Path, damage: Callable[[bytes], bytes], problem: str, advice: str
) -> None:
    path = tmp_path / "damaged.duckdb"
    damaged = damage(results_db.read_bytes())
    path.write_bytes(damaged)
    with pytest.raises(StoreError) as caught:
        results = open_results(path)  # opens, checks versions, reads the experiments
        try:
            results.probes_df()  # the first read of the results themselves
            results.units_df()
            results.calls_df()
        finally:
            results.close()
    message = str(caught.value)
    assert message.startswith(f"{path} {problem}"), message
    assert advice in message
    assert path.read_bytes() == damaged
    assert [p.name for p in tmp_path.iterdir()] == ["damaged.duckdb"]


@pytest.mark.parametrize(("damage", "problem", "advice"), DAMAGED)
def test_memlab_report_on_a_damaged_file_says_what_to_do_without_a_traceback(
    results_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[bytes], bytes],
    problem: str,
    advice: str,
) -> None:
    path = tmp_path / "damaged.duckdb"
    damaged = damage(results_db.read_bytes())
    path.write_bytes(damaged)
    with pytest.raises(SystemExit) as exc:
        main(["report", "--db", str(path), "--out", str(tmp_path / "rep"), "--n-boot", "0"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"memlab: {path} {problem}"), err
    assert advice in err
    assert "Traceback" not in err
    assert path.read_bytes() == damaged
    assert not (tmp_path / "rep" / "report.md").exists()


def test_memlab_report_refuses_a_file_from_a_newer_memlab(
    results_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "newer.duckdb"
    path.write_bytes(results_db.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO _migrations VALUES ('m999_future', now()::TIMESTAMP)")
    con.close()
    before = path.read_bytes()
    with pytest.raises(SystemExit) as exc:
        main(["report", "--db", str(path), "--n-boot", "0"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"memlab: {path}: its store tables are at version 999 (migrations m999_future), "
        "written by a newer memlab; this memlab "
    )
    assert "Upgrade memlab (`pip install -U memlab`)" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(("damage", "problem", "advice"), DAMAGED)
def test_a_replay_into_a_damaged_results_file_is_refused_and_the_file_kept(
    results_db: Path, tmp_path: Path, damage: Callable[[bytes], bytes], problem: str, advice: str
) -> None:
    path = tmp_path / "damaged.duckdb"
    damaged = damage(results_db.read_bytes())
    path.write_bytes(damaged)
    experiment = build_experiment(
        {
            "name": "cli",
            "dataset": _dataset(),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": [1, 2]}],
            "answer": {},
        }
    )
    with pytest.raises(StoreError) as caught:
        replay(experiment, db=path, quiet=True).close()
    assert str(caught.value).startswith(f"{path} {problem}"), str(caught.value)
    assert advice in str(caught.value)
    assert path.read_bytes() == damaged
