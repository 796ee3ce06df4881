"""The lab's figures: accuracy against cost and k, per category; tokens by stage and over time.

Each function takes `summarize` tables (or `calls_df`) and returns a new
`matplotlib.figure.Figure` built with the object API: nothing touches pyplot's global state or
calls `show`, so the functions work in scripts, servers and notebooks (where a returned
figure renders itself) alike. Error bars are the summary's 95% bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from memlab.errors import ConfigError
from memlab.lab.analysis.summary import default_score, pareto

__all__ = [
    "accuracy_vs_k",
    "accuracy_vs_tokens",
    "category_bars",
    "cumulative_tokens",
    "line_settings",
    "tokens_by_stage",
]

STAGES = ("ingest", "recall", "answer", "judge")
"""The stages of `tokens_by_stage`, bottom to top."""

_AXIS_NAMES = {
    "tokens_per_probe": "tokens per probe (ingest amortized + recall + answer)",
    "cost_usd_per_probe": "cost per probe (USD)",
    "context_tokens_per_probe": "context tokens per probe",
}


def _yerr(frame: pd.DataFrame, y: str) -> npt.NDArray[np.float64]:
    mean = frame[y].to_numpy(float)
    lo = frame[f"{y}_lo"].to_numpy(float) if f"{y}_lo" in frame else mean
    hi = frame[f"{y}_hi"].to_numpy(float) if f"{y}_hi" in frame else mean
    # An undefined interval (one conversation, n_boot=0) is drawn as no bar, not as an error.
    err: npt.NDArray[np.float64] = np.nan_to_num(np.vstack([mean - lo, hi - mean]), nan=0.0)
    return err.clip(min=0.0)


def _need(frame: pd.DataFrame, *columns: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"the table has no column {missing}; pass a `summarize` table")


def _figure(width: float = 7.0, height: float = 4.5) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def accuracy_vs_tokens(
    summary: pd.DataFrame, *, x: str = "tokens_per_probe", y: str | None = None
) -> Figure:
    """Each variant's score against its cost, with interval bars, labels and the Pareto frontier.

    Args:
        summary: An overall `summarize` table (one row per variant).
        x: The cost column: `tokens_per_probe`, `cost_usd_per_probe`, ...
        y: The score; None means `default_score(summary)`.

    Returns:
        The figure: one error-bar series of the variants (label `variants`), one text label
        per variant, and the frontier as a line labelled `Pareto frontier`.
    """
    y = y or default_score(summary)
    _need(summary, x, y, "label")
    rows = summary[summary[x].notna() & summary[y].notna()]
    fig, ax = _figure()
    ax.errorbar(
        rows[x].to_numpy(float),
        rows[y].to_numpy(float),
        yerr=_yerr(rows, y),
        fmt="o",
        capsize=3,
        label="variants",
    )
    for label, px, py in zip(rows["label"], rows[x], rows[y], strict=True):
        ax.annotate(str(label), (px, py), textcoords="offset points", xytext=(4, 4), fontsize=8)
    if len(rows):
        front = pareto(rows, x=x, y=y)
        ax.plot(front[x], front[y], "--", drawstyle="steps-post", label="Pareto frontier")
    ax.set_xlabel(_AXIS_NAMES.get(x, x))
    ax.set_ylabel(f"{y} (95% CI)")
    ax.set_title(f"{y} against {x}")
    ax.legend(loc="lower right")
    return fig


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
    _need(summary, "k", y, *keys)
    fig, ax = _figure()
    rows = summary[summary["k"].notna() & summary[y].notna()]
    for name, part in rows.groupby(keys, sort=False, dropna=False):
        values = name if isinstance(name, tuple) else (name,)
        label = " · ".join(str(v) for v in values if v is not None and v == v)  # NaN != NaN
        part = part.sort_values("k", kind="stable")
        ax.errorbar(
            part["k"].to_numpy(float),
            part[y].to_numpy(float),
            yerr=_yerr(part, y),
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


def category_bars(by_category: pd.DataFrame, *, y: str | None = None) -> Figure:
    """Grouped bars of the score per category, one bar per variant, with interval bars.

    Args:
        by_category: A `summarize(..., by="category")` table.
        y: The score; None means `default_score(by_category)`.

    Returns:
        The figure: one bar container per variant (labelled with its label), categories on
        the x axis in sorted order.
    """
    y = y or default_score(by_category)
    _need(by_category, "category", "label", y)
    categories = sorted(by_category["category"].astype(str).unique())
    labels = list(dict.fromkeys(by_category["label"]))
    fig, ax = _figure(min(14.0, max(7.0, 0.35 * len(categories) * len(labels) + 3)), 4.5)
    width = 0.8 / max(len(labels), 1)
    base = np.arange(len(categories), dtype=float)
    for i, label in enumerate(labels):
        part = by_category[by_category["label"] == label].copy()
        part["category"] = part["category"].astype(str)
        part = part.set_index("category").reindex(categories)
        ax.bar(
            base + i * width - 0.4 + width / 2,
            part[y].to_numpy(float),
            width,
            yerr=_yerr(part, y),
            capsize=2,
            label=str(label),
        )
    ax.set_xticks(base, categories)
    ax.set_ylabel(f"{y} (95% CI)")
    ax.set_title(f"{y} by category")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def tokens_by_stage(summary: pd.DataFrame) -> Figure:
    """Stacked bars of tokens per probe by stage (ingest amortized, recall, answer, judge).

    Args:
        summary: An overall `summarize` table.

    Returns:
        The figure: one bar container per stage (labelled with it), one bar per variant.
    """
    columns = [f"{s}_tokens_per_probe" for s in STAGES]
    _need(summary, "label", *columns)
    fig, ax = _figure(max(7.0, 0.9 * len(summary)), 4.5)
    positions = np.arange(len(summary), dtype=float)
    bottom = np.zeros(len(summary))
    for stage, column in zip(STAGES, columns, strict=True):
        values = summary[column].fillna(0).to_numpy(float)
        ax.bar(positions, values, 0.6, bottom=bottom, label=stage)
        bottom += values
    ax.set_xticks(positions, [str(x) for x in summary["label"]], rotation=30, ha="right")
    ax.set_ylabel("tokens per probe")
    ax.set_title("tokens per probe by stage")
    ax.legend()
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
    _need(calls, "input_tokens", "output_tokens")
    tokens = calls["input_tokens"].fillna(0).to_numpy(float) + calls["output_tokens"].fillna(
        0
    ).to_numpy(float)
    position = np.arange(1, len(calls) + 1)
    fig, ax = _figure()
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
