"""`generate.py --shape longmemeval-s`: LongMemEval's published layout, deterministic, loadable."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "memlab_synthetic_generate_lme", ROOT / "datasets" / "generate.py"
)
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

KEYS = [
    "question_id",
    "question_type",
    "question",
    "answer",
    "question_date",
    "haystack_session_ids",
    "haystack_dates",
    "haystack_sessions",
    "answer_session_ids",
]


def _write(path: Path, *extra: str) -> list[dict[str, object]]:
    argv = ["--shape", "longmemeval-s", "--out", str(path), "--questions", "50"]
    assert generate.main([*argv, "--sessions", "6", *extra]) == 0
    items = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(items, list)
    return items


def test_writes_longmemevals_layout_deterministically(tmp_path: Path) -> None:
    items = _write(tmp_path / "a.json")
    _write(tmp_path / "b.json")
    _write(tmp_path / "c.json", "--seed", "9")
    first = (tmp_path / "a.json").read_bytes()
    assert first == (tmp_path / "b.json").read_bytes()
    assert first != (tmp_path / "c.json").read_bytes()
    assert len(items) == 50
    types = Counter(str(item["question_type"]) for item in items)
    assert set(types) == {name for name, _ in generate_types()}
    assert sum(str(item["question_id"]).endswith("_abs") for item in items) == 3
    for item in items:
        assert list(item) == KEYS
        sessions = item["haystack_sessions"]
        assert isinstance(sessions, list) and len(sessions) == 6
        assert len(item["haystack_session_ids"]) == len(item["haystack_dates"]) == 6  # type: ignore[arg-type]
        assert item["haystack_dates"] == sorted(item["haystack_dates"])  # type: ignore[type-var]
        assert str(item["question_date"]) > max(item["haystack_dates"])  # type: ignore[type-var]
        marked = {
            sid
            for sid, body in zip(item["haystack_session_ids"], sessions, strict=True)  # type: ignore[call-overload]
            if any(turn["has_answer"] for turn in body)
        }
        assert marked == set(item["answer_session_ids"])  # type: ignore[arg-type]
        for body in sessions:
            assert [t["role"] for t in body[:2]] == ["user", "assistant"]
            assert all(set(t) == {"role", "content", "has_answer"} for t in body)


def generate_types() -> tuple[tuple[str, int], ...]:
    import sys

    sys.path.insert(0, str(ROOT / "datasets"))
    import synth_v2_lme

    return synth_v2_lme.TYPES


def test_memlab_loads_it_strictly(tmp_path: Path) -> None:
    from memlab.lab.data.dataset_io import load_dataset

    _write(tmp_path / "lme.json")
    dataset = load_dataset(tmp_path / "lme.json", strict=True)
    assert len(dataset.conversations) == 50
    probes = [p for c in dataset.conversations for p in c.probes]
    assert sum(p.abstention for p in probes) == 3
    for conversation, probe in zip(dataset.conversations, probes, strict=True):
        assert probe.abstention or probe.evidence
        assert len(conversation.sessions) == 6
        if probe.category == "knowledge-update":
            cited = " ".join(t.text for _, t in conversation.turns() if t.id in probe.evidence)
            assert probe.answers[0] in cited
