from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from memlab.errors import ConfigError
from memlab.lab.analysis.plots import (
    accuracy_vs_k,
    accuracy_vs_tokens,
    category_bars,
    cumulative_tokens,
    tokens_by_stage,
)

NAN = float("nan")


def _summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant_id": ["a", "b", "c", "d"],
            "label": ["bm25 k=5", "bm25 k=10", "semantic k=5", "semantic k=10"],
            "strategy": ["bm25", "bm25", "semantic", "semantic"],
            "k": [5, 10, 5, 10],
            "token_f1": [0.5, 0.7, 0.4, 0.6],
            "token_f1_lo": [0.4, 0.6, NAN, 0.5],
            "token_f1_hi": [0.6, 0.75, NAN, 0.7],
            "tokens_per_probe": [100.0, 200.0, 150.0, 250.0],
            "ingest_tokens_per_probe": [80.0, 80.0, 80.0, 80.0],
            "recall_tokens_per_probe": [0.0, 0.0, 0.0, 0.0],
            "answer_tokens_per_probe": [20.0, 120.0, 70.0, 170.0],
            "judge_tokens_per_probe": [5.0, 5.0, NAN, 5.0],
        }
    )


def _errorbars(fig: Figure) -> list[ErrorbarContainer]:
    return [c for c in fig.axes[0].containers if isinstance(c, ErrorbarContainer)]


def test_accuracy_vs_tokens_points_labels_bars_frontier(tmp_path: Path) -> None:
    fig = accuracy_vs_tokens(_summary())
    ax = fig.axes[0]
    (bars,) = _errorbars(fig)
    line = bars.lines[0]
    assert list(line.get_xdata()) == [100.0, 200.0, 150.0, 250.0]
    assert list(line.get_ydata()) == [0.5, 0.7, 0.4, 0.6]
    # Vertical error segments span each interval; the NaN interval draws a zero-length bar.
    segments = bars.lines[2][0].get_segments()
    assert [tuple(np.round(s[:, 1], 3)) for s in segments] == [
        (0.4, 0.6),
        (0.6, 0.75),
        (0.4, 0.4),
        (0.5, 0.7),
    ]
    assert [t.get_text() for t in ax.texts] == list(_summary()["label"])
    (front,) = [ln for ln in ax.lines if ln.get_label() == "Pareto frontier"]
    assert list(front.get_xdata()) == [100.0, 200.0]
    assert list(front.get_ydata()) == [0.5, 0.7]
    assert ax.get_ylabel() == "token_f1 (95% CI)"
    fig.savefig(tmp_path / "x.png")  # renders without pyplot
    assert (tmp_path / "x.png").stat().st_size > 1000


def test_accuracy_vs_cost_axis() -> None:
    s = _summary().assign(cost_usd_per_probe=[0.1, 0.2, NAN, 0.3])
    fig = accuracy_vs_tokens(s, x="cost_usd_per_probe")
    assert list(_errorbars(fig)[0].lines[0].get_xdata()) == [0.1, 0.2, 0.3]  # unpriced left out
    assert fig.axes[0].get_xlabel() == "cost per probe (USD)"


def test_accuracy_vs_k_one_line_per_strategy() -> None:
    fig = accuracy_vs_k(_summary().iloc[::-1])  # only the strategy varies
    lines = {c.get_label(): c.lines[0] for c in _errorbars(fig)}
    assert sorted(lines) == ["bm25", "semantic"]
    assert list(lines["bm25"].get_xdata()) == [5.0, 10.0]
    assert list(lines["semantic"].get_ydata()) == [0.4, 0.6]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["semantic", "bm25"]


def test_accuracy_vs_k_separates_designs() -> None:
    s = _summary().assign(ingest=["verbatim", "verbatim", "extract", "extract"], strategy="bm25")
    s["prompt"] = [NAN, NAN, "agno-v2", "agno-v2"]
    fig = accuracy_vs_k(s)
    assert [c.get_label() for c in _errorbars(fig)] == [
        "verbatim · bm25",
        "extract · agno-v2 · bm25",
    ]
    assert fig.axes[0].get_legend().get_title().get_text() == "ingest · prompt · strategy"
    fig = accuracy_vs_k(s, by="strategy")  # one line, two points at each k
    assert len(_errorbars(fig)) == 1


def test_category_bars() -> None:
    by_cat = pd.DataFrame(
        {
            "label": ["A", "A", "B"],
            "category": ["temporal", "multi-hop", "temporal"],
            "token_f1": [0.3, 0.5, 0.8],
            "token_f1_lo": [0.2, 0.4, 0.7],
            "token_f1_hi": [0.4, 0.6, 0.9],
        }
    )
    fig = category_bars(by_cat)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [b.get_label() for b in bars] == ["A", "B"]
    assert [p.get_height() for p in bars[0].patches] == [0.5, 0.3]  # multi-hop, temporal
    heights_b = [p.get_height() for p in bars[1].patches]
    assert np.isnan(heights_b[0]) and heights_b[1] == 0.8
    assert [t.get_text() for t in ax.get_xticklabels()] == ["multi-hop", "temporal"]
    assert len(_errorbars(fig)) == 2


def test_tokens_by_stage_is_stacked() -> None:
    fig = tokens_by_stage(_summary())
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [b.get_label() for b in bars] == ["ingest", "recall", "answer", "judge"]
    answer, judge = bars[2], bars[3]
    assert [p.get_height() for p in answer.patches] == [20.0, 120.0, 70.0, 170.0]
    assert [p.get_y() for p in judge.patches] == [100.0, 200.0, 150.0, 250.0]
    assert [p.get_height() for p in judge.patches] == [5.0, 5.0, 0.0, 5.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(_summary()["label"])


def test_cumulative_tokens_in_ledger_order() -> None:
    calls = pd.DataFrame(
        {
            "stage": ["ingest", "ingest", "answer", None],
            "input_tokens": [10, 20, 5, 1],
            "output_tokens": [1, 2, None, 0],
        }
    )
    ax = cumulative_tokens(calls).axes[0]
    lines = {ln.get_label(): list(ln.get_ydata()) for ln in ax.lines}
    assert lines["total"] == [11.0, 33.0, 38.0, 39.0]
    assert lines["ingest"] == [11.0, 33.0, 33.0, 33.0]
    assert lines["answer"] == [0.0, 0.0, 5.0, 5.0]
    assert lines["unattributed"] == [0.0, 0.0, 0.0, 1.0]


def test_plots_name_missing_columns() -> None:
    with pytest.raises(ConfigError, match="no column"):
        accuracy_vs_k(_summary().drop(columns=["k"]))
