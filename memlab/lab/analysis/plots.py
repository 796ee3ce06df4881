"""The lab's figures: accuracy against cost and k, per category; tokens by stage and over time.

Each function takes `summarize` tables (or `calls_df`) and returns a new
`matplotlib.figure.Figure` built with the object API: nothing touches pyplot's global state or
calls `show`, so the functions work in scripts, servers and notebooks (where a returned
figure renders itself) alike. Error bars are the summary's 95% bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from memlab.lab.analysis.plot_breakdown import category_heatmap, cost_parts, tokens_by_stage
from memlab.lab.analysis.plot_parts import interval_errors, need_columns, new_figure
from memlab.lab.analysis.plot_tradeoff import accuracy_vs_tokens
from memlab.lab.analysis.summary import default_score

__all__ = [
    "accuracy_vs_k",
    "accuracy_vs_tokens",
    "category_heatmap",
    "cost_parts",
    "cumulative_tokens",
    "line_settings",
    "tokens_by_stage",
]

# The settings that tell memory designs apart, in the order a line label lists them.
DESIGN_SETTINGS = (
    "ingest",
    "prompt",
    "summary_trigger",
    "summary_mode",
    "strategy",
    "over",
    "embedder",
)


def line_settings(summary: pd.DataFrame) -> list[str]:
    """The design settings (`DESIGN_SETTINGS`) that vary between the summary's variants.

    `accuracy_vs_k` draws one line per combination of them, so variants that differ only in
    k share a line. `strategy` is always included, so a line names its recall strategy.
    """
    return [
        c
        for c in DESIGN_SETTINGS
        if c in summary and (c == "strategy" or summary[c].nunique(dropna=False) > 1)
    ] or ["strategy"]


def accuracy_vs_k(
    summary: pd.DataFrame, *, y: str | None = None, by: str | Sequence[str] | None = None
) -> Figure:
    """The score against the recall budget k, one line per design (variants that differ in k).

    Args:
        summary: An overall `summarize` table with the variants' settings (`k`, `strategy`...).
        y: The score; None means `default_score(summary)`.
        by: The setting(s) that name a line; None means `line_settings(summary)`.

    Returns:
        The figure: one error-bar line per combination of `by`, labelled with its values
        joined by " · " (missing settings left out), points sorted by k.
    """
    y = y or default_score(summary)
    keys = line_settings(summary) if by is None else [by] if isinstance(by, str) else list(by)
    need_columns(summary, "k", y, *keys)
    fig, ax = new_figure()
    rows = summary[summary["k"].notna() & summary[y].notna()]
    for name, part in rows.groupby(keys, sort=False, dropna=False):
        values = name if isinstance(name, tuple) else (name,)
        label = " · ".join(str(v) for v in values if v is not None and v == v)  # NaN != NaN
        part = part.sort_values("k", kind="stable")
        ax.errorbar(
            part["k"].to_numpy(float),
            part[y].to_numpy(float),
            yerr=interval_errors(part, y),
            marker="o",
            capsize=3,
            label=label,
        )
    ax.set_xticks(sorted({int(k) for k in rows["k"]}))
    ax.set_xlabel("k (recalled items)")
    ax.set_ylabel(f"{y} (95% CI)")
    ax.set_title(f"{y} against k")
    ax.legend(title=" · ".join(keys), fontsize=8)
    return fig


def cumulative_tokens(calls: pd.DataFrame, *, by: str = "stage") -> Figure:
    """Cumulative tokens over the replay, in ledger order, in total and per `by`.

    Args:
        calls: A `calls_df()` frame (rows in the order the calls were made).
        by: The column naming a line (`stage`, `variant_id`, `model`).

    Returns:
        The figure: a `total` line, then one line per value of `by`, each a running sum of
        input + output tokens against the call's position in the replay.
    """
    need_columns(calls, "input_tokens", "output_tokens")
    tokens = calls["input_tokens"].fillna(0).to_numpy(float) + calls["output_tokens"].fillna(
        0
    ).to_numpy(float)
    position = np.arange(1, len(calls) + 1)
    fig, ax = new_figure()
    ax.plot(position, np.cumsum(tokens), label="total", color="black")
    if by in calls.columns:
        keys = calls[by].fillna("unattributed").astype(str).to_numpy()
        for name in sorted(set(keys)):
            mask = keys == name
            ax.plot(position, np.cumsum(np.where(mask, tokens, 0.0)), label=name)
    ax.set_xlabel("model calls so far")
    ax.set_ylabel("tokens (input + output)")
    ax.set_title("cumulative tokens over the replay")
    ax.legend()
    return fig
