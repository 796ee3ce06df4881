"""The Pareto frontier of cost against every score, each in its own direction.

`summary.pareto` finds one frontier; the report's tables, its plots and the viewer's
leaderboard show several scores, and a design can be on the frontier of one and not of
another. `frontiers` returns them all, so every surface marks the same designs, and knows
which scores are better low (a stale fact in the context is a fault).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from memlab.lab.analysis.summary import pareto, score_names

__all__ = ["LOWER_IS_BETTER", "frontiers", "higher_is_better"]

LOWER_IS_BETTER = frozenset({"stale_in_context"})
"""Scores where a lower value is the better one."""


def higher_is_better(score: str) -> bool:
    """False for the scores in `LOWER_IS_BETTER`."""
    return score not in LOWER_IS_BETTER


def frontiers(
    summary: pd.DataFrame, *, x: str = "tokens_per_probe", scores: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """The variant ids on each score's Pareto frontier of `x` (lower is better) against it.

    Args:
        summary: An overall `summarize` table.
        x: The cost column.
        scores: The scores; None means every score with values (`score_names`).

    Returns:
        Each score's frontier, cheapest first; a score with no defined row has an empty one.
    """
    names = score_names(summary) if scores is None else list(scores)
    return {
        s: [
            str(v)
            for v in pareto(summary, x=x, y=s, higher_is_better=higher_is_better(s))["variant_id"]
        ]
        for s in names
    }
