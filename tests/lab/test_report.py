from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from memlab.lab.analysis.frames import FrameResults
from memlab.lab.analysis.report import write_report
from memlab.lab.analysis.scorers import SCORERS
from memlab.lab.data.dataset import Conversation, Dataset, Participant, Probe, Session, Turn
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay

NAN = float("nan")


def _frames(*, baseline: bool = True, unhealthy: bool = True) -> FrameResults:
    variants = pd.DataFrame(
        {
            "variant_id": ["v1", "v2"],
            "ingest_id": ["i1", "i1"],
            "recall_id": ["r1", "r2"],
            "label": ["bm25@2", "bm25@4"],
            "strategy": ["bm25", "bm25"],
            "k": [2, 4],
        }
    )
    rows = []
    for vid, hits in (("v1", [1.0, 0.0, 1.0, 0.0]), ("v2", [1.0, 1.0, 1.0, 0.0])):
        for i, hit in enumerate(hits):
            rows.append(
                {
                    "variant_id": vid,
                    "unit_id": f"u{i % 2}",
                    "conversation_id": f"c{i % 2}",
                    "probe_id": f"p{i}",
                    "repeat": 0,
                    "category": "temporal" if i < 2 else "single-hop",
                    "status": "error" if (vid, i) == ("v1", 3) else "ok",
                    "context_tokens": 30,
                    "answer_tokens": 12.0,
                    "recall_ms": 1.0,
                    "evidence_recall_any": hit,
                    "token_f1": hit / 2,
                    "judge": NAN,
                }
            )
    units = pd.DataFrame(
        {
            "unit_id": ["u0", "u1"],
            "ingest_id": ["i1", "i1"],
            "conversation_id": ["c0", "c1"],
            "status": ["ok", "ok"],
            "health": ["ok", "empty_store" if unhealthy else "ok"],
            "n_probes": [2, 2],
            "memory_tokens": [10, 0],
            "ingest_ms": [5.0, 6.0],
            "ingest_tokens": [100, 0],
            "ingest_cost_usd": [None, None],
            "summary_tokens": [0, 0],
            "summary_cost_usd": [None, None],
        }
    )
    meta = {
        "dataset": {"name": "hand-made", "sha256": "ab" * 32, "conversations": 2, "probes": 4},
        "models": {"answer": ["memlab/offline" if baseline else "gpt-4o-mini"]},
        "baseline_only": baseline,
        "prompts": [{"name": "answer", "version": "1", "sha256": "0123"}],
        "seed": 0,
    }
    return FrameResults(variants, pd.DataFrame(rows), units, meta=meta, name="hand")


def test_report_sections_tables_and_plots(tmp_path: Path) -> None:
    path = write_report(_frames(), tmp_path / "out", n_boot=200)
    text = path.read_text()
    assert path == tmp_path / "out" / "report.md"
    assert text.startswith("# Replay report: hand\n")
    assert "> **Baseline.**" in text
    assert "- sha256: `" + "ab" * 32 + "`" in text
    assert "- counts: 2 conversations, 4 probes" in text
    assert "| answer | 1 | 0123 |" in text
    assert "| bm25@2 | `v1` | bm25 | 2 | – | 1/2 |" in text  # variants: settings, health
    # Metric definitions come from the scorers themselves; judge never ran, so it is left out.
    assert f"- **token_f1**: {SCORERS['token_f1'].definition}" in text
    assert "**judge**" not in text
    # Summary row: v1 scored 3 probes (1, 0, 1), 1 errored; intervals from two conversations.
    row = next(line for line in text.splitlines() if line.startswith("| bm25@2 | 0.667 ["))
    assert "(n=3)" in row and "| 1/4 |" in row
    # tokens 37 = build (2 x 50) / 4 + use 12 (answers); no unused summaries; context 30.
    assert re.search(r"\| 37\.0 \| 25\.0 \| 12\.0 \| 0\.0 \| 30\.0 \| 5\.0 \| unknown \|$", row)
    assert "## Per category" in text and "| single-hop | bm25@2 | 1.000 [no CI] (n=1)" in text
    # Macro: v1 temporal (1, 0) 0.5 and single-hop (1) 1.0 average to 0.75.
    macro = text.split("### Category-averaged (macro)")[1].split("##")[0]
    assert "| bm25@2 | 0.750 [" in macro
    # The findings come first: best design, what is tied with it, the Pareto set, warnings.
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert sections[:3] == ["Findings", "Plots", "Summary (micro: every probe)"]
    found = text.split("## Findings")[1].split("\n## ")[0]
    assert "- Best with no limit: **bm25@4**, token_f1 0.375 (95% CI " in found
    tie = next(line for line in found.splitlines() if "Statistically tied" in line)
    # Paired over the 3 probes both scored: 0.5 each for bm25@4 against 0.333.
    assert "bm25@2 (0.333, difference +0.167, 95% CI " in tie
    # Same tokens, v2 scores higher: the Pareto set is v2 alone.
    assert "**Pareto set** (no design is both cheaper and better): bm25@4 (0.375 at 37)." in found
    assert "few conversations: intervals are resampled from 2 conversation(s)" in found
    assert "errors: bm25@2: 1 of 4 probes errored" in found
    assert "unhealthy units: up to 1 conversation(s)" in found
    assert "baseline model" in found
    assert "unit `u1` (conversation `c1`, ingest `i1`): status ok, health empty_store" in text
    assert "bm25@2: 1 of 4 probes errored" in text
    for png in ("accuracy_vs_tokens", "accuracy_vs_k", "categories", "tokens_by_stage"):
        assert f"![{png}]({png}.png)" in text
        assert (tmp_path / "out" / f"{png}.png").stat().st_size > 1000
    assert "cumulative_tokens" not in text  # no ledger rows in these frames


def test_report_without_baseline_or_warnings(tmp_path: Path) -> None:
    frames = _frames(baseline=False, unhealthy=False)
    probes = frames.probes.assign(status="ok")
    text = write_report(
        FrameResults(frames.variants, probes, frames.units, meta=frames.meta), tmp_path
    ).read_text()
    assert "Baseline" not in text
    assert "- answer: `gpt-4o-mini`" in text
    assert "no probe errored" in text


def test_report_judge_sanity(tmp_path: Path) -> None:
    frames = _frames()
    probes = frames.probes.assign(judge=[1.0, 0.0, 0.0, NAN, 1.0, 1.0, 0.0, 1.0], judge_model="j")
    controls = pd.DataFrame(
        {
            "control": ["other_gold"] * 4 + ["stale"],
            "status": ["ok", "ok", "ok", "error", "ok"],
            "accepted": [True, False, False, None, False],
            "judge_model": "j",
        }
    )
    r = FrameResults(
        frames.variants, probes, frames.units, meta=frames.meta, judge_controls=controls
    )
    text = write_report(r, tmp_path).read_text()
    # 3 scored other-gold controls, 1 accepted; the judge accepted 4 of 7 scored answers.
    assert "| `j` | other_gold | 3 | 1 | 0.333 | 0.571 |" in text
    assert "| `j` | stale | 1 | 0 | 0.000 | 0.571 |" in text


def _conversation(cid: str) -> Conversation:
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    lines = [
        ("Ana", "I adopted a dog called Bolt."),
        ("Bot", "Lovely!"),
        ("Ana", "I work as a nurse in Porto."),
        ("Bot", "Busy job."),
    ]
    sessions = [
        Session(
            id=f"s{n}",
            started_at=start + timedelta(days=n),
            turns=[
                Turn(id=f"s{n}:t{i}", speaker=who, text=text)
                for i, (who, text) in enumerate(lines[2 * n : 2 * n + 2])
            ],
        )
        for n in range(2)
    ]
    probes = [
        Probe(id="q1", question="What is Ana's dog called?", answers=["Bolt"], evidence=["s0:t0"]),
        Probe(id="q2", question="What is Ana's job?", answers=["nurse"], evidence=["s1:t0"]),
        Probe(
            id="q3", question="What is Ana's cat called?", abstention=True, category="abstention"
        ),
    ]
    people = [Participant(name="Ana", principal=True), Participant(name="Bot", role="assistant")]
    return Conversation(id=cid, participants=people, sessions=sessions, probes=probes)


@pytest.mark.slow
def test_offline_replay_to_report(tmp_path: Path) -> None:
    dataset = Dataset(name="tiny-report", conversations=[_conversation("c1"), _conversation("c2")])
    experiment = build_experiment(
        {
            "name": "tiny",
            "dataset": dataset,
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": [1, 2]}],
            "answer": {},
            "judge": {},
        }
    )
    results = replay(experiment, db=tmp_path / "r.duckdb", quiet=True)
    try:
        summary = results.summary_df()
        assert list(summary["n_probes"]) == [6, 6]
        assert set(summary["evidence_recall_any_n"]) == {4}  # the abstention probes are NaN
        text = write_report(results, tmp_path / "report").read_text()
    finally:
        results.close()
    assert "# Replay report: tiny" in text
    assert "> **Baseline.**" in text
    assert "- counts: 2 conversations" in text and "6 probes" in text
    assert "| verbatim · bm25@1 |" in text or "bm25@1" in text
    assert "## Judge sanity" in text
    assert (tmp_path / "report" / "cumulative_tokens.png").is_file()
    # Rows with no defined score (abstention for evidence scores) are left out.
    per_category = text.split("## Per category")[1].split("\n## ")[0]
    rows = [line for line in per_category.splitlines() if line.startswith("| ")][2:]
    assert rows and all(set(line.split(" | ")[2:]) != {"–", "– |"} for line in rows)
    assert "## Findings" in text and "Best with no limit" in text
