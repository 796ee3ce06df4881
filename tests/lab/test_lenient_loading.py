"""External files load as published: problems skipped, listed, counted; `strict` refuses.

The LoCoMo fixture carries the three kinds of defects of the real `locomo10.json`: an
evidence id of a turn its session does not have (`D10:19`), a bare `D`, and an id of a
session that does not exist (`D30:5`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from memlab.cli import main
from memlab.errors import DatasetError
from memlab.lab import load_dataset, save_dataset
from memlab.lab.analysis.results import open_results
from memlab.lab.data.skipped import skipped_counts, skipped_text
from memlab.lab.running.experiment import load_experiment
from memlab.lab.running.provenance import load_experiment_dataset

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
LOCOMO_TOML = ROOT / "examples" / "experiments" / "locomo.toml"
DEFECTS = ["evidence 'D10:19'", "evidence 'D'", "evidence 'D30:5'"]


@pytest.fixture
def locomo_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture as `locomo10.json` in the working directory, where the example TOML reads it."""
    shutil.copy(DATA / "locomo_quirks.json", tmp_path / "locomo10.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_external_formats_are_lenient_and_native_strict_by_default(tmp_path: Path) -> None:
    locomo = load_dataset(DATA / "locomo_quirks.json")
    assert [p.skipped for p in locomo.problems] == DEFECTS
    assert skipped_text(skipped_counts(locomo.problems)) == "3 evidence ids skipped"
    with pytest.raises(DatasetError, match="3 problem"):
        load_dataset(DATA / "locomo_quirks.json", strict=True)
    # The native format is ours: a problem there is a bug, refused unless asked otherwise.
    native = locomo.model_copy(update={"problems": []})
    bad = native.conversations[0].probes[0].model_copy(update={"evidence": ["D99:1"]})
    conv = native.conversations[0].model_copy(
        update={"probes": [bad, *native.conversations[0].probes[1:]]}
    )
    path = save_dataset(native.model_copy(update={"conversations": [conv]}), tmp_path / "n.jsonl")
    with pytest.raises(DatasetError, match="'D99:1', which does not exist"):
        load_dataset(path)
    assert len(load_dataset(path, strict=False).problems) == 1


def test_skipped_text_reads_in_the_singular() -> None:
    assert skipped_text({"evidence ids": 1, "probes": 2}) == "1 evidence id, 2 probes skipped"
    assert skipped_text({"turns": 1}) == "1 turn skipped"
    assert skipped_text({}) == ""


def test_example_toml_replays_the_file_and_reports_what_it_skipped(
    locomo_here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = locomo_here / "results.duckdb"
    main(["replay", str(LOCOMO_TOML), "--db", str(db), "--quiet"])
    err = capsys.readouterr().err
    assert "dataset loaded leniently, 3 evidence ids skipped" in err
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(listed) == 3  # each once, with its path in the file
    assert all("locomo10.json: [0].qa[" in line for line in listed)
    assert "[0].qa[1].evidence[1]" in listed[0] and "'D10:19'" in listed[0]
    results = open_results(db)
    try:
        dataset = results.provenance()["dataset"]
        assert dataset["skipped"] == {"evidence ids": 3}
        assert len(dataset["problems"]) == 3
        probes = results.probes_df()[["conversation_id", "probe_id"]].drop_duplicates()
        assert len(probes) == 9  # no probe was lost
        from memlab.lab.analysis.report import write_report

        report = write_report(results, locomo_here / "report", n_boot=50).read_text()
    finally:
        results.close()
    assert "3 evidence ids skipped" in report
    assert "'D30:5', which does not exist" in report


def test_strict_refuses_with_the_full_list_and_keeps_what_is_stored(
    locomo_here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = locomo_here / "results.duckdb"
    main(["replay", str(LOCOMO_TOML), "--db", str(db), "--quiet", "--limit", "1"])
    capsys.readouterr()
    before = db.stat().st_size
    with pytest.raises(SystemExit) as info:
        main(["replay", str(LOCOMO_TOML), "--db", str(db), "--quiet", "--strict"])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert "3 problem(s)" in err and "--strict" in err
    for defect in ("'D10:19'", "'D' is not a turn id", "'D30:5'"):
        assert defect in err
    assert db.stat().st_size == before  # refused before the results file was touched


def test_strict_key_in_the_toml(locomo_here: Path) -> None:
    text = LOCOMO_TOML.read_text(encoding="utf-8")
    strict = locomo_here / "strict.toml"
    strict.write_text(text.replace('format = "locomo"', 'format = "locomo"\nstrict = true'))
    lenient = load_experiment(LOCOMO_TOML)
    refused = load_experiment(strict)
    # Strictness decides whether a file is refused, not what a result means: same id.
    assert refused.experiment_id() == lenient.experiment_id()
    with pytest.raises(DatasetError) as info:
        load_experiment_dataset(refused)
    assert [p.skipped for p in info.value.problems] == DEFECTS
    assert "set `strict = false` under [dataset]" in str(info.value)
    assert len(load_experiment_dataset(lenient).problems) == 3


def test_only_the_problems_of_replayed_conversations_are_counted(locomo_here: Path) -> None:
    second = load_experiment(LOCOMO_TOML).with_overrides(limit=1)
    assert len(load_experiment_dataset(second).problems) == 3  # all in conv-a, the first
    data = json.loads((locomo_here / "locomo10.json").read_text(encoding="utf-8"))
    (locomo_here / "locomo10.json").write_text(json.dumps(data[::-1]), encoding="utf-8")
    assert load_experiment_dataset(second).problems == []  # conv-b first now: it is clean


# ----------------------------------------------------------------- LongMemEval, as published


def _question(qid: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question_id": qid,
        "question_type": "single-session-assistant",
        "question": "Which wine did you recommend for the risotto?",
        "answer": "a Soave",
        "question_date": "2023/06/02 (Fri) 10:15",
        "haystack_session_ids": ["s1", "s2"],
        "haystack_dates": ["2023/05/20 (Sat) 02:21", "2023/05/28 (Sun) 18:40"],
        "haystack_sessions": [
            [
                {"role": "user", "content": "What goes with mushroom risotto?"},
                {"role": "assistant", "content": "A Soave, crisp and light.", "has_answer": True},
            ],
            [{"role": "user", "content": "Thanks!"}],
        ],
        "answer_session_ids": ["s1"],
    }
    return {**base, **fields}


def test_longmemeval_specifics(tmp_path: Path) -> None:
    path = tmp_path / "lme.json"
    items = [
        _question("q1"),
        _question("q2_abs", answer="You did not mention any wine."),
        _question("q3", answer_session_ids=["s1", "gone"]),
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    dataset = load_dataset(path)
    q1, q2, q3 = (c.probes[0] for c in dataset.conversations)
    assert q1.evidence == ["s1:1"]  # the assistant's turn holds the answer
    assert q1.asked_at is not None and q1.asked_at.isoformat() == "2023-06-02T10:15:00+00:00"
    assert (q2.abstention, q2.evidence, q2.answers) == (True, [], [])
    assert q3.evidence == ["s1:1"]
    assert [(p.conversation_id, p.skipped) for p in dataset.problems] == [
        ("q3", "evidence session 'gone'")
    ]
    assert skipped_text(skipped_counts(dataset.problems)) == "1 evidence session skipped"
    with pytest.raises(DatasetError, match="answer session 'gone' is not in the haystack"):
        load_dataset(path, strict=True)
