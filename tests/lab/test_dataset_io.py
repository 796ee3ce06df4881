"""The native format: round trips, format detection by content, streaming, header checks."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from memlab.errors import ConfigError, DatasetError
from memlab.lab import (
    Attachment,
    Conversation,
    Dataset,
    Participant,
    Probe,
    Session,
    Turn,
    load_dataset,
    save_dataset,
)
from memlab.lab.data.dataset_io import FORMATS, detect_format
from memlab.lab.data.jsonstream import iter_json_array

DATA = Path(__file__).parent / "data"


def conversation(cid: str, *, split: str | None = None) -> Conversation:
    return Conversation(
        id=cid,
        split=split,
        participants=[
            Participant(name="Ana", principal=True),
            Participant(name="Assistant", role="assistant"),
        ],
        sessions=[
            Session(
                id="s1",
                started_at=datetime(2024, 1, 3, 9, 0, tzinfo=UTC),
                turns=[
                    Turn(id="t1", speaker="Ana", text="We adopted a puppy."),
                    Turn(
                        id="t2",
                        speaker="Ana",
                        text="Here she is",
                        at=datetime(2024, 1, 3, 9, 5, tzinfo=UTC),
                        attachments=[Attachment(caption="a puppy on a rug")],
                    ),
                    Turn(id="t3", speaker="Assistant", text="So cute! What is her name?"),
                ],
            ),
            Session(
                id="s2",
                started_at=datetime(2024, 2, 1, 18, 30, tzinfo=UTC),
                turns=[Turn(id="t4", speaker="Ana", text="Her name is Biscuit. Ünïcode ok.")],
            ),
        ],
        probes=[
            Probe(
                id="p1",
                question="What is the puppy's name?",
                answers=["Biscuit"],
                evidence=["t1", "t4"],
                category="multi-hop",
                about="Ana",
            ),
            Probe(
                id="p2",
                question="Did Ana have a puppy in January?",
                answers=["yes"],
                evidence=["t1"],
                asked_after="s1",
                asked_at=datetime(2024, 1, 4, tzinfo=UTC),
                stale_answers=["no"],
                trap_answers=["a kitten"],
            ),
            Probe(id="p3", question="What is Ana's job?", category="abstention", abstention=True),
        ],
    )


def dataset() -> Dataset:
    return Dataset(
        name="tiny",
        version="2",
        license="CC-BY-4.0",
        source="hand-written",
        description="Two tiny conversations.",
        conversations=[conversation("c1", split="dev"), conversation("c2", split="test")],
    )


@pytest.mark.parametrize("name", ["tiny.jsonl", "tiny.json"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    original = dataset()
    path = save_dataset(original, tmp_path / name)
    assert load_dataset(path) == original


def test_jsonl_layout_is_a_header_then_one_conversation_per_line(tmp_path: Path) -> None:
    path = save_dataset(dataset(), tmp_path / "tiny.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert json.loads(lines[0]) == {
        "format": "memlab-conversations",
        "version": 1,
        "name": "tiny",
        "dataset_version": "2",
        "license": "CC-BY-4.0",
        "source": "hand-written",
        "description": "Two tiny conversations.",
    }
    assert json.loads(lines[1])["id"] == "c1"
    assert "Ünïcode" in lines[2]  # UTF-8, not \u escapes


def test_save_is_deterministic(tmp_path: Path) -> None:
    a = save_dataset(dataset(), tmp_path / "a.jsonl").read_bytes()
    b = save_dataset(dataset(), tmp_path / "b.jsonl").read_bytes()
    assert a == b


def test_format_is_told_by_content_not_by_name(tmp_path: Path) -> None:
    native = save_dataset(dataset(), tmp_path / "native.jsonl")
    cases = {
        "native": native,
        "locomo": DATA / "locomo_quirks.json",
        "longmemeval": DATA / "longmemeval_small.json",
    }
    for expected, source in cases.items():
        disguised = tmp_path / f"{expected}.data.txt"
        shutil.copy(source, disguised)
        assert detect_format(disguised) == expected
        assert load_dataset(disguised, strict=False).conversations


def test_pretty_printed_json_object_loads(tmp_path: Path) -> None:
    path = tmp_path / "pretty.json"
    content = {"format": "memlab-conversations", "version": 1, "name": "pretty"}
    content["conversations"] = [conversation("c1").model_dump(mode="json")]
    path.write_text(json.dumps(content, indent=4), encoding="utf-8")
    loaded = load_dataset(path)
    assert loaded.name == "pretty"
    assert loaded.conversations == [conversation("c1")]


def test_limit_and_split(tmp_path: Path) -> None:
    data = dataset()
    data.conversations.append(conversation("c3", split="test"))
    path = save_dataset(data, tmp_path / "three.jsonl")
    assert [c.id for c in load_dataset(path, limit=2).conversations] == ["c1", "c2"]
    assert [c.id for c in load_dataset(path, split="test").conversations] == ["c2", "c3"]
    assert [c.id for c in load_dataset(path, split="test", limit=1).conversations] == ["c2"]
    assert load_dataset(path, limit=0).conversations == []


def test_limit_stops_reading_before_a_broken_tail(tmp_path: Path) -> None:
    path = save_dataset(dataset(), tmp_path / "tail.jsonl")
    with path.open("a", encoding="utf-8") as out:
        out.write("{ this line is not JSON\n")
    assert len(load_dataset(path, limit=2).conversations) == 2
    with pytest.raises(DatasetError, match=r"line 4 is not valid JSON"):
        load_dataset(path)
    lenient = load_dataset(path, strict=False)
    assert [c.id for c in lenient.conversations] == ["c1", "c2"]
    assert [(p.path, p.skipped) for p in lenient.problems] == [("conversations[2]", "line 4")]


def test_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    header = {"format": "memlab-conversations", "version": 1, "name": "h", "colour": "blue"}
    header["license"] = 7
    body = conversation("c1").model_dump_json()
    path.write_text(json.dumps(header) + "\n" + body + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert [p.path for p in info.value.problems] == ["header.colour", "header.license"]
    assert "unknown header field 'colour'" in str(info.value)
    lenient = load_dataset(path, strict=False)
    assert lenient.license is None
    assert len(lenient.conversations) == 1


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            {"format": "other", "version": 1}, "expected 'memlab-conversations'", id="fmt"
        ),
        pytest.param({"format": "memlab-conversations", "version": 2}, "upgrade", id="newer"),
        pytest.param({"format": "memlab-conversations"}, "positive integer", id="no-version"),
    ],
)
def test_header_errors_stop_reading(
    tmp_path: Path, header: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(header) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_dataset(path, strict=False)


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(tmp_path / "missing.jsonl")
    text = tmp_path / "notes.txt"
    text.write_text("hello\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="not a dataset file"):
        load_dataset(text)
    other = tmp_path / "list.json"
    other.write_text('[{"id": 1}]', encoding="utf-8")
    with pytest.raises(DatasetError, match="neither a LoCoMo sample"):
        load_dataset(other)
    with pytest.raises(ConfigError, match="unknown dataset format"):
        load_dataset(text, format="csv")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="limit"):
        load_dataset(text, limit=-1)


def test_cli_format_choices_match_the_loader() -> None:
    from memlab.commands.datasets import FORMATS as CLI_FORMATS

    assert CLI_FORMATS == FORMATS


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_json_array_stream_matches_json_load(tmp_path: Path, chunk: int) -> None:
    items = [{"a": [1, 2, {"b": "x]"}]}, 12345, "s,]", [], {"ü": None}, 3.5, True]
    path = tmp_path / "list.json"
    path.write_text(" \n" + json.dumps(items, indent=2), encoding="utf-8")
    assert [item for _, item in iter_json_array(path, chunk=chunk)] == items


def test_json_array_stream_reports_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"a": 1}, {"b": ]', encoding="utf-8")
    with pytest.raises(DatasetError, match="item 1 is not valid JSON"):
        list(iter_json_array(path, chunk=4))


def test_hand_written_native_fixture() -> None:
    data = load_dataset(DATA / "native_small.jsonl")
    assert (data.name, data.version, data.license) == ("native-small", "1", "CC-BY-4.0")
    assert data.splits() == {"dev": 1, "test": 1}
    ana, ben = data.conversations
    assert [p.name for p in ana.principals()] == ["Ana"]
    assert ana.sessions[0].turns[2].content() == (
        "Not decided yet. Here she is. [shared image: a beagle puppy on a red rug]"
    )
    session = ben.sessions[1]
    assert session.turn_time(session.turns[0]) == datetime(2024, 4, 12, 19, 2, tzinfo=UTC)
    assert session.turn_time(session.turns[1]) == datetime(2024, 4, 12, 19, 0, tzinfo=UTC)
    p2, p3 = ana.probes[1], ana.probes[2]
    assert (p2.asked_after, p2.answers) == ("s1", ["no", "not yet"])
    assert p3.stale_answers == ["Porto"]
    assert [
        c.id for c in load_dataset(DATA / "native_small.jsonl", split="test").conversations
    ] == ["ben"]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    plain = save_dataset(dataset(), tmp_path / "plain.jsonl")
    marked = tmp_path / "bom.jsonl"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert load_dataset(marked) == dataset()
