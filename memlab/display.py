"""Compact tables for what a notebook cell shows: short ids, dates, clipped text.

A pydantic record prints as one long line of UUIDs and microsecond datetimes, which nobody can
read in a notebook. The objects a cell typically ends with (an `ExtractionResult`, the
`RecallHits` of `Memory.recall`, the `SessionSummaries` of `Memory.get_session_summaries`, a
lab `Results`) render through the helpers here instead: ids cut to their first 8 characters,
timestamps shown as dates, long text clipped with an ellipsis. Each of them also has a
`to_df()` with the full values, for analysis.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from memlab.schema import MemoryEvent, MemoryOp, SessionSummary, Usage

if TYPE_CHECKING:
    from memlab.lab.analysis.summary import ResultsLike

__all__ = [
    "SessionSummaries",
    "clip",
    "extraction_frame",
    "html_table",
    "results_html",
    "short_date",
    "short_id",
    "short_ids",
    "summary_html",
    "text_table",
    "usage_line",
]

ID_CHARS = 8
"""How many leading characters of an id a table shows (enough to tell ids apart)."""
TEXT_CHARS = 100
"""How many characters of a text a table shows before clipping it."""


def short_id(value: str | None) -> str:
    """The first `ID_CHARS` characters of an id ("" for None)."""
    if not value:
        return ""
    return value if len(value) <= ID_CHARS else value[:ID_CHARS]


def short_ids(values: Iterable[str]) -> str:
    """Several ids, shortened and comma-separated."""
    return ", ".join(short_id(v) for v in values)


def short_date(value: datetime | None) -> str:
    """The date of a timestamp, as `YYYY-MM-DD` ("" for None)."""
    return "" if value is None else value.date().isoformat()


def clip(text: str | float | None, width: int = TEXT_CHARS) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis when longer."""
    if not isinstance(text, str) or not text:  # None, or NaN from a frame column
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def text_table(frame: pd.DataFrame, *, caption: str) -> str:
    """`frame` as plain text under a caption line (IPython's text form of the same table)."""
    if frame.empty:
        return caption
    return f"{caption}\n{frame.to_string(index=False)}"


def html_table(frame: pd.DataFrame, *, caption: str | None = None) -> str:
    """`frame` as a small HTML table (no index), with an optional caption line above it."""
    table = frame.to_html(index=False, escape=True, na_rep="", border=0)
    if caption is None:
        return table
    return f"<p><b>{html.escape(caption)}</b></p>{table}"


_EXTRACTION = ["status", "op", "memory_id", "memory", "topics", "source_message_ids", "reason"]


def extraction_frame(
    ops: Sequence[MemoryOp], rejected: Sequence[MemoryEvent], *, compact: bool = False
) -> pd.DataFrame:
    """The applied ops then the rejected ones, one row each (see `ExtractionResult.to_df`)."""
    rows: list[dict[str, Any]] = [
        {
            "status": "applied",
            "op": op.op,
            "memory_id": op.memory_id,
            "memory": op.memory,
            "topics": list(op.topics),
            "source_message_ids": list(op.source_message_ids),
            "reason": None,
        }
        for op in ops
    ]
    rows += [
        {
            "status": "rejected",
            "op": e.op,
            "memory_id": e.memory_id,
            "memory": e.after if e.after is not None else e.before,
            "topics": [],
            "source_message_ids": list(e.source_message_ids),
            "reason": e.reason,
        }
        for e in rejected
    ]
    frame = pd.DataFrame(rows, columns=_EXTRACTION)
    if compact:
        frame["memory_id"] = frame["memory_id"].map(short_id)
        frame["memory"] = frame["memory"].map(clip)
        frame["topics"] = frame["topics"].map(", ".join)
        frame["source_message_ids"] = frame["source_message_ids"].map(short_ids)
        frame["reason"] = frame["reason"].map(lambda r: clip(r, 60))
        frame = frame.rename(columns={"memory_id": "id", "source_message_ids": "sources"})
        if not rejected:
            frame = frame.drop(columns=["status", "reason"])
    return frame


def usage_line(usage: Usage) -> str:
    """Calls, tokens and cost in a few words: `2 calls (1 cached), 812 tokens, $0.0003`."""
    cached = f" ({usage.cached_calls} cached)" if usage.cached_calls else ""
    cost = "cost unknown" if usage.cost_usd is None else f"${usage.cost_usd:.4f}"
    calls = "call" if usage.calls == 1 else "calls"
    return f"{usage.calls} {calls}{cached}, {usage.total_tokens:,} tokens, {cost}"


class SessionSummaries(list[SessionSummary]):
    """Session summaries as `Memory.get_session_summaries` returns them; shown as a table."""

    def to_df(self, *, compact: bool = False) -> pd.DataFrame:
        """One row per summary, full values; `compact=True` gives what a notebook shows."""
        if compact:
            rows: list[dict[str, Any]] = [
                {
                    "session": s.session_id,
                    "user": s.user_id,
                    "date": short_date(s.updated_at),
                    "summary": clip(s.summary, 160),
                    "topics": ", ".join(s.topics),
                    "runs": len(s.run_ids),
                }
                for s in self
            ]
            return pd.DataFrame(
                rows, columns=["session", "user", "date", "summary", "topics", "runs"]
            )
        columns = list(SessionSummary.model_fields)
        return pd.DataFrame([s.model_dump() for s in self], columns=columns)

    def _repr_html_(self) -> str:
        return html_table(self.to_df(compact=True), caption=f"{len(self)} session summaries")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(text_table(self.to_df(compact=True), caption=f"{len(self)} session summaries"))


def summary_html(summary: SessionSummary) -> str:
    """One summary as a two-column table (used by `SessionSummary._repr_html_`)."""
    return SessionSummaries([summary])._repr_html_()


_ALWAYS_SHOWN = ("answer_in_context", "evidence_recall_any")


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.{digits}f}"
    return f"{int(value):,}"


def _with_interval(row: pd.Series, score: str) -> str:
    mean, lo, hi = row.get(score), row.get(f"{score}_lo"), row.get(f"{score}_hi")
    if mean is None or pd.isna(mean):
        return ""
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return f"{mean:.3f}"
    return f"{mean:.3f} [{lo:.3f}, {hi:.3f}]"


def results_compact(summary: pd.DataFrame, scores: Sequence[str]) -> pd.DataFrame:
    """The summary a notebook shows: scores with intervals, n, errors, tokens per probe."""
    rows = []
    for _, row in summary.iterrows():
        out: dict[str, Any] = {"variant": row["label"]}
        for s in scores:
            out[s] = _with_interval(row, s)
        first = scores[0] if scores else None
        out["n"] = _number(row.get(f"{first}_n")) if first else ""
        out["errors"] = _number(row.get("n_errors"))
        out["tokens/probe"] = _number(row.get("tokens_per_probe"), 1)
        out["context tokens/probe"] = _number(row.get("context_tokens_per_probe"), 1)
        rows.append(out)
    return pd.DataFrame(rows)


def _about(results: ResultsLike) -> str:
    # The line that keeps a table honest: which data, which models, baseline or not.
    prov = results.provenance()
    dataset = prov.get("dataset") or {}
    parts = []
    if dataset.get("name"):
        synthetic = " (synthetic)" if dataset.get("synthetic") else ""
        parts.append(f"dataset {dataset['name']}{synthetic}")
    models = sorted({m for ms in (prov.get("models") or {}).values() for m in ms})
    if models:
        baseline = " (offline rule-based baseline)" if prov.get("baseline_only") else ""
        parts.append(f"models {', '.join(models)}{baseline}")
    return " · ".join(parts)


def results_html(results: ResultsLike) -> str:
    """A lab `Results` as HTML: experiment, counts and the summary table with intervals.

    The table shows the strongest score that ran (as plots do), then answer-in-context and
    evidence recall (any) when they ran; `summary_df()` has every score.
    """
    from memlab.lab.analysis.summary import PREFERRED_SCORES, summarize

    probes = results.probes_df()
    units = results.units_df()
    name = getattr(results, "name", "experiment")
    experiment_id = getattr(results, "experiment_id", "")
    n_errors = int((probes["status"] != "ok").sum()) if len(probes) else 0
    head = (
        f"Results of {name!r} ({experiment_id}): {probes['variant_id'].nunique()} variants, "
        f"{units['conversation_id'].nunique()} conversations, {len(units)} units, "
        f"{len(probes)} probe rows, {n_errors} errors"
    )
    about = _about(results)
    caption = f"<p><b>{html.escape(head)}</b>" + (
        f"<br><small>{html.escape(about)}</small></p>" if about else "</p>"
    )
    if probes.empty:
        return caption
    summary = summarize(results)
    ran = [s for s in PREFERRED_SCORES if s in summary and summary[s].notna().any()]
    scores = list(dict.fromkeys(ran[:1] + [s for s in _ALWAYS_SHOWN if s in ran]))
    table = results_compact(summary, scores)
    return (
        caption
        + html_table(table)
        + (
            "<p><small>Each score: mean [95% bootstrap interval by conversation]; tokens per "
            "probe = ingest (amortized) + recall + answer; <code>summary_df()</code> has every "
            "score.</small></p>"
        )
    )
