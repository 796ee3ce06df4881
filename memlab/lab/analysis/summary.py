"""What notebooks and reports read: summaries with intervals, paired comparisons, Pareto sets.

Everything here reads only the frames of a results object (`ResultsLike`: `variants_df`,
`probes_df`, `units_df`, `calls_df`, `provenance`), so it works the same on a results file
reopened read-only and on frames built by hand.

Conventions, pinned so tables can be compared:
- A score's mean is over rows with `status == "ok"` and a non-NaN value; errored probes are
  counted (`n_errors`), never scored as 0.
- Intervals are 95% bootstrap intervals resampled by conversation (`memlab.lab.analysis.stats`).
- `tokens_per_probe` is what the memory system spends per probe: ingest (extraction and
  summaries of the unit, amortized over the unit's probes) + recall + answer. The judge is
  evaluation overhead, reported apart in `judge_tokens_per_probe`. A recall variant is charged
  the whole ingest of its memory state, as if it ran alone, although the runner ingests once
  for every recall variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from memlab.errors import ConfigError
from memlab.lab.analysis.compare import Comparison, compare
from memlab.lab.analysis.scorers import SCORERS
from memlab.lab.analysis.stats import cluster_bootstrap, cluster_bootstrap_macro, percentile

__all__ = [
    "Comparison",
    "ResultsLike",
    "compare",
    "default_score",
    "pareto",
    "score_names",
    "summarize",
]

# The score a Pareto set and a plot use when not told: the strongest measure that ran.
PREFERRED_SCORES = (
    "judge",
    "token_f1",
    "exact_match",
    "answer_in_context",
    "evidence_recall_any",
    "evidence_recall_all",
)
_STAGES = ("recall", "answer", "judge")
_HEALTHY = {"", "ok", "healthy"}


class ResultsLike(Protocol):
    """Anything with the frames of `memlab.lab.analysis.results.Results`."""

    def variants_df(self) -> pd.DataFrame:
        """One row per variant with its settings as columns."""
        ...

    def probes_df(self) -> pd.DataFrame:
        """One row per (variant, probe, repeat) with every score."""
        ...

    def units_df(self) -> pd.DataFrame:
        """One row per (ingest variant, conversation) unit."""
        ...

    def calls_df(self) -> pd.DataFrame:
        """The experiment's `llm_calls` rows with their attribution."""
        ...

    def provenance(self) -> dict[str, Any]:
        """Dataset hash and counts, versions, prompts, models, category map, seed."""
        ...


def score_names(frame: pd.DataFrame) -> list[str]:
    """The registered scores a probes frame or summary has values for, in registry order."""
    names = []
    for name in SCORERS:
        if name in frame.columns and frame[name].notna().any():
            names.append(name)
    return names


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    # Optional columns (no judge stage, an older file) read as all-NaN rather than KeyError.
    if name in frame.columns:
        # Float, not nullable Int64: the mean of an all-errored variant is then NaN, not pd.NA.
        return pd.to_numeric(frame[name], errors="coerce").astype(float)
    return pd.Series(np.nan, index=frame.index, dtype=float)


def _known_sum(cost: pd.Series, tokens: pd.Series) -> float:
    # Cost is unknown when some tokens were spent without a price; free (no tokens) is 0.
    if bool((cost.isna() & (tokens.fillna(0) > 0)).any()):
        return float("nan")
    return float(cost.fillna(0).sum())


@dataclass(frozen=True)
class _UnitCosts:
    tokens: pd.Series  # ingest + summary tokens per unit_id
    cost: pd.Series  # ingest + summary cost per unit_id, NaN when unknown
    n_probes: pd.Series


def _unit_costs(units: pd.DataFrame) -> _UnitCosts:
    by_id = units.set_index("unit_id") if len(units) else units
    ingest_t, summary_t = _col(by_id, "ingest_tokens"), _col(by_id, "summary_tokens")
    tokens = ingest_t.fillna(0) + summary_t.fillna(0)
    cost = _col(by_id, "ingest_cost_usd").fillna(0) + _col(by_id, "summary_cost_usd").fillna(0)
    unknown = (_col(by_id, "ingest_cost_usd").isna() & (ingest_t.fillna(0) > 0)) | (
        _col(by_id, "summary_cost_usd").isna() & (summary_t.fillna(0) > 0)
    )
    cost[unknown] = np.nan
    return _UnitCosts(tokens, cost, _col(by_id, "n_probes"))


def _with_recall_calls(probes: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """Give probe rows recall tokens and cost from the ledger when the frame lacks them.

    Agentic recall calls are attributed to a variant but not to a probe, so each of the
    variant's rows gets an equal share of the variant's recall-stage calls.
    """
    if "recall_tokens" in probes.columns or "stage" not in calls.columns or probes.empty:
        return probes
    recall = calls[calls["stage"] == "recall"]
    tokens = _col(recall, "input_tokens").fillna(0) + _col(recall, "output_tokens").fillna(0)
    cost = _col(recall, "cost_usd")
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


def _row_stats(
    rows: pd.DataFrame,
    units: pd.DataFrame,
    costs: _UnitCosts,
    scores: list[str],
    *,
    n_boot: int,
    seed: int,
) -> dict[str, Any]:
    ok = rows[rows["status"] == "ok"]
    out: dict[str, Any] = {}
    for s in scores:
        scored = ok[ok[s].notna()]
        out[s] = float(scored[s].mean()) if len(scored) else float("nan")
        out[f"{s}_lo"], out[f"{s}_hi"] = cluster_bootstrap(
            scored[s].to_numpy(float),
            scored["conversation_id"].to_numpy(),
            n_boot=n_boot,
            seed=seed,
        )
        out[f"{s}_n"] = len(scored)
        # Answer noise: the spread of the mean over repeats (NaN with one repeat).
        repeats = scored.groupby("repeat")[s].mean() if "repeat" in scored else pd.Series()
        out[f"{s}_repeat_sd"] = float(repeats.std(ddof=1)) if len(repeats) > 1 else float("nan")
    out["n_probes"] = len(rows)
    out["n_errors"] = int((rows["status"] != "ok").sum())
    n_rows = len(rows) or float("nan")  # no rows: per-probe figures are undefined
    per_probe = (costs.tokens / costs.n_probes.where(costs.n_probes > 0)).fillna(0)
    ingest = rows["unit_id"].map(per_probe).fillna(0)
    stage_tokens = {st: _col(rows, f"{st}_tokens").fillna(0) for st in _STAGES}
    out["ingest_tokens_per_probe"] = float(ingest.sum()) / n_rows
    for st in _STAGES:
        out[f"{st}_tokens_per_probe"] = float(stage_tokens[st].sum()) / n_rows
    out["tokens_per_probe"] = (
        out["ingest_tokens_per_probe"]
        + out["recall_tokens_per_probe"]
        + out["answer_tokens_per_probe"]
    )
    out["context_tokens_per_probe"] = float(_col(ok, "context_tokens").mean())
    out["memory_tokens_per_conversation"] = float(_col(units, "memory_tokens").mean())
    out["ingest_coverage"] = float(_col(units, "ingest_coverage").mean())
    # Each unit's ingest is paid once for the variant; probe stages per row.
    unit_ids = units["unit_id"] if len(units) else pd.Series([], dtype=str)
    ingest_cost = costs.cost.reindex(unit_ids)
    ingest_cost_sum = float("nan") if ingest_cost.isna().any() else float(ingest_cost.sum())
    stage_cost = {st: _known_sum(_col(rows, f"{st}_cost_usd"), stage_tokens[st]) for st in _STAGES}
    out["cost_usd"] = ingest_cost_sum + sum(stage_cost.values())
    unit_cost = (costs.cost / costs.n_probes.where(costs.n_probes > 0)).reindex(rows["unit_id"])
    ingest_cost_rows = float("nan") if unit_cost.isna().any() else float(unit_cost.sum())
    system_cost = ingest_cost_rows + stage_cost["recall"] + stage_cost["answer"]
    out["cost_usd_per_probe"] = system_cost / n_rows
    for st in _STAGES:
        for q in (50, 95):
            out[f"{st}_ms_p{q}"] = percentile(_col(ok, f"{st}_ms"), q)
    for q in (50, 95):
        out[f"ingest_ms_p{q}"] = percentile(_col(units, "ingest_ms"), q)
    health = units["health"].fillna("").astype(str) if "health" in units.columns else None
    out["units"] = len(units)
    out["units_unhealthy"] = 0 if health is None else int((~health.isin(_HEALTHY)).sum())
    return out


def summarize(
    results: ResultsLike,
    *,
    by: Literal["category"] | None = None,
    scores: list[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per variant (per variant and category with `by="category"`), with intervals.

    Columns: variant_id, label, [category], for each score `s`: `s` (mean over ok rows,
    NaN excluded), `s_lo` / `s_hi` (95% bootstrap resampled by conversation, seeded), `s_n`
    (n scored), `s_repeat_sd` (standard deviation of the mean over repeats; NaN with one
    repeat), and in the overall table `s_macro` (the mean of per-category means) with
    `s_macro_lo` / `s_macro_hi`; then n_probes, n_errors,
    ingest/recall/answer/judge_tokens_per_probe, tokens_per_probe (ingest + recall + answer),
    context_tokens_per_probe, memory_tokens_per_conversation, ingest_coverage (mean over the
    variant's units), cost_usd (the variant's total, NaN when any part is unpriced),
    cost_usd_per_probe (the system's, as tokens_per_probe), p50/p95 latency per stage, units,
    units_unhealthy, and the variant's settings from `variants_df`. In the per-category
    table, ingest tokens are amortized per probe as in the overall one, while `cost_usd` and
    the unit columns (memory tokens, ingest latency, health) stay the variant's, since units
    are not split by category.

    Args:
        results: Anything with the results frames.
        by: None for one row per variant, `"category"` for one per variant and category.
        scores: Score columns to summarize; None means every registered score with values.
        n_boot: Bootstrap resamples (0 leaves the intervals NaN).
        seed: Seed of the bootstrap; every cell uses it, so a cell does not depend on others.

    Raises:
        ConfigError: an unknown `by` or a score the probes frame lacks.
    """
    if by not in (None, "category"):
        raise ConfigError(f"summarize(by={by!r}): use None or 'category'")
    probes, variants, units = results.probes_df(), results.variants_df(), results.units_df()
    probes = _with_recall_calls(probes, results.calls_df())
    names = score_names(probes) if scores is None else list(scores)
    missing = [s for s in names if s not in probes.columns]
    if missing:
        have = ", ".join(score_names(probes)) or "none"
        raise ConfigError(f"summarize: no score column {missing}; the probes frame has: {have}")
    costs = _unit_costs(units)
    settings = [c for c in variants.columns if c not in ("variant_id", "label")]
    records: list[dict[str, Any]] = []
    for variant in variants.to_dict("records"):
        vid = variant["variant_id"]
        rows = probes[probes["variant_id"] == vid]
        v_units = units[units["ingest_id"] == variant.get("ingest_id")] if len(units) else units
        head = {"variant_id": vid, "label": variant.get("label", vid)}
        tail = {k: variant[k] for k in settings}
        if by == "category":
            for category, part in rows.groupby("category", sort=True, dropna=False):
                stats = _row_stats(part, v_units, costs, names, n_boot=n_boot, seed=seed)
                records.append({**head, "category": category, **stats, **tail})
            continue
        stats = _row_stats(rows, v_units, costs, names, n_boot=n_boot, seed=seed)
        ok = rows[rows["status"] == "ok"]
        for s in names:
            scored = ok[ok[s].notna()]
            means = scored.groupby("category", dropna=False)[s].mean()
            stats[f"{s}_macro"] = float(means.mean()) if len(means) else float("nan")
            stats[f"{s}_macro_lo"], stats[f"{s}_macro_hi"] = cluster_bootstrap_macro(
                scored[s].to_numpy(float),
                scored["conversation_id"].to_numpy(),
                scored["category"].fillna("").to_numpy(),
                n_boot=n_boot,
                seed=seed,
            )
        records.append({**head, **stats, **tail})
    frame = pd.DataFrame.from_records(records)
    # Each score's columns together: mean, interval, n, repeat spread, then its macro average.
    suffixes = ("", "_lo", "_hi", "_n", "_repeat_sd", "_macro", "_macro_lo", "_macro_hi")
    per_score = [f"{s}{x}" for s in names for x in suffixes if f"{s}{x}" in frame.columns]
    ids = [c for c in ("variant_id", "label", "category") if c in frame.columns]
    others = [c for c in frame.columns if c not in ids and c not in per_score]
    return frame[ids + per_score + others]


def default_score(summary: pd.DataFrame) -> str:
    """The score plots and Pareto sets use by default: the first `PREFERRED_SCORES` with values.

    Raises:
        ConfigError: the summary has no score with values.
    """
    for name in PREFERRED_SCORES:
        if name in summary.columns and summary[name].notna().any():
            return name
    raise ConfigError("the summary has no score with values; did every probe error?")


def pareto(
    summary: pd.DataFrame,
    *,
    x: str = "tokens_per_probe",
    y: str | None = None,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """The rows no other row beats on both `x` (lower is better) and `y`.

    A row is dropped when another has `x` no larger and `y` no worse, one of them strictly.
    Rows with NaN in `x` or `y` are left out.

    Args:
        summary: A `summarize` table.
        x: The cost column (lower is better).
        y: The score column; None means `default_score(summary)`.
        higher_is_better: False for scores where lower is better (`stale_in_context`).

    Returns:
        The Pareto rows, sorted by `x`.
    """
    y = y or default_score(summary)
    for column in (x, y):
        if column not in summary.columns:
            raise ConfigError(f"pareto: the summary has no column {column!r}")
    rows = summary[summary[x].notna() & summary[y].notna()]
    xs = rows[x].to_numpy(float)
    ys = rows[y].to_numpy(float) * (1 if higher_is_better else -1)
    keep = []
    for i in range(len(rows)):
        beaten = (xs <= xs[i]) & (ys >= ys[i]) & ((xs < xs[i]) | (ys > ys[i]))
        keep.append(not beaten.any())
    return rows[np.array(keep, dtype=bool)].sort_values(x, kind="stable")
