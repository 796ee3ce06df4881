"""memlab-synthetic-v2: deterministic, fresh, shaped like the long benchmarks, gold holds."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "datasets"))

_spec = importlib.util.spec_from_file_location(
    "memlab_synthetic_generate_v2", ROOT / "datasets" / "generate.py"
)
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)
import synth_pools as pools  # noqa: E402
import synth_v2_dataset as v2  # noqa: E402
from synth_dates import MONTHS, WEEKDAYS, spellings  # noqa: E402

from memlab.lab.data.dataset import Conversation  # noqa: E402

COMMITTED = ROOT / "datasets" / "memlab-synthetic-v2.jsonl"
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}


@pytest.fixture(scope="module")
def convs() -> list[Conversation]:
    return v2.generate()[1]


def test_same_seed_writes_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    paths = [tmp_path / f"{n}.jsonl" for n in "abc"]
    for path, seed in zip(paths, ("3", "3", "4"), strict=True):
        argv = ["--shape", "v2", "--seed", seed, "--out", str(path), "--conversations", "4"]
        generate.main([*argv, "--test", "2"])
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_committed_file_equals_a_fresh_generation() -> None:
    header, convs = v2.generate(v2.DEFAULT_SEED)
    fresh = generate.render(header, convs).encode("utf-8")
    assert COMMITTED.read_bytes() == fresh, (
        "datasets/memlab-synthetic-v2.jsonl is stale: run `python datasets/generate.py "
        "--shape v2` (and bump DATASET_VERSION in synth_v2_dataset.py if the content changed)"
    )
    assert len(fresh) < 30_000_000


def test_loads_strictly_with_memlab() -> None:
    from memlab.lab.data.dataset_io import load_dataset

    dataset = load_dataset(COMMITTED, strict=True)
    assert dataset.problems == []
    assert (dataset.name, dataset.version, dataset.license) == (
        "memlab-synthetic-v2",
        v2.DATASET_VERSION,
        "CC-BY-4.0",
    )
    assert dataset.splits() == {"dev": 26, "test": 14}


@pytest.mark.parametrize("split", ["dev", "test"])
def test_length_like_the_fields_benchmarks(convs: list[Conversation], split: str) -> None:
    part = [c for c in convs if c.split == split]
    assert sum(len(c.sessions) for c in part) / len(part) >= 20
    assert sum(c.turn_count() for c in part) / len(part) >= 400
    turns = [t for c in part for _, t in c.turns()]
    assert sum(len(t.text.split()) for t in turns) / len(turns) >= 15
    for c in part:
        starts = [s.started_at for s in c.sessions]
        assert starts == sorted(starts)
        assert starts[-1] - starts[0] >= timedelta(days=120), c.id  # months, not days
        gaps = [(b.date() - a.date()).days for a, b in pairwise(starts)]
        assert min(gaps) >= 3 and max(gaps) >= 14, c.id


def test_both_kinds_of_conversation(convs: list[Conversation]) -> None:
    kinds = Counter(c.participants[1].role for c in convs)
    assert kinds == {"user": 20, "assistant": 20}
    for c in convs:
        principals = [p.name for p in c.participants if p.principal]
        about = Counter(p.about for p in c.probes)
        assert set(about) == set(principals), c.id  # probes about each principal
        for p in c.probes:
            assert p.about is not None and p.about in p.question, p.id  # it says whom
        if c.participants[1].role == "assistant":
            assert len(principals) == 1
            words: dict[str, list[int]] = {}
            for _, t in c.turns():
                words.setdefault(t.speaker, []).append(len(t.text.split()))
            mean = {k: sum(v) / len(v) for k, v in words.items()}
            assert mean["Assistant"] > 1.3 * mean[principals[0]], c.id
            cited = {e for p in c.probes for e in p.evidence if p.category == "assistant-recall"}
            spoken = {t.id: t.speaker for _, t in c.turns()}
            assert any(spoken[e] == "Assistant" for e in cited), c.id
        else:
            assert len(principals) == 2 and len(c.participants) == 2


def test_probe_counts_and_categories(convs: list[Conversation]) -> None:
    categories = Counter(p.category for c in convs for p in c.probes)
    assert sum(categories.values()) >= 1500
    assert set(categories) == set(v2.CATEGORIES)
    assert min(categories.values()) >= 50
    ids = [p.id for c in convs for p in c.probes]
    assert len(ids) == len(set(ids))


def test_every_probe_cites_turns_that_hold_its_answer(convs: list[Conversation]) -> None:
    for c in convs:
        text = {t.id: t.text.lower() for _, t in c.turns()}
        order = [s.id for s in c.sessions]
        said = " ".join(text.values())
        for p in c.probes:
            if p.abstention:
                assert (p.answers, p.evidence, p.category) == ([], [], "abstention"), p.id
                for trap in p.trap_answers:
                    assert len(trap) >= 3 and re.search(rf"\b{re.escape(trap.lower())}\b", said)
                continue
            assert p.answers and p.evidence and all(e in text for e in p.evidence), p.id
            if p.asked_after is not None:
                limit = order.index(p.asked_after)
                assert all(order.index(e.split(":")[0]) <= limit for e in p.evidence), p.id
            if p.category == "temporal" or p.answers[0].isdigit():
                continue  # dates and counts are computed, checked below
            cited = " ".join(text[e] for e in p.evidence)
            assert any(a.lower() in cited for a in p.answers), (p.id, p.answers)


def test_two_person_chats_ask_about_the_other_speakers_pet(convs: list[Conversation]) -> None:
    asked = 0
    for c in convs:
        for p in c.probes:
            if p.abstention and p.trap_answers and re.search(r"\b(dog|cat)\b", p.question):
                other = next(x.name for x in c.participants if x.name != p.about)
                said_by_other = [t.text for _, t in c.turns() if t.speaker == other]
                assert any(p.trap_answers[0] in text for text in said_by_other), p.id
                asked += 1
    assert asked >= 3


def test_knowledge_changes_two_to_four_times_and_stale_values_came_first(
    convs: list[Conversation],
) -> None:
    homes = 0
    for c in convs:
        order = [s.id for s in c.sessions]
        for p in c.probes:
            if p.category != "knowledge-update":
                continue
            first = min(order.index(e.split(":")[0]) for e in p.evidence)
            earlier = " ".join(t.text for s in c.sessions[: first + 1] for t in s.turns)
            assert all(v in earlier for v in p.stale_answers), p.id
            if p.asked_after is None and p.answers[0] in pools.CITIES:
                homes += 1
                assert 2 <= len(p.stale_answers) <= 4, p.id
    assert homes == 60  # one per principal


def test_preferences_are_inferred_from_several_sessions(convs: list[Conversation]) -> None:
    for c in convs:
        for p in c.probes:
            if p.category == "preference":
                assert len({e.split(":")[0] for e in p.evidence}) == 3, p.id


def test_dates_in_gold_resolve_only_against_the_session_date(convs: list[Conversation]) -> None:
    checked = 0
    for c in convs:
        said = {t.id: (s.started_at.date(), t.text) for s, t in c.turns()}
        for p in c.probes:
            if p.category != "temporal" or not any(m in p.answers[0] for m in MONTHS):
                continue
            if len(p.evidence) == 1:
                assert p.answers == spellings(_resolve(*reversed(said[p.evidence[0]]))), p.id
            elif "before the" in said[p.evidence[1]][1] and p.asked_after is not None:
                anchor, plan = said[p.evidence[0]][1], said[p.evidence[1]][1]
                assert p.answers == spellings(_before(anchor, plan, said[p.evidence[0]][0]))
            checked += 1
    assert checked >= 150


def _resolve(text: str, day: date) -> date:
    lowered = text.lower()
    if "yesterday" in lowered:
        return day - timedelta(days=1)
    if "a fortnight ago" in lowered:
        return day - timedelta(days=14)
    match = re.search(r"\b(two|three|four|five|ten) days ago\b", lowered)
    if match:
        return day - timedelta(days=NUMBERS[match.group(1)])
    for i, name in enumerate(WEEKDAYS):
        back = (day.weekday() - i) % 7 or 7
        if f"the {name.lower()} before last" in lowered:
            return day - timedelta(days=back + 7)
        if re.search(rf"\b(last|on) {name.lower()}\b", lowered):
            return day - timedelta(days=back)
    raise AssertionError(f"no relative date in {text!r}")


def _before(anchor: str, plan: str, said_on: date) -> date:
    day, month = re.search(r"on (\d+) (\w+)", anchor).groups()  # type: ignore[union-attr]
    target = date(said_on.year, MONTHS.index(month) + 1, int(day))
    if target < said_on:
        target = date(said_on.year + 1, target.month, target.day)
    spans = {"a week": 7, "ten days": 10, "two weeks": 14, "three weeks": 21}
    gap = next(n for k, n in spans.items() if f"{k} before" in plan)
    return target - timedelta(days=gap)


def test_probes_are_paraphrased_not_copied_from_the_evidence(convs: list[Conversation]) -> None:
    share = v2.overlap(convs)
    assert set(share) >= {"single-hop", "knowledge-update", "preference", "multi-hop"}
    for category in ("single-hop", "knowledge-update", "preference", "multi-hop"):
        assert share[category] < 0.35, (category, share[category])


def test_filler_mentions_fact_looking_things_that_are_never_evidence(
    convs: list[Conversation],
) -> None:
    cities = set(pools.CITIES)
    for c in convs:
        cited = {e for p in c.probes for e in p.evidence}
        passing = [
            t for _, t in c.turns() if t.id not in cited and any(x in t.text for x in cities)
        ]
        assert len(passing) >= 5, c.id


def test_stats_table_reports_shape_and_overlap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate.main(["--shape", "v2", "--out", str(tmp_path / "d.jsonl"), "--stats"])
    out = capsys.readouterr().out
    assert "| conversations | 26 | 14 | 40 |" in out
    assert "| words per turn |" in out and "question words found in the evidence" in out
