"""What notebooks and reports read: summaries with intervals, paired comparisons, Pareto sets.

Everything here reads only the frames of a results object (`ResultsLike`: `variants_df`,
`probes_df`, `units_df`, `calls_df`, `provenance`), so it works the same on a results file
reopened read-only and on frames built by hand.

Conventions, pinned so tables can be compared:
- A score's mean is over rows with `status == "ok"` and a non-NaN value; errored probes are
  counted (`n_errors`), never scored as 0.
- Intervals are 95% bootstrap intervals resampled by conversation (`memlab.lab.analysis.stats`).
- `tokens_per_probe` is what the memory system spends per probe: build (extraction, and
  summaries when the recall reads them, of the unit amortized over its probes) + use (recall
  + answer, or the context read when no answer ran); see `memlab.lab.analysis.costs`. The
  judge is evaluation overhead, reported apart in `judge_tokens_per_probe`. A recall variant
  is charged the whole ingest of its memory state, as if it ran alone, although the runner
  ingests once for every recall variant.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from memlab.errors import ConfigError
from memlab.lab.analysis.compare import Comparison, compare
from memlab.lab.analysis.costs import (
    UnitCosts,
    numeric,
    reads_summaries,
    unit_costs,
    use_tokens,
    with_recall_calls,
)
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


def _known_sum(cost: pd.Series, tokens: pd.Series) -> float:
    # Cost is unknown when some tokens were spent without a price; free (no tokens) is 0.
    if bool((cost.isna() & (tokens.fillna(0) > 0)).any()):
        return float("nan")
    return float(cost.fillna(0).sum())


def _row_stats(
    rows: pd.DataFrame,
    units: pd.DataFrame,
    costs: UnitCosts,
    scores: list[str],
    *,
    n_boot: int,
    seed: int,
    reads: bool = True,
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

    def amortized(values: pd.Series) -> float:
        return float(costs.per_probe(values, rows["unit_id"]).fillna(0).sum()) / n_rows

    stage_tokens = {st: numeric(rows, f"{st}_tokens").fillna(0) for st in _STAGES}
    out["ingest_tokens_per_probe"] = amortized(costs.tokens())
    for st in _STAGES:
        out[f"{st}_tokens_per_probe"] = float(stage_tokens[st].sum()) / n_rows
    out["summary_tokens_per_probe"] = amortized(costs.summary_tokens)
    out["build_tokens_per_probe"] = amortized(costs.tokens(summaries=reads))
    out["unused_summary_tokens_per_probe"] = 0.0 if reads else amortized(costs.summary_tokens)
    out["use_tokens_per_probe"] = float(use_tokens(rows).sum()) / n_rows
    out["tokens_per_probe"] = out["build_tokens_per_probe"] + out["use_tokens_per_probe"]
    out["context_tokens_per_probe"] = float(numeric(ok, "context_tokens").mean())
    out["memory_tokens_per_conversation"] = float(numeric(units, "memory_tokens").mean())
    out["ingest_coverage"] = float(numeric(units, "ingest_coverage").mean())
    # Each unit's ingest is paid once for the variant; probe stages per row.
    unit_ids = units["unit_id"] if len(units) else pd.Series([], dtype=str)
    ingest_cost = costs.cost().reindex(unit_ids)
    ingest_cost_sum = float("nan") if ingest_cost.isna().any() else float(ingest_cost.sum())
    stage_cost = {
        st: _known_sum(numeric(rows, f"{st}_cost_usd"), stage_tokens[st]) for st in _STAGES
    }
    out["cost_usd"] = ingest_cost_sum + sum(stage_cost.values())
    unit_cost = costs.per_probe(costs.cost(summaries=reads), rows["unit_id"])
    ingest_cost_rows = float("nan") if unit_cost.isna().any() else float(unit_cost.sum())
    system_cost = ingest_cost_rows + stage_cost["recall"] + stage_cost["answer"]
    out["cost_usd_per_probe"] = system_cost / n_rows
    for st in _STAGES:
        for q in (50, 95):
            out[f"{st}_ms_p{q}"] = percentile(numeric(ok, f"{st}_ms"), q)
    for q in (50, 95):
        out[f"ingest_ms_p{q}"] = percentile(numeric(units, "ingest_ms"), q)
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
    ingest/recall/answer/judge/summary_tokens_per_probe, build_tokens_per_probe (extraction +
    summaries the recall reads), unused_summary_tokens_per_probe, use_tokens_per_probe
    (`costs.use_tokens`), tokens_per_probe (build + use),
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
    probes = with_recall_calls(probes, results.calls_df())
    names = score_names(probes) if scores is None else list(scores)
    missing = [s for s in names if s not in probes.columns]
    if missing:
        have = ", ".join(score_names(probes)) or "none"
        raise ConfigError(f"summarize: no score column {missing}; the probes frame has: {have}")
    costs = unit_costs(units)
    settings = [c for c in variants.columns if c not in ("variant_id", "label")]
    records: list[dict[str, Any]] = []
    for variant in variants.to_dict("records"):
        vid = variant["variant_id"]
        rows = probes[probes["variant_id"] == vid]
        v_units = units[units["ingest_id"] == variant.get("ingest_id")] if len(units) else units
        head = {"variant_id": vid, "label": variant.get("label", vid)}
        tail = {k: variant[k] for k in settings}
        opts: dict[str, Any] = {"n_boot": n_boot, "seed": seed, "reads": reads_summaries(variant)}
        if by == "category":
            for category, part in rows.groupby("category", sort=True, dropna=False):
                stats = _row_stats(part, v_units, costs, names, **opts)
                records.append({**head, "category": category, **stats, **tail})
            continue
        stats = _row_stats(rows, v_units, costs, names, **opts)
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
