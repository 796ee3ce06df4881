"""What a design spends per probe, split into building memory and using it.

A design spends tokens twice. To *build* memory: extraction calls and session summaries,
paid once per conversation and amortized over its probes. To *use* memory: the recall calls
(agentic strategies), then the answerer reads the recalled context; when the answer stage
ran, its call's tokens include that context, and when it did not, the context tokens are what
an answerer would read.

A summary counts as build cost only for designs whose recall reads summaries
(`reads_summaries`); the others show it in `unused_summary_tokens_per_probe`, so a design never
looks more expensive for work it never uses. `summarize` adds these columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COST_AXES",
    "UnitCosts",
    "numeric",
    "reads_summaries",
    "unit_costs",
    "use_tokens",
    "with_recall_calls",
]

COST_AXES = {
    "tokens_per_probe": "tokens per probe: build (extraction, summaries read) + use "
    "(recall, answer or context)",
    "build_tokens_per_probe": "build tokens per probe (extraction + summaries read, amortized)",
    "use_tokens_per_probe": "use tokens per probe (recall + answer, or context read)",
    "context_tokens_per_probe": "context tokens per probe (recalled text the answerer reads)",
    "summary_tokens_per_probe": "summary tokens per probe (every summary written, amortized)",
    "cost_usd_per_probe": "cost per probe (USD; extraction, summaries, recall, answer)",
}
"""What each cost column counts, as an axis label says it."""


def numeric(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column `name` as floats; all-NaN when the frame lacks it (no judge stage, older files)."""
    if name in frame.columns:
        # Float, not nullable Int64: the mean of an all-errored variant is then NaN, not pd.NA.
        return pd.to_numeric(frame[name], errors="coerce").astype(float)
    return pd.Series(np.nan, index=frame.index, dtype=float)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def reads_summaries(settings: Mapping[Any, Any]) -> bool:
    """Whether a variant's recall reads session summaries, from its settings.

    It does when it recalls over summaries (`over = "summaries"` or `"memories+summaries"`)
    or indexes rows under their session's summary (an `expand` option with `summary`). A
    variant without an `over` setting (a hand-made frame) is assumed to read them, so its
    summaries stay charged.
    """
    over = settings.get("over")
    if _missing(over):
        return True
    if "summaries" in str(over):
        return True
    expand = settings.get("opt_expand", settings.get("expand"))
    return not _missing(expand) and "summary" in str(expand)


def use_tokens(rows: pd.DataFrame) -> pd.Series:
    """Tokens each probe row spends using memory: recall + answer, or recall + context.

    A row that ran without an answer call (the answer stage off) counts the context it
    recalled, what an answerer would read; an errored row counts what its calls spent.
    """
    answer, context = numeric(rows, "answer_tokens"), numeric(rows, "context_tokens")
    unanswered = answer.isna() & (rows["status"] == "ok")
    read = answer.fillna(0).where(~unanswered, context.fillna(0))
    return numeric(rows, "recall_tokens").fillna(0) + read


@dataclass(frozen=True)
class UnitCosts:
    """Extraction and summary tokens and cost of each unit (index: unit_id), and its probes."""

    extract_tokens: pd.Series  # per unit_id
    summary_tokens: pd.Series
    extract_cost: pd.Series  # NaN when unknown
    summary_cost: pd.Series
    n_probes: pd.Series

    def tokens(self, *, summaries: bool = True) -> pd.Series:
        """Tokens per unit, with or without the summaries."""
        return self.extract_tokens + (self.summary_tokens if summaries else 0.0)

    def cost(self, *, summaries: bool = True) -> pd.Series:
        """USD per unit (NaN when unknown), with or without the summaries."""
        return self.extract_cost + (self.summary_cost if summaries else 0.0)

    def per_probe(self, values: pd.Series, unit_ids: pd.Series) -> pd.Series:
        """Per-unit `values` divided by the unit's probes, looked up for each of `unit_ids`."""
        return (values / self.n_probes.where(self.n_probes > 0)).reindex(unit_ids)


def unit_costs(units: pd.DataFrame) -> UnitCosts:
    """The `UnitCosts` of a `units_df` frame (missing columns read as zero)."""
    by_id = units.set_index("unit_id") if len(units) else units

    def cost(kind: str) -> pd.Series:
        tokens, usd = numeric(by_id, f"{kind}_tokens"), numeric(by_id, f"{kind}_cost_usd")
        # Unknown when tokens were spent without a price; free (no tokens) is 0.
        return usd.fillna(0).mask(usd.isna() & (tokens.fillna(0) > 0))

    return UnitCosts(
        numeric(by_id, "ingest_tokens").fillna(0),
        numeric(by_id, "summary_tokens").fillna(0),
        cost("ingest"),
        cost("summary"),
        numeric(by_id, "n_probes"),
    )


def with_recall_calls(probes: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """Give probe rows recall tokens and cost from the ledger when the frame lacks them.

    Agentic recall calls are attributed to a variant but not to a probe, so each of the
    variant's rows gets an equal share of the variant's recall-stage calls.
    """
    if "recall_tokens" in probes.columns or "stage" not in calls.columns or probes.empty:
        return probes
    recall = calls[calls["stage"] == "recall"]
    tokens = numeric(recall, "input_tokens").fillna(0) + numeric(recall, "output_tokens").fillna(0)
    cost = numeric(recall, "cost_usd")
    frame = pd.DataFrame(
        {
            "variant_id": recall["variant_id"],
            "t": tokens,
            "c": cost.fillna(0),
            # A variant's recall cost is unknown when a call had tokens but no price.
            "unknown": cost.isna() & (tokens > 0),
        }
    ).groupby("variant_id")
    total_t = frame["t"].sum()
    total_c = frame["c"].sum().mask(frame["unknown"].any())
    n_rows = probes.groupby("variant_id")["variant_id"].transform("size")
    out = probes.copy()
    out["recall_tokens"] = probes["variant_id"].map(total_t).fillna(0) / n_rows
    out["recall_cost_usd"] = probes["variant_id"].map(total_c) / n_rows
    out.loc[out["recall_tokens"] == 0, "recall_cost_usd"] = 0.0
    return out
