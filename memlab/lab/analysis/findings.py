"""`findings`: the answer a reader came for, before any table.

Which design scores best within a few token budgets, which designs are statistically tied
with it (the paired comparison of `memlab.lab.analysis.compare`: tied when the 95% interval
of the difference contains 0), the Pareto set, and the warnings that qualify all of it (few
conversations, a baseline model, errored probes, unhealthy units, synthetic data). The report
opens with it and `memlab replay` prints it at its end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from memlab.errors import ConfigError
from memlab.lab.analysis.compare import Comparison, compare
from memlab.lab.analysis.summary import ResultsLike, default_score, pareto, summarize
from memlab.lab.data.skipped import skipped_text

__all__ = [
    "FEW_CONVERSATIONS",
    "Best",
    "Findings",
    "findings",
    "findings_lines",
    "findings_text",
    "is_baseline",
]

FEW_CONVERSATIONS = 5
"""Intervals resampled from fewer conversations than this are flagged as rough."""

_X = "tokens_per_probe"


@dataclass(frozen=True)
class Best:
    """The best design within one token budget and the designs tied with it."""

    budget: float | None
    """Tokens per probe allowed (None: no limit)."""
    label: str
    """The best design's label (of those with its score, the cheapest)."""
    score: float
    """Its mean score."""
    lo: float
    """Low end of its 95% interval (NaN when undefined)."""
    hi: float
    """High end of its 95% interval."""
    tokens: float
    """Its tokens per probe."""
    tied: list[Comparison] = field(default_factory=list)
    """Paired comparisons (best − other) whose 95% interval contains 0."""
    undecided: list[str] = field(default_factory=list)
    """Designs within the budget the comparison could not tell apart (no interval)."""


@dataclass(frozen=True)
class Findings:
    """What the report's first section says."""

    score: str
    """The score compared (`default_score` of the summary)."""
    best: list[Best]
    """The best design per budget, cheapest budget first; the last is without limit."""
    pareto: list[tuple[str, float, float]]
    """(label, score, tokens per probe) of each Pareto design, cheapest first."""
    warnings: list[str]
    """What qualifies the findings."""


def is_baseline(prov: dict[str, Any], calls: pd.DataFrame) -> bool:
    """Whether every model of the experiment is memlab's offline rule baseline."""
    if "baseline_only" in prov:
        return bool(prov["baseline_only"])
    models = set(calls["model"].dropna()) if "model" in calls.columns else set()
    return bool(models) and all(str(m).startswith("memlab/") for m in models)


def _budgets(costs: pd.Series) -> list[float | None]:
    # Round 1-2-5 budgets between the cheapest and the dearest design, then no limit.
    lo, hi = float(costs.min()), float(costs.max())
    out: list[float | None] = []
    if lo > 0:
        decade = 10 ** math.floor(math.log10(lo))
        while decade <= hi:
            out += [m * decade for m in (1, 2, 5) if lo <= m * decade < hi]
            decade *= 10
    return [*out, None]


def _best(
    results: ResultsLike, rows: pd.DataFrame, y: str, budget: float | None, *, n_boot: int
) -> Best:
    top = rows.sort_values([y, _X], ascending=[False, True], kind="stable").iloc[0]
    tied, undecided = [], []
    for _, other in rows.iterrows():
        if other["variant_id"] == top["variant_id"]:
            continue
        c = compare(results, top["variant_id"], other["variant_id"], y, n_boot=n_boot)
        if math.isnan(c.lo):
            undecided.append(str(other["label"]))
        elif c.lo <= 0 <= c.hi:
            tied.append(c)
    tied.sort(key=lambda c: c.diff)
    return Best(
        budget,
        str(top["label"]),
        float(top[y]),
        float(top.get(f"{y}_lo", float("nan"))),
        float(top.get(f"{y}_hi", float("nan"))),
        float(top[_X]),
        tied,
        undecided,
    )


def _warnings(results: ResultsLike, summary: pd.DataFrame) -> list[str]:
    out = []
    probes, prov = results.probes_df(), results.provenance()
    n_conv = int(probes["conversation_id"].nunique()) if len(probes) else 0
    if n_conv < FEW_CONVERSATIONS:
        out.append(
            f"few conversations: intervals are resampled from {n_conv} conversation(s) "
            f"(fewer than {FEW_CONVERSATIONS}), so they are rough; with fewer than 2 there "
            "is none. Replay more conversations before trusting a difference."
        )
    if is_baseline(prov, results.calls_df()):
        out.append(
            "baseline model: every model is `memlab/offline`, memlab's rule-based baseline; "
            "these numbers measure the pipeline with rules, not an LLM."
        )
    if (prov.get("dataset") or {}).get("synthetic"):
        out.append("synthetic data: compare designs with it, do not quote it as a benchmark.")
    skipped = skipped_text((prov.get("dataset") or {}).get("skipped") or {})
    if skipped:
        out.append(
            f"lenient loading: {skipped} (problems in the dataset file; listed under "
            "Dataset in the report; `strict = true` under [dataset] refuses instead)."
        )
    for _, r in summary[summary["n_errors"] > 0].iterrows():
        out.append(
            f"errors: {r['label']}: {int(r['n_errors'])} of {int(r['n_probes'])} probes errored "
            "(left out of its means, never scored 0)"
        )
    bad = int(summary["units_unhealthy"].max()) if len(summary) else 0
    if bad:
        out.append(
            f"unhealthy units: up to {bad} conversation(s) per design stored nothing, recalled "
            "nothing or cited no turn; see Health."
        )
    return out


def findings(
    results: ResultsLike, *, summary: pd.DataFrame | None = None, n_boot: int = 1000
) -> Findings | None:
    """The findings of one experiment; None when no probe was scored.

    Args:
        results: A `Results` (or anything with its frames).
        summary: Its `summarize` table, when the caller has it already.
        n_boot: Bootstrap resamples of the paired comparisons.
    """
    summary = summarize(results, n_boot=n_boot) if summary is None else summary
    try:
        y = default_score(summary)
    except ConfigError:  # no score with values: every probe errored
        return None
    rows = summary[summary[y].notna() & summary[_X].notna()]
    if rows.empty:
        return None
    best: list[Best] = []
    for budget in _budgets(rows[_X]):
        within = rows if budget is None else rows[rows[_X] <= budget]
        if within.empty:
            continue
        top = within.sort_values([y, _X], ascending=[False, True], kind="stable").iloc[0]
        if best and best[-1].label == str(top["label"]):
            if budget is not None:
                continue  # a bigger budget that buys nothing better says nothing new
            best.pop()  # the overall best: say so, and compare it with every design
        best.append(_best(results, within, y, budget, n_boot=n_boot))
    front = [
        (str(r["label"]), float(r[y]), float(r[_X])) for _, r in pareto(rows, x=_X, y=y).iterrows()
    ]
    return Findings(y, best, front, _warnings(results, summary))


def _interval(lo: float, hi: float) -> str:
    return "no interval" if math.isnan(lo) else f"95% CI {lo:.3f} to {hi:.3f}"


def findings_lines(found: Findings, *, markdown: bool = True) -> list[str]:
    """The findings as lines: Markdown for the report, plain text for the terminal."""
    b = "**" if markdown else ""
    y = found.score
    out = [
        f"Score: `{y}`; cost: tokens per probe (build + use)."
        if markdown
        else f"score: {y}; cost: tokens per probe (build + use)"
    ]
    out.append("")
    for best in found.best:
        where = "with no limit" if best.budget is None else f"within {best.budget:,.0f} tokens"
        out.append(
            f"- Best {where}: {b}{best.label}{b}, {y} {best.score:.3f} "
            f"({_interval(best.lo, best.hi)}) at {best.tokens:,.0f} tokens/probe."
        )
        if best.tied:
            ties = "; ".join(
                f"{c.b_label} ({c.mean_b:.3f}, difference {c.diff:+.3f}, {_interval(c.lo, c.hi)})"
                for c in best.tied
            )
            out.append(f"  - Statistically tied with it (paired, by conversation): {ties}.")
        else:
            out.append("  - No design within this budget is statistically tied with it.")
        if best.undecided:
            out.append(f"  - Not comparable (no interval): {', '.join(best.undecided)}.")
    members = "; ".join(f"{label} ({s:.3f} at {t:,.0f})" for label, s, t in found.pareto)
    out += ["", f"{b}Pareto set{b} (no design is both cheaper and better): {members}."]
    if found.warnings:
        out += ["", f"{b}Warnings{b}:" if markdown else "warnings:"]
        out += [f"- {w}" for w in found.warnings]
    return out


def findings_text(results: ResultsLike, *, n_boot: int = 1000) -> str:
    """The findings as plain text for a terminal (what `memlab replay` prints at its end)."""
    found = findings(results, n_boot=n_boot)
    if found is None:
        return "findings: no probe was scored (every probe errored?); see `memlab report`\n"
    return "\n".join(["findings", *findings_lines(found, markdown=False)]) + "\n"
