"""The bundled synthetic dataset: deterministic, fresh, big enough, and its gold holds up."""

from __future__ import annotations

import importlib.util
import re
import string
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "datasets"))

# Loaded under a unique name: "generate" is too common a module name to put on sys.path.
_spec = importlib.util.spec_from_file_location(
    "memlab_synthetic_generate", ROOT / "datasets" / "generate.py"
)
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)
import synth_phrases  # noqa: E402
from synth_dates import WEEKDAYS, elapsed, spellings  # noqa: E402

from memlab.lab.data.dataset import Conversation  # noqa: E402

COMMITTED = ROOT / "datasets" / "memlab-synthetic-v1.jsonl"


@pytest.fixture(scope="module")
def convs() -> list[Conversation]:
    return generate.generate()[1]


def test_same_seed_writes_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    one, two, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    generate.main(["--seed", "3", "--out", str(one), "--conversations", "12", "--test", "4"])
    generate.main(["--seed", "3", "--out", str(two), "--conversations", "12", "--test", "4"])
    generate.main(["--seed", "4", "--out", str(other), "--conversations", "12", "--test", "4"])
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes() != other.read_bytes()


def test_committed_file_equals_a_fresh_generation() -> None:
    header, convs = generate.generate(generate.DEFAULT_SEED)
    fresh = generate.render(header, convs).encode("utf-8")
    assert COMMITTED.read_bytes() == fresh, (
        "datasets/memlab-synthetic-v1.jsonl is stale: run `python datasets/generate.py` "
        "(and bump DATASET_VERSION if the content changed)"
    )
    assert len(fresh) < 3_000_000


def test_header_line() -> None:
    header = generate.generate(generate.DEFAULT_SEED)[0]
    assert header["format"] == "memlab-conversations"
    assert header["version"] == 1
    assert header["dataset_version"] == generate.DATASET_VERSION
    assert header["license"] == "CC-BY-4.0"


def test_counts_and_shape(convs: list[Conversation]) -> None:
    assert len(convs) == 44
    assert Counter(c.split for c in convs) == {"dev": 30, "test": 14}
    firsts = [c.participants[0].name for c in convs]
    assert len(set(firsts)) == len(firsts)  # one distinct person per conversation
    for c in convs:
        user, assistant = c.participants
        assert (user.role, user.principal, assistant.role) == ("user", True, "assistant")
        assert 4 <= len(c.sessions) <= 8
        starts = [s.started_at for s in c.sessions]
        assert starts == sorted(starts)
        assert starts[-1] - starts[0] >= timedelta(weeks=4)
        for s in c.sessions:
            assert 8 <= len(s.turns) <= 20
            assert {t.speaker for t in s.turns} == {user.name, assistant.name}
    categories = Counter(p.category for c in convs for p in c.probes)
    assert sum(categories.values()) >= 600
    assert set(categories) == set(generate.CATEGORIES)
    assert min(categories.values()) >= 100
    assert sum(1 for c in convs for p in c.probes if p.asked_after is not None) >= 100
    # Some abstention probes dangle a distractor's value; some turns share a photo.
    assert sum(1 for c in convs for p in c.probes if p.trap_answers) >= 40
    assert sum(1 for c in convs for _, t in c.turns() if t.attachments) >= 30


def test_ids_are_unique_and_well_formed(convs: list[Conversation]) -> None:
    probe_ids = [p.id for c in convs for p in c.probes]
    assert len(set(probe_ids)) == len(probe_ids)
    assert len({c.id for c in convs}) == len(convs)
    for c in convs:
        turn_ids = [t.id for _, t in c.turns()]
        assert len(set(turn_ids)) == len(turn_ids)
        for s in c.sessions:
            assert all(re.fullmatch(rf"{s.id}:t\d+", t.id) for t in s.turns)


def test_every_probe_cites_turns_that_hold_its_answer(convs: list[Conversation]) -> None:
    for c in convs:
        text = {t.id: t.text.lower() for _, t in c.turns()}
        order = [s.id for s in c.sessions]
        for p in c.probes:
            if p.abstention:
                assert (p.answers, p.evidence, p.category) == ([], [], "abstention"), p.id
                said = " ".join(text.values())
                assert all(trap.lower() in said for trap in p.trap_answers), p.id
                continue
            assert p.answers and p.evidence, p.id
            assert all(e in text for e in p.evidence), p.id
            if p.asked_after is not None:
                # Asked mid-conversation: its evidence was already said.
                limit = order.index(p.asked_after)
                assert all(order.index(e.split(":")[0]) <= limit for e in p.evidence), p.id
            cited = " ".join(text[e] for e in p.evidence)
            if p.category == "temporal" or p.question.startswith(("How many", "Is ")):
                continue  # dates and counts are computed, checked below
            assert any(a.lower() in cited for a in p.answers), (p.id, p.answers, cited)


def test_knowledge_updates_keep_the_stale_value_in_earlier_sessions(
    convs: list[Conversation],
) -> None:
    updates = [(c, p) for c in convs for p in c.probes if p.category == "knowledge-update"]
    assert len(updates) >= 100
    for c, p in updates:
        assert p.stale_answers and p.asked_after is None, p.id
        if p.stale_answers == ["yes"]:
            continue
        first_evidence = min(
            c.sessions.index(s) for s in c.sessions for t in s.turns if t.id in p.evidence
        )
        earlier = " ".join(t.text for s in c.sessions[:first_evidence] for t in s.turns)
        assert any(s.lower() in earlier.lower() for s in p.stale_answers), p.id


def test_dates_in_gold_come_from_session_dates(convs: list[Conversation]) -> None:
    checked = 0
    for c in convs:
        said = {t.id: (s.started_at.date(), t.text) for s, t in c.turns()}
        for p in c.probes:
            if p.category != "temporal" or not p.question.startswith("When did"):
                continue
            day, text = said[p.evidence[0]]
            assert p.answers == spellings(_resolve(text, day)), p.id
            checked += 1
    assert checked >= 80


def test_how_long_ago_is_measured_from_the_moment_asked(convs: list[Conversation]) -> None:
    for c in convs:
        starts = {s.id: s.started_at.date() for s in c.sessions}
        said = {t.id: (s.started_at.date(), t.text) for s, t in c.turns()}
        for p in c.probes:
            if "how long ago" not in p.question.lower():
                continue
            now = starts[p.asked_after or c.sessions[-1].id]
            assert p.asked_at is not None and p.asked_at.date() == now, p.id
            assert p.answers == elapsed(_resolve(*reversed(said[p.evidence[0]])), now), p.id


def _resolve(text: str, day: date) -> date:
    # Recompute the day a relative phrase in `text` denotes, independently of the generator.
    lowered = text.lower()
    for n, word in ((3, "three"), (2, "two")):
        if f"{word} days ago" in lowered:
            return day - timedelta(days=n)
    if "yesterday" in lowered:
        return day - timedelta(days=1)
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b(last|on) {name.lower()}\b", lowered):
            return day - timedelta(days=(day.weekday() - i) % 7 or 7)
    assert "today" in lowered or "this morning" in lowered, text
    return day


def test_each_kind_of_fact_has_six_phrasings_with_known_placeholders(
    convs: list[Conversation],
) -> None:
    for kind, templates in synth_phrases.FACTS.items():
        assert len(set(templates)) >= 6, kind
        for template in templates:
            names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            assert names, (kind, template)


def test_loads_strictly_with_memlab(tmp_path: Path) -> None:
    from memlab.lab.data.dataset_io import load_dataset

    dataset = load_dataset(COMMITTED, strict=True)
    assert dataset.problems == []
    assert (dataset.name, dataset.version, dataset.license) == (
        "memlab-synthetic",
        generate.DATASET_VERSION,
        "CC-BY-4.0",
    )
    assert dataset.splits() == {"dev": 30, "test": 14}
    assert len(load_dataset(COMMITTED, split="test").conversations) == 14


def test_memlab_never_reads_the_phrase_lists() -> None:
    for path in (ROOT / "memlab").rglob("*"):
        if path.suffix in (".py", ".md", ".json", ".txt", ".toml"):
            source = path.read_text(encoding="utf-8", errors="replace")
            assert "synth_" not in source, path


def test_stats_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate.main(["--out", str(tmp_path / "d.jsonl"), "--stats"])
    out = capsys.readouterr().out
    assert "| conversations | 30 | 14 | 44 |" in out
    for category in generate.CATEGORIES:
        assert f"| probes: {category} |" in out
