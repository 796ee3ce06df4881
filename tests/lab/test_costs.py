"""Build and use cost: summaries are charged only to designs whose recall reads them."""

from __future__ import annotations

import pandas as pd
import pytest

from memlab.lab.analysis.costs import reads_summaries, use_tokens
from memlab.lab.analysis.frames import FrameResults
from memlab.lab.analysis.summary import summarize

NAN = float("nan")


@pytest.mark.parametrize(
    ("settings", "reads"),
    [
        pytest.param({"over": "memories"}, False, id="memories"),
        pytest.param({"over": "messages"}, False, id="messages"),
        pytest.param({"over": "summaries"}, True, id="summaries"),
        pytest.param({"over": "memories+summaries"}, True, id="both"),
        pytest.param({"over": "messages", "opt_expand": ["summary"]}, True, id="expanded"),
        pytest.param({}, True, id="unknown-is-charged"),
    ],
)
def test_reads_summaries(settings: dict[str, object], reads: bool) -> None:
    assert reads_summaries(settings) is reads


def test_use_tokens_counts_context_only_without_an_answer() -> None:
    rows = pd.DataFrame(
        {
            "status": ["ok", "ok", "error"],
            "answer_tokens": [NAN, 50.0, NAN],
            "context_tokens": [30, 30, 30],
            "recall_tokens": [5.0, 5.0, 5.0],
        }
    )
    assert use_tokens(rows).tolist() == [35.0, 55.0, 5.0]


def test_unread_summaries_are_shown_apart_not_charged() -> None:
    variants = pd.DataFrame(
        {
            "variant_id": ["mem", "sum"],
            "ingest_id": ["i", "i"],
            "recall_id": ["r1", "r2"],
            "label": ["over memories", "over summaries"],
            "over": ["memories", "summaries"],
        }
    )
    probes = pd.DataFrame(
        {
            "variant_id": ["mem", "mem", "sum", "sum"],
            "unit_id": "u",
            "conversation_id": "c",
            "probe_id": ["p1", "p2", "p1", "p2"],
            "repeat": 0,
            "category": "x",
            "status": "ok",
            "context_tokens": [10, 10, 20, 20],
            "evidence_recall_any": 1.0,
        }
    )
    units = pd.DataFrame(
        {
            "unit_id": ["u"],
            "ingest_id": ["i"],
            "conversation_id": ["c"],
            "status": ["ok"],
            "health": ["ok"],
            "n_probes": [2],
            "ingest_tokens": [100],
            "summary_tokens": [40],
        }
    )
    s = summarize(FrameResults(variants, probes, units), n_boot=0).set_index("variant_id")
    # Per probe: extraction 100 / 2 = 50, summaries 40 / 2 = 20.
    assert s.loc["mem", "build_tokens_per_probe"] == 50.0
    assert s.loc["mem", "unused_summary_tokens_per_probe"] == 20.0
    assert s.loc["mem", "use_tokens_per_probe"] == 10.0
    assert s.loc["mem", "tokens_per_probe"] == 60.0
    assert s.loc["sum", "build_tokens_per_probe"] == 70.0
    assert s.loc["sum", "unused_summary_tokens_per_probe"] == 0.0
    assert s.loc["sum", "tokens_per_probe"] == 90.0
    assert s.loc["mem", "ingest_tokens_per_probe"] == 70.0  # all ingest spend, for reference
