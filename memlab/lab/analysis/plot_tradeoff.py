"""`accuracy_vs_tokens`: each design's score against what it spends, as a paper would show it.

Points are numbered and a key beside the axes names each number, so no label runs into
another however the designs cluster; the numbers are placed next to their points where they
overlap neither another number nor a point. Colour decodes the ingest design, the marker the
recall strategy, a dashed step line the Pareto frontier (its members starred in the key),
and the title names the best design and the frontier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from memlab.lab.analysis.costs import COST_AXES
from memlab.lab.analysis.frontiers import higher_is_better
from memlab.lab.analysis.plot_parts import (
    design_styles,
    interval_errors,
    need_columns,
    set_log_if_wide,
    short_labels,
)
from memlab.lab.analysis.summary import default_score, pareto

__all__ = ["accuracy_vs_tokens", "label_boxes"]

# Offsets (points) tried for a number, nearest first; then the same further out.
_OFFSETS = [(5, 4), (5, -11), (-13, 4), (-13, -11), (7, -4), (-17, -4), (-4, 8), (-4, -16)]


def _overlap(box: Bbox, others: list[Bbox]) -> float:
    area = 0.0
    for other in others:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            area += w * h
    return area


def _renderer(fig: Figure) -> RendererAgg:
    # matplotlib's Agg backend has no type hints; it is the renderer `savefig` uses for PNG.
    renderer: RendererAgg = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    return renderer


def _place_numbers(fig: Figure, xs: list[float], ys: list[float], texts: list[str]) -> None:
    """Annotate each point with its number where it overlaps no number, point or edge."""
    ax = fig.axes[0]
    renderer = _renderer(fig)
    fig.draw(renderer)  # runs the layout once, so the display positions below are final
    fig.set_layout_engine("none")
    frame = ax.get_window_extent(renderer)
    centres = ax.transData.transform(np.column_stack([xs, ys]))
    r = 4.0 * fig.dpi / 72  # a marker's half width in pixels
    taken = [Bbox.from_extents(cx - r, cy - r, cx + r, cy + r) for cx, cy in centres]
    order = np.argsort(-np.asarray(ys), kind="stable")
    for i in order:
        best: tuple[float, Annotation] | None = None
        for scale in (1.0, 2.0, 3.2):
            for dx, dy in _OFFSETS:
                note = ax.annotate(
                    texts[i],
                    (xs[i], ys[i]),
                    xytext=(dx * scale, dy * scale),
                    textcoords="offset points",
                    fontsize=8,
                    fontweight="bold",
                    arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "0.4"}
                    if scale > 1
                    else None,
                )
                box = note.get_window_extent(renderer).expanded(1.08, 1.1)
                inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
                cost = _overlap(box, taken) + (0.0 if inside else 1e6)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, note)
                else:
                    note.remove()
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is not None:
            taken.append(best[1].get_window_extent(renderer))


def label_boxes(fig: Figure) -> list[Bbox]:
    """The display boxes of the point numbers of an `accuracy_vs_tokens` figure (for tests)."""
    renderer = _renderer(fig)
    return [t.get_window_extent(renderer) for t in fig.axes[0].texts]


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.3g}"


def _title(rows: pd.DataFrame, front: pd.DataFrame, numbers: dict[str, int], x: str, y: str) -> str:
    # Of designs with the top score, the cheapest is the best.
    ranked = rows.sort_values([y, x], ascending=[not higher_is_better(y), True], kind="stable")
    best = ranked.iloc[0]
    unit = "USD" if x.startswith("cost") else "tokens"
    members = ", ".join(f"#{i}" for i in sorted(numbers[v] for v in front["variant_id"]))
    return (
        f"Best {y}: #{numbers[best['variant_id']]} ({best[y]:.3f} at {_amount(best[x])} {unit}"
        f" per probe); Pareto frontier: {members}"
    )


def accuracy_vs_tokens(
    summary: pd.DataFrame, *, x: str = "tokens_per_probe", y: str | None = None
) -> Figure:
    """Each design's score against its cost: numbered points with a key, intervals, frontier.

    The cost axis is logarithmic when the costs span more than 10x.

    Args:
        summary: An overall `summarize` table (one row per variant).
        x: The cost column: `tokens_per_probe`, `build_tokens_per_probe`,
            `use_tokens_per_probe`, `cost_usd_per_probe`, ...
        y: The score; None means `default_score(summary)`.

    Returns:
        The figure: axes 0 holds one error-bar series per design (labelled with its label,
        in the summary's order), the frontier as a line labelled `Pareto frontier` and one
        number per design (its 1-based position); axes 1 holds the key.
    """
    y = y or default_score(summary)
    need_columns(summary, x, y, "label", "variant_id")
    rows = summary[summary[x].notna() & summary[y].notna()].reset_index(drop=True)
    n = len(rows)
    fig = Figure(figsize=(9.6, max(5.0, 2.8 + 0.22 * n)), layout="constrained")
    grid = fig.add_gridspec(1, 2, width_ratios=[1.45, 1.0])
    ax, key = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    key.axis("off")
    styles = design_styles(rows)
    errors = interval_errors(rows, y)
    for i, (_, row) in enumerate(rows.iterrows()):
        ax.errorbar(
            [float(row[x])],
            [float(row[y])],
            yerr=errors[:, [i]],
            fmt=styles.markers[i],
            color=styles.colours[i],
            markersize=7,
            markeredgecolor="black",
            markeredgewidth=0.5,
            ecolor=styles.colours[i],
            elinewidth=1.2,
            capsize=3,
            label=str(row["label"]),
        )
    front = pareto(rows, x=x, y=y, higher_is_better=higher_is_better(y)) if n else rows
    if len(front):
        ax.plot(
            front[x],
            front[y],
            "--",
            color="0.35",
            lw=1.2,
            drawstyle="steps-post",
            label="Pareto frontier",
            zorder=0,
        )
    log = set_log_if_wide(ax, rows[x])
    axis_name = COST_AXES.get(x, x)
    ax.set_xlabel(axis_name.replace(": ", ":\n", 1) + (", log scale" if log else ""), fontsize=9.5)
    better = "" if higher_is_better(y) else ", lower is better"
    ax.set_ylabel(f"{y} (mean, bars: 95% CI{better})", fontsize=10)
    ax.tick_params(labelsize=9)
    ax.grid(True, which="major", color="0.9", lw=0.6)
    ax.margins(x=0.08, y=0.1)
    numbers = {str(v): i + 1 for i, v in enumerate(rows["variant_id"])}
    if n:
        fig.suptitle(_title(rows, front, numbers, x, y), fontsize=11)
    handles = [
        Line2D([], [], ls="", marker="s", color=c, markersize=8, label=name)
        for name, c in styles.ingest.items()
    ]
    handles += [
        Line2D([], [], ls="", marker=m, color="0.3", markersize=7, label=name)
        for name, m in styles.recall.items()
    ]
    handles.append(Line2D([], [], ls="--", color="0.35", label="Pareto frontier"))
    key.legend(
        handles=handles,
        loc="upper left",
        fontsize=9,
        title=f"colour: {styles.ingest_title}; marker: {styles.recall_title}",
        title_fontsize=9,
        ncol=2,
        frameon=False,
        borderaxespad=0,
    )
    _key_table(key, rows, set(front["variant_id"]))
    if n:
        _place_numbers(
            fig,
            list(rows[x].astype(float)),
            list(rows[y].astype(float)),
            [str(i + 1) for i in range(n)],
        )
    return fig


def _key_table(key: Axes, rows: pd.DataFrame, frontier: set[str]) -> None:
    """One line per design under the legend: its number, a star on the frontier, its label."""
    labels, shared = short_labels([str(v) for v in rows["label"]])
    fig = key.get_figure()
    assert isinstance(fig, Figure)
    fig.draw_without_rendering()  # places the legend, so the key starts below it
    legend = key.get_legend()
    frame = key.get_window_extent()
    bottom = legend.get_window_extent().y0 if legend is not None else frame.y1
    top = (bottom - frame.y0) / frame.height - 0.03
    line = 0.21 * fig.dpi / frame.height  # 0.21 inch per line, as long as the key fits
    step = min(line, top / (len(labels) + 2.5))
    head = "key (★ on the Pareto frontier)"
    if shared:
        head += "\nevery design: " + ", ".join(shared)
    key.text(0, top, head, fontsize=9, style="italic", va="top", transform=key.transAxes)
    for i, (vid, label) in enumerate(zip(rows["variant_id"], labels, strict=True)):
        star = "★" if vid in frontier else "  "
        key.text(
            0,
            top - step * (i + (2.2 if shared else 1.2)),
            f"{i + 1:>2} {star} {label}",
            fontsize=9,
            va="top",
            transform=key.transAxes,
            fontweight="bold" if vid in frontier else "normal",
        )
