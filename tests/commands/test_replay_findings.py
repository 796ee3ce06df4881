"""`memlab replay` ends with the findings; the example dataset and experiment run as shipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from memlab.cli import main
from memlab.lab.data.dataset_io import load_dataset

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "data" / "two_friends.jsonl"


def test_the_example_dataset_is_complete_and_valid() -> None:
    data = load_dataset(EXAMPLE)  # strict: any problem raises
    probes = [p for c in data.conversations for p in c.probes]
    assert {p.category for p in probes} >= {
        "single-hop",
        "multi-hop",
        "temporal",
        "knowledge-update",
        "preference",
        "abstention",
    }
    assert any(p.stale_answers for p in probes) and any(p.abstention for p in probes)
    assert {c.split for c in data.conversations} == {"dev", "test"}


@pytest.mark.slow
def test_replay_prints_the_findings_at_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "two.duckdb"
    main(
        ["replay", str(ROOT / "examples/experiments/two_friends.toml"), "--db", str(db), "--quiet"]
    )
    out = capsys.readouterr().out
    findings = out.split("\nfindings\n")[1]
    assert "- Best with no limit: " in findings
    assert "Pareto set" in findings
    assert "few conversations: intervals are resampled from 2 conversation(s)" in findings
    assert "baseline model" in findings
    assert out.rstrip().endswith(f"next: memlab report --db {db}")
