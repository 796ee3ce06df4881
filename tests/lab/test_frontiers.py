"""Pareto frontiers for every score: the function, the plot, the report's table and plots."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from memlab.lab.analysis.frontiers import frontiers, higher_is_better
from memlab.lab.analysis.plots import accuracy_vs_tokens
from memlab.lab.analysis.report import write_report

sys.path.insert(0, str(Path(__file__).parent))
from test_report import _frames

NAN = float("nan")


def _summary() -> pd.DataFrame:
    # a is cheapest; b best on token_f1; c best on evidence; d holds the least stale context.
    return pd.DataFrame(
        {
            "variant_id": ["a", "b", "c", "d"],
            "label": ["bm25@1", "bm25@4", "semantic@4", "last_n@4"],
            "strategy": ["bm25", "bm25", "semantic", "last_n"],
            "tokens_per_probe": [100.0, 200.0, 200.0, 300.0],
            "token_f1": [0.3, 0.6, 0.5, 0.2],
            "evidence_recall_any": [0.4, 0.5, 0.9, 0.1],
            "stale_in_context": [0.5, 0.4, 0.6, 0.1],
            "judge": [NAN, NAN, NAN, NAN],
        }
    )


def test_each_score_has_its_own_frontier_in_its_own_direction() -> None:
    assert frontiers(_summary()) == {
        "evidence_recall_any": ["a", "c"],
        "stale_in_context": ["a", "b", "d"],  # lower is better
        "token_f1": ["a", "b"],
    }
    assert frontiers(_summary(), scores=["judge"]) == {"judge": []}  # nothing defined
    assert not higher_is_better("stale_in_context") and higher_is_better("token_f1")


def test_the_plot_draws_a_lower_is_better_frontier() -> None:
    fig = accuracy_vs_tokens(_summary(), y="stale_in_context")
    (front,) = [ln for ln in fig.axes[0].lines if ln.get_label() == "Pareto frontier"]
    assert list(front.get_ydata()) == [0.5, 0.4, 0.1]
    assert fig.get_suptitle().startswith("Best stale_in_context: #4 (0.100 at 300 tokens")
    assert "lower is better" in fig.axes[0].get_ylabel()
    stars = [t.get_text() for t in fig.axes[1].texts if "★" in t.get_text()]
    assert [s.split()[0] for s in stars] == ["key", "1", "2", "4"]  # the head explains ★


def test_the_report_stars_each_score_and_plots_each_frontier(tmp_path: Path) -> None:
    text = write_report(_frames(), tmp_path, n_boot=50).read_text()
    table = text.split("## Summary (micro: every probe)")[1].split("\n#")[0]
    assert "★: on that score's Pareto frontier" in table
    v1 = next(line for line in table.splitlines() if line.startswith("| bm25@2 |"))
    v2 = next(line for line in table.splitlines() if line.startswith("| bm25@4 |"))
    # same tokens, v2 better on both scores: v2 alone is on both frontiers
    assert "★" not in v1
    cells = v2.split(" | ")
    assert cells[1].endswith("★") and cells[2].endswith("★")  # both score columns
    # the default score's plot, and one per other score with its own frontier
    assert "![accuracy_vs_tokens](accuracy_vs_tokens.png)" in text
    other = "accuracy_vs_tokens-evidence_recall_any"
    assert f"![{other}]({other}.png)" in text
    assert (tmp_path / f"{other}.png").stat().st_size > 1000
