"""Pieces every lab figure shares: interval bars, design styles, short labels, a log rule.

A design's colour says how it builds memory (its ingest settings) and its marker how it
recalls (its strategy), so a legend of both decodes every point; `short_labels` drops the
parts of the labels that every design shares, so the keys stay narrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from memlab.errors import ConfigError

__all__ = [
    "INGEST_SETTINGS",
    "RECALL_SETTINGS",
    "DesignStyles",
    "design_styles",
    "interval_errors",
    "need_columns",
    "new_figure",
    "set_log_if_wide",
    "short_labels",
]

INGEST_SETTINGS = ("ingest", "prompt", "summary_trigger", "summary_mode")
"""The settings that say how a design builds memory: one colour per combination."""
RECALL_SETTINGS = ("strategy", "embedder")
"""The settings that say how a design recalls: one marker per combination."""

COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")


def interval_errors(frame: pd.DataFrame, y: str) -> npt.NDArray[np.float64]:
    """The (2, n) error-bar lengths of `y` from its `_lo` / `_hi` columns.

    An undefined interval (one conversation, n_boot=0) is a zero-length bar, not an error.
    """
    mean = frame[y].to_numpy(float)
    lo = frame[f"{y}_lo"].to_numpy(float) if f"{y}_lo" in frame else mean
    hi = frame[f"{y}_hi"].to_numpy(float) if f"{y}_hi" in frame else mean
    err: npt.NDArray[np.float64] = np.nan_to_num(np.vstack([mean - lo, hi - mean]), nan=0.0)
    return err.clip(min=0.0)


def need_columns(frame: pd.DataFrame, *columns: str) -> None:
    """Raise `ConfigError` naming the columns `frame` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"the table has no column {missing}; pass a `summarize` table")


def new_figure(width: float = 7.0, height: float = 4.5) -> tuple[Figure, Axes]:
    """A figure with one axes and constrained layout, without pyplot."""
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def set_log_if_wide(ax: Axes, values: npt.ArrayLike, *, axis: str = "x") -> bool:
    """Use a log scale on `axis` when the positive `values` span more than 10x.

    Ticks stay plain numbers (150, 1,000), not powers of ten. Returns whether it did.
    """
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    if not vals.size or vals.min() <= 0 or vals.max() / vals.min() <= 10:
        return False
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    target.set_major_formatter(plain)
    target.set_minor_formatter(
        FuncFormatter(lambda v, _: plain(v) if f"{v:.0e}"[0] in "25" else "")
    )
    return True


def _varying(summary: pd.DataFrame, settings: tuple[str, ...]) -> list[str]:
    present = [c for c in settings if c in summary.columns]
    varying = [c for c in present if summary[c].astype(str).nunique() > 1]
    return varying or present[:1]


def _name(row: pd.Series, keys: list[str]) -> str:
    parts = [str(row[k]) for k in keys if not pd.isna(row[k])]
    return " · ".join(parts) or "-"


@dataclass(frozen=True)
class DesignStyles:
    """Colour and marker of each row of a summary, and what they stand for."""

    colours: list[str]
    """One colour per row."""
    markers: list[str]
    """One marker per row."""
    ingest: dict[str, str]
    """Ingest design name → colour, in order of appearance."""
    recall: dict[str, str]
    """Recall design name → marker, in order of appearance."""
    ingest_title: str
    """The settings the colours name, e.g. `ingest · prompt`."""
    recall_title: str
    """The settings the markers name."""


def design_styles(summary: pd.DataFrame) -> DesignStyles:
    """Colour by ingest design and marker by recall design for each row of `summary`."""
    ingest_keys, recall_keys = (
        _varying(summary, INGEST_SETTINGS),
        _varying(summary, RECALL_SETTINGS),
    )
    ingest: dict[str, str] = {}
    recall: dict[str, str] = {}
    colours, markers = [], []
    for _, row in summary.iterrows():
        i_name, r_name = _name(row, ingest_keys), _name(row, recall_keys)
        ingest.setdefault(i_name, COLOURS[len(ingest) % len(COLOURS)])
        recall.setdefault(r_name, MARKERS[len(recall) % len(MARKERS)])
        colours.append(ingest[i_name])
        markers.append(recall[r_name])
    return DesignStyles(
        colours,
        markers,
        ingest,
        recall,
        " · ".join(ingest_keys) or "design",
        " · ".join(recall_keys) or "recall",
    )


_PIECE = re.compile(r"(?= · |[+@/])")


def short_labels(labels: list[str]) -> tuple[list[str], list[str]]:
    """The labels without the pieces every one of them has, and those pieces.

    A piece is what follows a `+`, `@`, `/` or ` · ` in a design label (`+session_end`,
    `@10`); with one label, or none shared, the labels come back as they are.
    """
    if len(labels) < 2:
        return list(labels), []
    split = [[p for p in _PIECE.split(label) if p] for label in labels]
    shared = [p for p in split[0][1:] if all(p in s[1:] for s in split[1:])]
    out = []
    for pieces in split:
        kept = [pieces[0], *(p for p in pieces[1:] if p not in shared)]
        out.append("".join(kept).removeprefix(" · "))
    return out, [p.removeprefix(" · ") for p in shared]
