from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from memlab.errors import ConfigError
from memlab.lab.analysis.frames import FrameResults
from memlab.lab.analysis.stats import cluster_bootstrap, cluster_bootstrap_macro, percentile
from memlab.lab.analysis.summary import compare, default_score, pareto, score_names, summarize

NAN = float("nan")


def _results(*, unit_costs: tuple[float | None, ...] = (None, None, None)) -> FrameResults:
    """Two recall variants (k=5, k=10) over one ingest, three conversations of two probes.

    v1 token_f1: c1 1, 0; c2 1, 1; c3 0, error.   v2 token_f1: c1 1, 1; c2 1, 1; c3 1, 0.5.
    p1 is single-hop, p2 multi-hop. Ingest tokens per unit: 100, 200, 300 (+60 summary on c3).
    """
    variants = pd.DataFrame(
        {
            "variant_id": ["v1", "v2"],
            "ingest_id": ["i1", "i1"],
            "recall_id": ["r1", "r2"],
            "label": ["bm25 k=5", "bm25 k=10"],
            "strategy": ["bm25", "bm25"],
            "k": [5, 10],
        }
    )
    rows = []
    v1 = {("c1", "p1"): 1.0, ("c1", "p2"): 0.0, ("c2", "p1"): 1.0, ("c2", "p2"): 1.0}
    v1 |= {("c3", "p1"): 0.0, ("c3", "p2"): None}
    v2 = {key: 1.0 for key in v1} | {("c3", "p2"): 0.5}
    ms = iter([1.0, 2.0, 3.0, 4.0, 5.0, 99.0])
    for vid, table in (("v1", v1), ("v2", v2)):
        for (conv, probe), f1 in table.items():
            error = f1 is None
            rows.append(
                {
                    "variant_id": vid,
                    "unit_id": f"u-{conv}",
                    "conversation_id": conv,
                    "probe_id": probe,
                    "repeat": 0,
                    "category": "single-hop" if probe == "p1" else "multi-hop",
                    "abstention": False,
                    "status": "error" if error else "ok",
                    "context_tokens": 40 if vid == "v1" else 80,
                    "answer_tokens": NAN if error else 10.0,
                    "judge_tokens": NAN,
                    "answer_cost_usd": NAN,
                    "judge_cost_usd": NAN,
                    "recall_ms": next(ms) if vid == "v1" else 1.0,
                    "answer_ms": NAN,
                    "judge_ms": NAN,
                    "evidence_recall_any": NAN if error else 1.0,
                    "token_f1": NAN if error else f1,
                    "judge": NAN,
                }
            )
    units = pd.DataFrame(
        {
            "unit_id": ["u-c1", "u-c2", "u-c3"],
            "ingest_id": ["i1"] * 3,
            "conversation_id": ["c1", "c2", "c3"],
            "status": ["ok"] * 3,
            "health": ["ok", "ok", "empty_recall:bm25 k=5"],
            "n_probes": [2, 2, 2],
            "memory_tokens": [40, 50, 60],
            "ingest_ms": [10.0, 20.0, 30.0],
            "ingest_tokens": [100, 200, 300],
            "ingest_cost_usd": list(unit_costs),
            "summary_tokens": [0, 0, 60],
            "summary_cost_usd": [None, None, 0.0 if unit_costs[2] is not None else None],
        }
    )
    return FrameResults(variants=variants, probes=pd.DataFrame(rows), units=units)


def test_summary_means_counts_and_macro() -> None:
    s = summarize(_results(), n_boot=200).set_index("variant_id")
    assert list(s.columns[:2]) == ["label", "evidence_recall_any"]
    assert s.loc["v1", "token_f1"] == pytest.approx(0.6)  # (1 + 0 + 1 + 1 + 0) / 5, error left out
    assert s.loc["v1", "token_f1_n"] == 5
    assert s.loc["v1", "n_probes"] == 6 and s.loc["v1", "n_errors"] == 1
    # single-hop 2/3, multi-hop 1/2: category-averaged 7/12.
    assert s.loc["v1", "token_f1_macro"] == pytest.approx(7 / 12)
    assert s.loc["v2", "token_f1"] == pytest.approx(5.5 / 6)
    assert "judge" not in s.columns  # no judge stage ran: no column
    assert s.loc["v1", "k"] == 5 and s.loc["v2", "strategy"] == "bm25"


def test_summary_tokens_latency_and_health() -> None:
    s = summarize(_results(), n_boot=0).set_index("variant_id")
    # Per row: u-c1 100/2, u-c2 200/2, u-c3 (300 + 60)/2, two rows each: 660 / 6.
    assert s.loc["v1", "ingest_tokens_per_probe"] == pytest.approx(110.0)
    assert s.loc["v1", "answer_tokens_per_probe"] == pytest.approx(50 / 6)  # errored row: none
    assert s.loc["v1", "judge_tokens_per_probe"] == 0.0
    assert s.loc["v1", "tokens_per_probe"] == pytest.approx(110 + 50 / 6)
    assert s.loc["v1", "context_tokens_per_probe"] == 40.0
    assert s.loc["v1", "memory_tokens_per_conversation"] == 50.0
    assert s.loc["v1", "recall_ms_p50"] == 3.0  # ok rows only: 1..5
    assert s.loc["v1", "recall_ms_p95"] == pytest.approx(4.8)
    assert math.isnan(s.loc["v1", "answer_ms_p50"])
    assert s.loc["v1", "ingest_ms_p50"] == 20.0
    assert s.loc["v1", "units"] == 3 and s.loc["v1", "units_unhealthy"] == 1
    assert math.isnan(s.loc["v1", "cost_usd"])  # tokens spent without a price: unknown
    assert math.isnan(s.loc["v1", "token_f1_lo"])  # n_boot=0


def test_summary_cost_when_priced() -> None:
    s = summarize(_results(unit_costs=(0.01, 0.02, 0.03)), n_boot=0).set_index("variant_id")
    # Answer calls spent tokens without a price, so the total stays unknown ...
    assert math.isnan(s.loc["v1", "cost_usd"])
    frames = _results(unit_costs=(0.01, 0.02, 0.03))
    probes = frames.probes.assign(answer_cost_usd=0.001)
    s = summarize(FrameResults(frames.variants, probes, frames.units), n_boot=0)
    s = s.set_index("variant_id")
    # ... and with every call priced: 0.06 ingest + 6 x 0.001 answers.
    assert s.loc["v1", "cost_usd"] == pytest.approx(0.066)
    assert s.loc["v1", "cost_usd_per_probe"] == pytest.approx(0.066 / 6)


def test_agentic_recall_tokens_come_from_the_ledger() -> None:
    frames = _results()
    calls = pd.DataFrame(
        {
            "stage": ["ingest", "recall", "recall", "answer"],
            "variant_id": [None, "v1", "v1", "v1"],
            "input_tokens": [500, 30, 20, 7],
            "output_tokens": [5, 0, 10, 1],
            "cost_usd": [NAN, 0.001, 0.002, NAN],
        }
    )
    r = FrameResults(frames.variants, frames.probes, frames.units, calls=calls)
    s = summarize(r, n_boot=0).set_index("variant_id")
    # v1's two recall calls (30 + 30 tokens) shared over its 6 rows; v2 made none.
    assert s.loc["v1", "recall_tokens_per_probe"] == pytest.approx(10.0)
    assert s.loc["v1", "tokens_per_probe"] == pytest.approx(110 + 10 + 50 / 6)
    assert s.loc["v2", "recall_tokens_per_probe"] == 0.0


def test_summary_by_category() -> None:
    s = summarize(_results(), by="category", n_boot=0)
    assert list(s[["variant_id", "category"]].itertuples(index=False, name=None)) == [
        ("v1", "multi-hop"),
        ("v1", "single-hop"),
        ("v2", "multi-hop"),
        ("v2", "single-hop"),
    ]
    v1 = s[s["variant_id"] == "v1"].set_index("category")
    assert v1.loc["single-hop", "token_f1"] == pytest.approx(2 / 3)
    assert v1.loc["multi-hop", "token_f1"] == pytest.approx(0.5)
    assert v1.loc["multi-hop", "token_f1_n"] == 2
    assert v1.loc["multi-hop", "n_errors"] == 1
    assert "token_f1_macro" not in s.columns


def test_summary_interval_is_seeded_and_brackets_the_mean() -> None:
    a = summarize(_results(), n_boot=500, seed=7)
    b = summarize(_results(), n_boot=500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    for row in a.itertuples():
        assert row.token_f1_lo <= row.token_f1 <= row.token_f1_hi


def test_summary_rejects_unknown_inputs() -> None:
    with pytest.raises(ConfigError, match="by='variant'"):
        summarize(_results(), by="variant")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"no score column.*'rouge'"):
        summarize(_results(), scores=["rouge"])


def test_cluster_bootstrap_by_conversation() -> None:
    # Two conversations, all 1s and all 0s: resampled means are 0, 1/2 or 1.
    lo, hi = cluster_bootstrap([1, 1, 0, 0], ["a", "a", "b", "b"], n_boot=2000, seed=0)
    assert (lo, hi) == (0.0, 1.0)
    # Conversations, not probes, are resampled: one conversation gives no interval.
    assert all(math.isnan(v) for v in cluster_bootstrap([1, 0, 1], ["a"] * 3, seed=0))
    assert cluster_bootstrap([1, 0, 1, 1], list("abcd"), seed=3) == cluster_bootstrap(
        [1, 0, 1, 1], list("abcd"), seed=3
    )


def test_macro_bootstrap_averages_category_means() -> None:
    # Conversation a scores 1 in both categories, b scores 0: macro means 1, 1/2 or 0.
    values, convs, cats = [1, 1, 1, 0, 0], ["a", "a", "a", "b", "b"], ["x", "x", "y", "x", "y"]
    assert cluster_bootstrap_macro(values, convs, cats, n_boot=2000) == (0.0, 1.0)
    assert all(math.isnan(v) for v in cluster_bootstrap_macro([1], ["a"], ["x"]))
    s = summarize(_results(), n_boot=300).set_index("variant_id")
    assert s.loc["v1", "token_f1_macro_lo"] <= 7 / 12 <= s.loc["v1", "token_f1_macro_hi"]


def test_repeat_spread() -> None:
    frames = _results()
    again = frames.probes.assign(repeat=1, token_f1=frames.probes["token_f1"] * 0 + 1.0)
    probes = pd.concat([frames.probes, again], ignore_index=True)
    s = summarize(FrameResults(frames.variants, probes, frames.units), n_boot=0)
    # v1: repeat 0 mean 0.6, repeat 1 mean 1.0: sample sd = 0.4 / sqrt(2).
    assert s.set_index("variant_id").loc["v1", "token_f1_repeat_sd"] == pytest.approx(0.4 / 2**0.5)
    assert math.isnan(summarize(frames, n_boot=0)["token_f1_repeat_sd"].iloc[0])


def test_percentile() -> None:
    assert percentile([1, 2, NAN, 3], 50) == 2.0
    assert math.isnan(percentile([NAN], 50))


def test_compare_is_paired() -> None:
    c = compare(_results(), "bm25 k=10", "v1", "token_f1", n_boot=300)
    # c3/p2 errored for v1, so 5 pairs: v2 all 1, v1 mean 0.6.
    assert (c.a, c.b, c.n, c.n_conversations) == ("v2", "v1", 5, 3)
    assert c.mean_a == 1.0 and c.mean_b == pytest.approx(0.6)
    assert c.diff == pytest.approx(0.4)
    assert (c.a_better, c.b_better) == (2, 0)
    assert c.lo <= c.diff <= c.hi
    text = repr(c)
    assert "token_f1: bm25 k=10 − bm25 k=5 = +0.400" in text and "5 paired probes" in text


def test_compare_errors_name_the_variants() -> None:
    with pytest.raises(ConfigError, match=r"'v9' is neither.*v1 \(bm25 k=5\)"):
        compare(_results(), "v9", "v1", "token_f1")
    with pytest.raises(ConfigError, match="no score column 'f1'"):
        compare(_results(), "v2", "v1", "f1")


def test_pareto() -> None:
    summary = pd.DataFrame(
        {
            "label": ["A", "B", "C", "D", "E", "F"],
            "tokens_per_probe": [100, 200, 150, 200, 300, NAN],
            "token_f1": [0.5, 0.7, 0.4, 0.6, 0.7, 0.9],
        }
    )
    # C is beaten by A, D by B, E ties B on score at a higher cost; F has no cost.
    assert list(pareto(summary)["label"]) == ["A", "B"]
    assert list(pareto(summary, y="token_f1", higher_is_better=False)["label"]) == ["A", "C"]
    with pytest.raises(ConfigError, match="no column 'cost'"):
        pareto(summary, x="cost")


def test_default_score_and_names() -> None:
    frame = pd.DataFrame({"judge": [NAN], "token_f1": [0.5], "answer_in_context": [1.0]})
    assert default_score(frame) == "token_f1"
    assert score_names(frame) == ["answer_in_context", "token_f1"]
    with pytest.raises(ConfigError):
        default_score(pd.DataFrame({"x": [1]}))


def test_frame_results_copies() -> None:
    r = _results()
    df = r.probes_df()
    df["token_f1"] = 0.0
    assert r.probes_df()["token_f1"].max() == 1.0
    assert np.isclose(FrameResults.of(r).probes_df()["token_f1"].sum(), r.probes["token_f1"].sum())
