"""Figures that break a design's numbers down: score per category, tokens per cost part.

`category_heatmap` shows designs × categories with the value and n in each cell; an
undefined cell (no probe of the category scored) is hatched and says so, never drawn as 0,
and a category no design has a score for is left out with a note. `tokens_by_stage` splits
tokens per probe into what builds memory and what uses it, with summaries no recall reads
drawn apart as unused.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from memlab.lab.analysis.plot_parts import need_columns, new_figure, short_labels
from memlab.lab.analysis.summary import default_score

__all__ = ["COST_PARTS", "category_heatmap", "cost_parts", "tokens_by_stage"]

COST_PARTS = (
    ("build: extraction", "#1f77b4", ""),
    ("build: summaries read", "#6baed6", ""),
    ("use: recall calls", "#d62728", ""),
    ("use: answer call, or context read", "#ff9896", ""),
    ("unused summaries (not in the cost)", "white", "///"),
)
"""The parts of `tokens_by_stage`, left to right: name, colour, hatch."""


def category_heatmap(by_category: pd.DataFrame, *, y: str | None = None) -> Figure:
    """The score of each design (rows) in each category (columns), value and n per cell.

    Args:
        by_category: A `summarize(..., by="category")` table.
        y: The score; None means `default_score(by_category)`.

    Returns:
        The figure: axes 0 holds the image (rows in the table's order of designs, categories
        sorted) and one text per cell, "0.62" over "n=40", or "undefined"; categories
        without any defined cell are left out and named in a note under the axes.
    """
    y = y or default_score(by_category)
    need_columns(by_category, "category", "label", y)
    frame = by_category.assign(category=by_category["category"].astype(str))
    values = frame.pivot_table(
        index="label", columns="category", values=y, aggfunc="first", dropna=False, sort=False
    )
    labels = list(dict.fromkeys(frame["label"]))
    values = values.reindex(index=labels, columns=sorted(values.columns))
    n_col = f"{y}_n"
    counts = (
        frame.pivot_table(
            index="label",
            columns="category",
            values=n_col,
            aggfunc="first",
            dropna=False,
            sort=False,
        ).reindex_like(values)
        if n_col in frame.columns
        else None
    )
    empty = [c for c in values.columns if values[c].isna().all()]
    values = values.drop(columns=empty)
    short, shared = short_labels(labels)
    n_rows, n_cols = values.shape
    fig, ax = new_figure(max(6.5, 3.2 + 1.05 * n_cols), max(3.0, 1.6 + 0.34 * n_rows))
    grid = values.to_numpy(float)
    n_grid = (
        counts[list(values.columns)].to_numpy(float)
        if counts is not None
        else np.full_like(grid, np.nan)
    )
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for (r, c), v in np.ndenumerate(grid):
        n = n_grid[r, c]
        n_text = "" if np.isnan(n) else f"\nn={int(n)}"
        if np.isnan(v):
            ax.add_patch(
                Rectangle(
                    (c - 0.5, r - 0.5), 1, 1, facecolor="0.93", hatch="///", edgecolor="0.7", lw=0
                )
            )
            ax.text(
                c,
                r,
                "undefined" + (n_text or ""),
                ha="center",
                va="center",
                fontsize=7.5,
                color="0.35",
            )
            continue
        ax.text(
            c,
            r,
            f"{v:.2f}{n_text}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if v < 0.55 else "black",
            linespacing=0.95,
        )
    names = [_wrap(str(c)) for c in values.columns]
    ax.set_xticks(range(n_cols), names, fontsize=9)
    ax.set_yticks(range(n_rows), short, fontsize=9)
    ax.xaxis.tick_top()
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(y, fontsize=9)
    if n_cols:
        means = values.mean(axis=0)
        title = (
            f"{y} by category (mean over designs): hardest {means.idxmin()} "
            f"({means.min():.2f}),\neasiest {means.idxmax()} ({means.max():.2f})"
        )
    else:
        title = f"{y} by category: no category has a defined score"
    fig.suptitle(title, fontsize=10)
    notes = []
    if shared:
        notes.append("every design: " + ", ".join(shared))
    if empty:
        notes.append(f"left out, {y} undefined for every design: " + ", ".join(empty))
    if notes:
        ax.set_xlabel("; ".join(notes), fontsize=8.5)
    return fig


def _wrap(name: str) -> str:
    # A long hyphenated category takes two lines, so neighbours' names do not collide.
    return name.replace("-", "-\n", 1) if len(name) > 10 and "-" in name else name


def cost_parts(summary: pd.DataFrame) -> pd.DataFrame:
    """Tokens per probe of each design in the `COST_PARTS`, from a `summarize` table."""
    need_columns(summary, "label", "ingest_tokens_per_probe", "recall_tokens_per_probe")

    def col(name: str) -> pd.Series:
        if name in summary.columns:
            return summary[name].astype(float).fillna(0.0)
        return pd.Series(0.0, index=summary.index)

    summaries, unused = col("summary_tokens_per_probe"), col("unused_summary_tokens_per_probe")
    recall = col("recall_tokens_per_probe")
    use = (
        col("use_tokens_per_probe")
        if "use_tokens_per_probe" in summary.columns
        else (recall + col("answer_tokens_per_probe"))
    )
    parts = [
        col("ingest_tokens_per_probe") - summaries,
        summaries - unused,
        recall,
        use - recall,
        unused,
    ]
    return pd.DataFrame(
        {
            name: p.clip(lower=0).to_numpy()
            for (name, _, _), p in zip(COST_PARTS, parts, strict=True)
        },
        index=summary["label"].astype(str),
    )


def tokens_by_stage(summary: pd.DataFrame) -> Figure:
    """Horizontal stacked bars of tokens per probe: build, use, and unused summaries apart.

    Args:
        summary: An overall `summarize` table.

    Returns:
        The figure: one bar container per part of `COST_PARTS` (labelled with it), one bar
        per design; the unused summaries start where the design's cost ends, hatched.
    """
    parts = cost_parts(summary)
    short, shared = short_labels(list(parts.index))
    fig, ax = new_figure(9.0, max(3.0, 1.6 + 0.32 * len(parts)))
    positions = np.arange(len(parts), dtype=float)[::-1]
    left = np.zeros(len(parts))
    for name, colour, hatch in COST_PARTS:
        values = parts[name].to_numpy(float)
        ax.barh(
            positions,
            values,
            0.7,
            left=left,
            label=name,
            color=colour,
            hatch=hatch,
            edgecolor="0.4" if hatch else colour,
            lw=0.6,
        )
        left += values
    ax.set_yticks(positions, short, fontsize=9)
    cost = parts.iloc[:, :-1].sum(axis=1).to_numpy()
    if len(parts):
        lo, hi = int(np.argmin(cost)), int(np.argmax(cost))
        unused = parts.iloc[:, -1].max()
        title = f"Cost per probe: {cost[lo]:,.0f} to {cost[hi]:,.0f} tokens"
        if unused > 0:
            title += f"; summaries no recall reads (up to {unused:,.0f}) are not charged"
        fig.suptitle(title, fontsize=10)
    label = "tokens per probe (the design's cost: build + use; judge tokens not counted)"
    ax.set_xlabel(label + ("\nevery design: " + ", ".join(shared) if shared else ""), fontsize=9)
    fig.legend(fontsize=8.5, loc="outside lower center", ncol=3, frameon=False)
    ax.grid(True, axis="x", color="0.9", lw=0.6)
    ax.set_axisbelow(True)
    return fig
