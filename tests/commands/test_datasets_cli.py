"""`memlab datasets stats | validate | convert` on hand-written fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.lab import load_dataset

DATA = Path(__file__).parents[1] / "lab" / "data"
LOCOMO = DATA / "locomo_quirks.json"
LME = DATA / "longmemeval_small.json"


def test_stats_json_on_locomo(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "stats", str(LOCOMO), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("conversations", "sessions", "turns", "probes")} == {
        "conversations": 2,
        "sessions": 5,
        "turns": 12,
        "probes": 9,
    }
    assert out["categories"] == {
        "single-hop": 4,
        "adversarial": 2,
        "multi-hop": 1,
        "open-domain": 1,
        "temporal": 1,
    }
    assert out["abstention"] == 2
    assert [(p["conversation_id"], p["path"], p["skipped"]) for p in out["problems"]] == [
        ("conv-a", "[0].qa[1].evidence[1]", "evidence 'D10:19'"),
        ("conv-a", "[0].qa[2].evidence[0]", "evidence 'D'"),
        ("conv-a", "[0].qa[5].evidence[0]", "evidence 'D30:5'"),
    ]


def test_stats_text(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "stats", str(LME)])
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()]
    assert ["conversations", "3"] in lines
    assert ["turns", "14"] in lines
    assert ["single-session-user", "2"] in lines
    assert ["problems:", "0"] in lines


def test_validate_exits_1_listing_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["datasets", "validate", str(LOCOMO)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "problems: 3" in err
    assert "'D10:19', which does not exist" in err
    assert "'D' is not a turn id" in err
    assert "'D30:5', which does not exist" in err


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "validate", str(LME), "--format", "longmemeval"])
    assert "valid (3 conversations, 14 turns, 3 probes)" in capsys.readouterr().out


def test_convert_to_native(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "locomo.jsonl"
    main(["datasets", "convert", str(LOCOMO), "--to", str(out)])
    captured = capsys.readouterr()
    assert f"wrote {out}: 2 conversations, 9 probes" in captured.out
    assert "problems: 3" in captured.err  # what was skipped is said, not dropped silently
    converted = load_dataset(out)  # strict: the native file is clean
    assert converted.conversations == load_dataset(LOCOMO, strict=False).conversations
    main(["datasets", "stats", str(out), "--json"])
    assert json.loads(capsys.readouterr().out)["problems"] == []


def test_convert_strict_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["datasets", "convert", str(LOCOMO), "--to", str(tmp_path / "x.jsonl"), "--strict"])
    assert info.value.code == 2
    assert "3 problem(s)" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["datasets", "stats", str(tmp_path / "nope.json")])
    assert info.value.code == 2
    assert "no such file" in capsys.readouterr().err


def test_stats_json_keys_on_native(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "stats", str(DATA / "native_small.jsonl"), "--json"])
    assert json.loads(capsys.readouterr().out) == {
        "name": "native-small",
        "conversations": 2,
        "sessions": 4,
        "turns": 10,
        "probes": 6,
        "categories": {
            "abstention": 1,
            "knowledge-update": 1,
            "multi-hop": 1,
            "preference": 1,
            "single-hop": 1,
            "temporal": 1,
        },
        "abstention": 1,
        "splits": {"dev": 1, "test": 1},
        "problems": [],
        "sessions_per_conversation": {"mean": 2.0, "min": 2.0, "median": 2.0, "max": 2.0},
        "turns_per_conversation": {"mean": 5.0, "min": 4.0, "median": 5.0, "max": 6.0},
        "words_per_turn": {"mean": 6.9, "min": 3.0, "median": 6.5, "max": 12.0},
        "principals_per_conversation": {"1": 2},
    }
