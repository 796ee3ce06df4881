"""`memlab datasets stats` reports a dataset's shape: sessions, turns, words, principals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.lab.data.dataset import Conversation, Dataset, Participant, Session, Turn
from memlab.lab.data.dataset_io import load_dataset
from memlab.lab.data.dataset_stats import Spread, dataset_stats

ROOT = Path(__file__).resolve().parents[2]
V2 = ROOT / "datasets" / "memlab-synthetic-v2.jsonl"


def _conversation(cid: str, turns_per_session: list[int], *, pair: bool) -> Conversation:
    people = [Participant(name="Ana", principal=True)]
    people.append(
        Participant(name="Ben", principal=True)
        if pair
        else Participant(name="Assistant", role="assistant")
    )
    sessions = []
    for s, n in enumerate(turns_per_session):
        turns = [
            Turn(id=f"s{s}:t{t}", speaker=people[t % 2].name, text=" ".join(["word"] * (t + 1)))
            for t in range(n)
        ]
        sessions.append(
            Session(id=f"s{s}", started_at=datetime(2024, 1, s + 1, tzinfo=UTC), turns=turns)
        )
    return Conversation(id=cid, participants=people, sessions=sessions)


def test_shape_figures_are_computed_per_conversation_and_turn() -> None:
    dataset = Dataset(
        name="shape",
        conversations=[
            _conversation("a", [2, 3], pair=True),  # 5 turns: 1+2 and 1+2+3 words
            _conversation("b", [1, 1, 2], pair=False),  # 4 turns: 1, 1, 1+2 words
            _conversation("c", [4], pair=False),  # 4 turns: 1+2+3+4 words
        ],
    )
    stats = dataset_stats(dataset)
    assert stats.sessions_per_conversation == Spread(mean=2.0, min=1, median=2, max=3)
    assert stats.turns_per_conversation == Spread(mean=4.33, min=4, median=4, max=5)
    words = [1, 2, 1, 2, 3, 1, 1, 1, 2, 1, 2, 3, 4]
    assert stats.words_per_turn == Spread(mean=round(sum(words) / 13, 2), min=1, median=2, max=4)
    assert stats.principals_per_conversation == {"1": 2, "2": 1}


def test_empty_dataset_has_no_spread() -> None:
    stats = dataset_stats(Dataset(name="empty", conversations=[]))
    assert stats.turns_per_conversation is None and stats.words_per_turn is None
    assert Spread.of([]) == Spread(mean=0, min=0, median=0, max=0)
    assert Spread.of([4, 1, 3, 2]).median == 2.5


def test_stats_json_shows_v2_holds_the_fields_shape(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "stats", str(V2), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["sessions_per_conversation"]["mean"] >= 20
    assert out["turns_per_conversation"]["mean"] >= 400
    assert out["words_per_turn"]["mean"] >= 15
    assert out["principals_per_conversation"] == {"1": 20, "2": 20}
    assert out["probes"] >= 1500 and len(out["categories"]) >= 6


def test_stats_text_prints_the_shape(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "stats", str(V2)])
    out = capsys.readouterr().out
    assert "sessions per conversation: mean 23.7" in out
    assert "principals per conversation: 1: 20, 2: 20" in out
    assert "words per turn: mean " in out


@pytest.mark.parametrize("split", [pytest.param("dev", id="dev"), pytest.param("test", id="test")])
def test_stats_of_one_split_counts_only_its_conversations(
    split: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["datasets", "stats", str(V2), "--split", split, "--json"])
    out = json.loads(capsys.readouterr().out)
    part = load_dataset(V2, split=split)  # the loader's own split filter, independently
    assert out["split"] == split and out["splits"] == {split: len(part.conversations)}
    assert out["conversations"] == len(part.conversations)
    assert out["turns"] == sum(c.turn_count() for c in part.conversations)
    assert out["probes"] == part.probe_count()
    assert out["turns_per_conversation"] == dataset_stats(part).turns_per_conversation.model_dump()


def test_stats_of_the_splits_add_up_to_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    counts = []
    for split in ("dev", "test", None):
        main(["datasets", "stats", str(V2), "--json", *(["--split", split] if split else [])])
        counts.append(json.loads(capsys.readouterr().out))
    dev, test, whole = counts
    for key in ("conversations", "sessions", "turns", "probes", "abstention"):
        assert dev[key] + test[key] == whole[key], key
    assert "split" not in whole


def test_stats_text_names_the_split(capsys: pytest.CaptureFixture[str]) -> None:
    main(["datasets", "stats", str(V2), "--split", "test"])
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{V2} (memlab-synthetic-v2, split test)"
    assert "conversations per split: test 14" in out


def test_an_unknown_split_names_the_splits_there_are(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["datasets", "stats", str(V2), "--split", "train"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "no conversation in split 'train'" in err
    assert "dev (26 conversations), test (14 conversations)" in err and "--split" in err
