"""The findings that open the report: best per budget, ties, Pareto set, warnings."""

from __future__ import annotations

import pandas as pd

from memlab.lab.analysis.findings import findings, findings_lines, findings_text
from memlab.lab.analysis.frames import FrameResults

NAN = float("nan")


def _results(n_conversations: int = 6) -> FrameResults:
    """cheap (10 tokens) scores 0.5; mid (40) 0.9; twin (40) as mid but one probe less; dear
    (300) 0.9 like mid, so it is tied with it but never the best."""
    labels = {"cheap": 0.5, "mid": 0.9, "twin": 0.9, "dear": 0.9}
    tokens = {"cheap": 10, "mid": 40, "twin": 40, "dear": 300}
    variants = pd.DataFrame(
        {
            "variant_id": list(labels),
            "ingest_id": ["i"] * 4,
            "recall_id": [f"r-{v}" for v in labels],
            "label": list(labels),
            "over": ["memories"] * 4,
        }
    )
    rows = []
    for vid, mean in labels.items():
        for c in range(n_conversations):
            for p in range(20):
                hit = 1.0 if p < round(mean * 20) else 0.0
                if vid == "twin" and c == 0 and p == 17:
                    hit = 0.0
                rows.append(
                    {
                        "variant_id": vid,
                        "unit_id": f"u{c}",
                        "conversation_id": f"c{c}",
                        "probe_id": f"p{p}",
                        "repeat": 0,
                        "category": "single-hop",
                        "status": "ok",
                        "context_tokens": tokens[vid],
                        "evidence_recall_any": hit,
                    }
                )
    units = pd.DataFrame(
        {
            "unit_id": [f"u{c}" for c in range(n_conversations)],
            "ingest_id": "i",
            "conversation_id": [f"c{c}" for c in range(n_conversations)],
            "status": "ok",
            "health": "ok",
            "n_probes": 20,
        }
    )
    meta = {"models": {"answer": ["gpt-4o-mini"]}, "baseline_only": False}
    return FrameResults(variants, pd.DataFrame(rows), units, meta=meta, name="f")


def test_best_per_budget_ties_and_pareto() -> None:
    found = findings(_results(), n_boot=200)
    assert found is not None and found.score == "evidence_recall_any"
    # Budgets 10 and 20 buy cheap; 50 and more buy mid, the best with no limit too.
    assert [(b.budget, b.label) for b in found.best] == [(10.0, "cheap"), (None, "mid")]
    mid = found.best[1]
    assert mid.score == 0.9 and mid.tokens == 40.0
    # dear scores the same at 300 tokens; twin differs on one probe of one conversation, so
    # the interval of the difference holds 0: both tied. cheap is not.
    assert [c.b_label for c in mid.tied] == ["dear", "twin"]
    assert mid.tied[1].diff > 0 and mid.tied[1].lo <= 0 <= mid.tied[1].hi
    assert [label for label, _, _ in found.pareto] == ["cheap", "mid"]
    assert found.warnings == []


def test_few_conversations_and_text() -> None:
    found = findings(_results(n_conversations=2), n_boot=200)
    assert found is not None
    assert found.warnings[0].startswith("few conversations: intervals are resampled from 2")
    lines = findings_lines(found, markdown=False)
    assert "**" not in "\n".join(lines)
    assert any(
        line.startswith("- Best with no limit: mid, evidence_recall_any 0.900") for line in lines
    )
    text = findings_text(_results(), n_boot=100)
    assert text.startswith("findings\n") and "Pareto set" in text


def test_no_scored_probe_has_no_findings() -> None:
    r = _results()
    probes = r.probes.assign(status="error", evidence_recall_any=NAN)
    frames = FrameResults(r.variants, probes, r.units, meta=r.meta)
    assert findings(frames, n_boot=0) is None
    assert "no probe was scored" in findings_text(frames, n_boot=0)
