from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from memlab.errors import ConfigError
from memlab.lab.analysis.plot_breakdown import COST_PARTS
from memlab.lab.analysis.plot_tradeoff import label_boxes
from memlab.lab.analysis.plots import (
    accuracy_vs_k,
    accuracy_vs_tokens,
    category_heatmap,
    cost_parts,
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


def _points(fig: Figure) -> list[tuple[float, float]]:
    return [(c.lines[0].get_xdata()[0], c.lines[0].get_ydata()[0]) for c in _errorbars(fig)]


def test_accuracy_vs_tokens_points_numbers_bars_frontier(tmp_path: Path) -> None:
    fig = accuracy_vs_tokens(_summary())
    ax = fig.axes[0]
    assert [c.get_label() for c in _errorbars(fig)] == list(_summary()["label"])
    assert _points(fig) == [(100.0, 0.5), (200.0, 0.7), (150.0, 0.4), (250.0, 0.6)]
    # Vertical error segments span each interval; the NaN interval draws a zero-length bar.
    spans = [tuple(np.round(c.lines[2][0].get_segments()[0][:, 1], 3)) for c in _errorbars(fig)]
    assert spans == [(0.4, 0.6), (0.6, 0.75), (0.4, 0.4), (0.5, 0.7)]
    # Points are numbered; the key beside the axes names each number, frontier starred.
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "4"]
    key = [t.get_text() for t in fig.axes[1].texts]
    assert key[1:] == [
        " 1 ★ bm25 k=5",
        " 2 ★ bm25 k=10",
        " 3    semantic k=5",
        " 4    semantic k=10",
    ]
    (front,) = [ln for ln in ax.lines if ln.get_label() == "Pareto frontier"]
    assert list(front.get_xdata()) == [100.0, 200.0]
    assert list(front.get_ydata()) == [0.5, 0.7]
    assert ax.get_ylabel() == "token_f1 (mean, bars: 95% CI)"
    assert ax.get_xscale() == "linear"  # 100 to 250: less than 10x
    assert fig.get_suptitle().startswith("Best token_f1: #2 (0.700 at 200 tokens per probe)")
    assert "Pareto frontier: #1, #2" in fig.get_suptitle()
    fig.savefig(tmp_path / "x.png")  # renders without pyplot
    assert (tmp_path / "x.png").stat().st_size > 1000


def test_colour_decodes_ingest_and_marker_decodes_strategy() -> None:
    s = _summary().assign(ingest=["verbatim", "extract", "verbatim", "extract"])
    fig = accuracy_vs_tokens(s)
    bars = _errorbars(fig)
    colours = [c.lines[0].get_color() for c in bars]
    markers = [c.lines[0].get_marker() for c in bars]
    assert colours[0] == colours[2] != colours[1] == colours[3]
    assert markers[0] == markers[1] != markers[2] == markers[3]
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend == ["verbatim", "extract", "bm25", "semantic", "Pareto frontier"]


def test_log_axis_when_tokens_span_more_than_ten_times() -> None:
    s = _summary().assign(tokens_per_probe=[150.0, 11_000.0, 400.0, 2_000.0])
    fig = accuracy_vs_tokens(s)
    assert fig.axes[0].get_xscale() == "log"
    assert fig.axes[0].get_xlabel().endswith("log scale")


def test_numbers_never_overlap_in_a_crowd() -> None:
    # 20 designs at three costs, several on the same spot: the demo's shape.
    n = 20
    s = pd.DataFrame(
        {
            "variant_id": [f"v{i}" for i in range(n)],
            "label": [f"design {i}" for i in range(n)],
            "strategy": [["bm25", "semantic", "hybrid", "last_n", "rec"][i % 5] for i in range(n)],
            "ingest": [
                ["messages", "verbatim", "extract:a", "extract:b"][i // 5] for i in range(n)
            ],
            "token_f1": [round(0.3 + 0.02 * (i % 7), 2) for i in range(n)],
            "tokens_per_probe": [[97.0, 150.0, 1_400.0][i % 3] for i in range(n)],
        }
    )
    fig = accuracy_vs_tokens(s)
    boxes = label_boxes(fig)
    assert len(boxes) == n
    clashes = [(i, j) for i in range(n) for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert clashes == []
    frame = fig.axes[0].get_window_extent()
    assert all(frame.contains(b.x0, b.y0) and frame.contains(b.x1, b.y1) for b in boxes)


def test_accuracy_vs_cost_axis() -> None:
    s = _summary().assign(cost_usd_per_probe=[0.1, 0.2, NAN, 0.3])
    fig = accuracy_vs_tokens(s, x="cost_usd_per_probe")
    assert [x for x, _ in _points(fig)] == [0.1, 0.2, 0.3]  # unpriced left out
    assert fig.axes[0].get_xlabel().startswith("cost per probe (USD")


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


def test_category_heatmap_marks_undefined_and_drops_empty_categories() -> None:
    by_cat = pd.DataFrame(
        {
            "label": ["A", "A", "A", "B", "B", "B"],
            "category": ["temporal", "multi-hop", "abstention"] * 2,
            "token_f1": [0.0, 0.5, NAN, 0.8, NAN, NAN],
            "token_f1_n": [4, 2, 0, 4, 0, 0],
        }
    )
    fig = category_heatmap(by_cat)
    ax = fig.axes[0]
    grid = ax.images[0].get_array()
    assert grid.shape == (2, 2)  # abstention has no defined score: left out
    assert [t.get_text() for t in ax.get_xticklabels()] == ["multi-hop", "temporal"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    cells = [t.get_text() for t in ax.texts]
    # A score of 0 is a value; an undefined cell says so and is masked, never drawn as 0.
    assert cells == ["0.50\nn=2", "0.00\nn=4", "undefined\nn=0", "0.80\nn=4"]
    assert bool(grid.mask[1, 0]) and not bool(grid.mask[0, 1])
    assert "left out" in ax.get_xlabel() and "abstention" in ax.get_xlabel()
    assert "hardest temporal (0.40)" in fig.get_suptitle()  # mean of 0.00 and 0.80


def test_tokens_by_stage_splits_build_use_and_unused() -> None:
    s = _summary().assign(
        summary_tokens_per_probe=[30.0, 30.0, 30.0, 30.0],
        unused_summary_tokens_per_probe=[0.0, 0.0, 30.0, 30.0],
        use_tokens_per_probe=[20.0, 120.0, 70.0, 170.0],
    )
    parts = cost_parts(s)
    assert parts.loc["bm25 k=5"].tolist() == [50.0, 30.0, 0.0, 20.0, 0.0]
    assert parts.loc["semantic k=5"].tolist() == [50.0, 0.0, 0.0, 70.0, 30.0]
    fig = tokens_by_stage(s)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [b.get_label() for b in bars] == [name for name, _, _ in COST_PARTS]
    unused = bars[-1]
    # Unused summaries start where the design's charged cost ends.
    assert [p.get_x() for p in unused.patches] == [100.0, 200.0, 120.0, 220.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(s["label"])  # top down
    assert "not charged" in fig.get_suptitle()


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
