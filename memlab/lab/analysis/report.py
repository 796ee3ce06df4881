"""`write_report`: one experiment's results as `report.md` and the PNG plots it links.

The report leads with the answer: the findings (`memlab.lab.analysis.findings`: the best
design within a few token budgets, the designs statistically tied with it, the Pareto set,
warnings) and the plots; then the tables a reader needs to trust and reproduce a number: the
summary with 95% intervals, scored/errored counts and build/use tokens, micro and macro
averages, the per-category table (rows without a defined score left out), variants, health
and the judge's false-accept rate; last the dataset (sha256 and counts), models and prompt
versions and the exact definition of every score. A baseline label comes first when the
models are memlab's offline rules.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from memlab.lab.analysis import plots
from memlab.lab.analysis.findings import findings, findings_lines, is_baseline
from memlab.lab.analysis.frontiers import frontiers
from memlab.lab.analysis.report_meta import dataset_section, markdown_table, provenance_section
from memlab.lab.analysis.scorers import SCORERS, is_abstention_answer
from memlab.lab.analysis.summary import ResultsLike, default_score, score_names, summarize

__all__ = ["write_report"]

_COLUMN_DEFINITIONS = {
    "tokens/probe": "what the design spends per probe: build + use (judge tokens, evaluation "
    "overhead, are left out)",
    "build": "extraction tokens, plus summary tokens when the design's recall reads summaries, "
    "of each conversation amortized over its probes",
    "use": "recall-call tokens plus the answer call's tokens (which include the context), or "
    "the context tokens an answerer would read when no answer stage ran",
    "unused": "summary tokens spent on summaries the design's recall never reads; shown, "
    "not charged",
    "context": "tokens of the recalled context given to the answerer, per probe",
    "memory/conv": "tokens of the memories and summaries stored per conversation",
    "cost/probe": "USD per probe, as tokens/probe; `unknown` when a call had no price",
    "errors": "probes whose model call failed; they are excluded from means, never scored 0",
    "ingest coverage": "the share of a conversation's evidence turns that at least one stored "
    "memory or summary cites (mean over conversations): how much extraction dropped",
    "unhealthy units": "conversations whose ingest stored nothing, whose recall came back "
    "empty for every probe, or whose recalled items cite no turn (`no_provenance`: evidence "
    "scores are undefined for them, not 0; see Health)",
}


def _num(value: Any, digits: int = 3) -> str:
    if value is None or pd.isna(value):
        return "unknown"
    return f"{float(value):,.{digits}f}"


def _score(value: Any) -> str:
    return "–" if pd.isna(value) else f"{value:.3f}"


def _interval(mean: Any, lo: Any, hi: Any) -> str:
    if pd.isna(mean):
        return "–"
    ci = "no CI" if pd.isna(lo) else f"{lo:.3f}–{hi:.3f}"
    return f"{mean:.3f} [{ci}]"


def _cell(row: pd.Series, score: str) -> str:
    text = _interval(row[score], row[f"{score}_lo"], row[f"{score}_hi"])
    if text == "–":
        return text
    sd = row.get(f"{score}_repeat_sd")
    spread = "" if sd is None or pd.isna(sd) else f", sd over repeats {sd:.3f}"
    return f"{text} (n={int(row[f'{score}_n'])}{spread})"


def _macro(row: pd.Series, score: str) -> str:
    return _interval(row[f"{score}_macro"], row[f"{score}_macro_lo"], row[f"{score}_macro_hi"])


def _definitions(scores: Sequence[str], n_boot: int, seed: int) -> list[str]:
    out = ["## Metric definitions", ""]
    out += [f"- **{s}**: {SCORERS[s].definition}" for s in scores if s in SCORERS]
    abstain = " ".join((inspect.getdoc(is_abstention_answer) or "").split())
    out.append(f"- **declining** (is_abstention_answer): {abstain}")
    out += [f"- **{k}**: {v}." for k, v in _COLUMN_DEFINITIONS.items()]
    out.append(
        f"- Means are over probes that ran without error and where the score is defined; "
        f"intervals are 95% bootstrap percentile intervals resampling conversations "
        f"({n_boot} resamples, seed {seed}); `no CI` means fewer than two conversations. "
        "Micro averages every probe; macro averages the per-category means."
    )
    return [*out, ""]


def _variants_section(summary: pd.DataFrame) -> list[str]:
    settings = [c for c in (*plots.DESIGN_SETTINGS, "k") if c in summary.columns]
    rows = [
        [
            str(r["label"]),
            f"`{r['variant_id']}`",
            *("–" if pd.isna(r[c]) else str(r[c]) for c in settings),
            _score(r["ingest_coverage"]),
            f"{int(r['units_unhealthy'])}/{int(r['units'])}",
        ]
        for _, r in summary.iterrows()
    ]
    header = ["variant", "id", *settings, "ingest coverage", "unhealthy units"]
    return ["## Variants", "", *markdown_table(header, rows)]


def _summary_section(summary: pd.DataFrame, scores: Sequence[str]) -> list[str]:
    header = ["variant", *scores, "errors", "tokens/probe", "build", "use", "unused", "context"]
    header += ["memory/conv", "cost/probe"]
    front = {s: set(ids) for s, ids in frontiers(summary, scores=scores).items()}

    def star(r: pd.Series, s: str) -> str:
        return " ★" if r["variant_id"] in front[s] else ""

    rows = [
        [
            str(r["label"]),
            *(_cell(r, s) + star(r, s) for s in scores),
            f"{int(r['n_errors'])}/{int(r['n_probes'])}",
            _num(r["tokens_per_probe"], 1),
            *(_num(r.get(f"{c}_tokens_per_probe"), 1) for c in ("build", "use", "unused_summary")),
            _num(r["context_tokens_per_probe"], 1),
            _num(r["memory_tokens_per_conversation"], 1),
            _num(r["cost_usd_per_probe"], 6),
        ]
        for _, r in summary.iterrows()
    ]
    note = (
        "★: on that score's Pareto frontier of tokens/probe (no design is both cheaper and "
        "better on it; lower is better for stale_in_context)."
    )
    out = ["## Summary (micro: every probe)", "", note, "", *markdown_table(header, rows)]
    macro = [[str(r["label"]), *(_macro(r, s) for s in scores)] for _, r in summary.iterrows()]
    out += ["### Category-averaged (macro)", "", *markdown_table(["variant", *scores], macro)]
    return out


def _category_section(by_cat: pd.DataFrame, scores: Sequence[str]) -> list[str]:
    # Categories in sorted order, variants in the experiment's order within each; a row with
    # no defined score says nothing and is left out, with a note for whole categories.
    ordered = by_cat.assign(_pos=range(len(by_cat))).sort_values(["category", "_pos"])
    defined = ordered[list(scores)].notna().any(axis=1)
    rows = [
        [str(r["category"]), str(r["label"]), *(_cell(r, s) for s in scores)]
        for _, r in ordered[defined].iterrows()
    ]
    out = ["## Per category", "", *markdown_table(["category", "variant", *scores], rows)]
    names = ordered["category"].astype(str)
    empty = sorted(set(names) - set(names[defined]))
    if empty:
        out += [f"No score is defined for {', '.join(empty)} (left out of this table).", ""]
    return out


def _nothing_scored(summary: pd.DataFrame) -> str:
    """Why the summary has no score, stated from the counts."""
    n_probes = int(summary["n_probes"].sum()) if "n_probes" in summary else 0
    n_errors = int(summary["n_errors"].sum()) if "n_errors" in summary else 0
    if n_probes == 0:
        return "No probe was scored: the results hold no probe rows."
    if n_errors == n_probes:
        return (
            f"No probe was scored: every probe errored ({n_errors} of {n_probes}); see Health "
            "and probes_df().error."
        )
    return (
        f"No probe was scored: the experiment computes no score ({n_errors} of {n_probes} "
        "probes errored)."
    )


def _health_section(results: ResultsLike, summary: pd.DataFrame) -> list[str]:
    units = results.units_df()
    out = ["## Health", ""]
    if len(units):
        bad = units[(units["health"].fillna("ok") != "ok") | (units["status"] != "ok")]
        for _, u in bad.iterrows():
            out.append(
                f"- **warning**: unit `{u['unit_id']}` (conversation `{u['conversation_id']}`, "
                f"ingest `{u['ingest_id']}`): status {u['status']}, health {u['health']}"
                + (f": {u['error']}" if isinstance(u.get("error"), str) else "")
            )
    for _, r in summary[summary["n_errors"] > 0].iterrows():
        n_errors, n_probes = int(r["n_errors"]), int(r["n_probes"])
        out.append(
            f"- **error**: {r['label']}: every probe errored ({n_errors} of {n_probes}), so "
            "nothing of it is scored; see probes_df().error, and rerun the replay once the "
            "model answers"
            if n_errors == n_probes
            else f"- **warning**: {r['label']}: {n_errors} of {n_probes} probes "
            "errored (excluded from means; see probes_df().error)"
        )
    if len(out) == 2:
        out.append("- every unit stored memories and recalled something; no probe errored.")
    return [*out, ""]


def _judge_section(results: ResultsLike, probes: pd.DataFrame) -> list[str]:
    get: Callable[[], pd.DataFrame] | None = getattr(results, "judge_controls_df", None)
    controls = get() if get is not None else pd.DataFrame()
    if controls.empty or "accepted" not in controls.columns or "judge" not in probes.columns:
        return []
    scored = controls[controls["status"] == "ok"].copy()
    scored["accepted"] = scored["accepted"].astype(float)
    scored["judge_model"] = scored.get("judge_model", pd.Series(dtype=str)).fillna("-")
    answers = probes[(probes["status"] == "ok") & probes["judge"].notna()].copy()
    answers["judge_model"] = answers.get("judge_model", pd.Series(dtype=str)).fillna("-")
    accepts = answers.groupby("judge_model")["judge"].mean()
    rows = [
        [
            f"`{model}`",
            str(kind),
            str(len(part)),
            str(int(part["accepted"].sum())),
            f"{part['accepted'].mean():.3f}",
            _score(accepts.get(model)),
        ]
        for (model, kind), part in scored.groupby(["judge_model", "control"], sort=True)
    ]
    intro = (
        "Each judge also judged control answers that are wrong by construction (another "
        "probe's gold answer, the stale value of an update); accepting one is a false accept. "
        "The last column is how often the same judge accepted the variants' answers."
    )
    header = ["judge", "control", "n", "accepted", "false-accept rate", "accepts answers"]
    return ["## Judge sanity", "", intro, "", *markdown_table(header, rows)]


def _save(fig: Figure, out_dir: Path, name: str) -> str:
    fig.savefig(out_dir / name, dpi=110)
    return f"![{name.removesuffix('.png')}]({name})"


def _plots_section(
    results: ResultsLike, summary: pd.DataFrame, by_cat: pd.DataFrame, y: str, out_dir: Path
) -> list[str]:
    links = [_save(plots.accuracy_vs_tokens(summary, y=y), out_dir, "accuracy_vs_tokens.png")]
    # Every other score against tokens too, each with its own frontier.
    for other in score_names(summary):
        if other != y:
            fig = plots.accuracy_vs_tokens(summary, y=other)
            links.append(_save(fig, out_dir, f"accuracy_vs_tokens-{other}.png"))
    if (summary["cost_usd_per_probe"].fillna(0) > 0).any():
        fig = plots.accuracy_vs_tokens(summary, x="cost_usd_per_probe", y=y)
        links.append(_save(fig, out_dir, "accuracy_vs_cost.png"))
    if "k" in summary.columns and summary["k"].nunique() > 1:
        links.append(_save(plots.accuracy_vs_k(summary, y=y), out_dir, "accuracy_vs_k.png"))
    links.append(_save(plots.category_heatmap(by_cat, y=y), out_dir, "categories.png"))
    links.append(_save(plots.tokens_by_stage(summary), out_dir, "tokens_by_stage.png"))
    calls = results.calls_df()
    if len(calls) and {"input_tokens", "output_tokens"} <= set(calls.columns):
        links.append(_save(plots.cumulative_tokens(calls), out_dir, "cumulative_tokens.png"))
    return ["## Plots", "", *(f"{link}\n" for link in links)]


def write_report(
    results: ResultsLike, out_dir: str | Path, *, n_boot: int = 1000, seed: int = 0
) -> Path:
    """Write `report.md` and the PNG plots it links into `out_dir` (created if missing).

    Args:
        results: A `Results` (or anything with its frames).
        out_dir: Where the report and plots go; existing files of the same names are replaced.
        n_boot: Bootstrap resamples of the intervals.
        seed: Seed of the bootstrap.

    Returns:
        The path of `report.md`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prov = results.provenance()
    summary = summarize(results, n_boot=n_boot, seed=seed)
    by_cat = summarize(results, by="category", n_boot=n_boot, seed=seed)
    scores = score_names(summary)
    name = getattr(results, "name", None) or "experiment"
    lines = [f"# Replay report: {name}", ""]
    lines.append(
        f"Experiment `{getattr(results, 'experiment_id', '-')}`; "
        f"{len(summary)} variants. Generated by `memlab report`."
    )
    lines.append("")
    if is_baseline(prov, results.calls_df()):
        lines += [
            "> **Baseline.** Every model here is `memlab/offline`, memlab's deterministic "
            "rule-based model: these numbers measure the pipeline with rules, not an LLM. "
            "Compare prompts and models only with a real model.",
            "",
        ]
    if not scores:
        lines += ["## Summary", "", _nothing_scored(summary), ""]
        lines += _health_section(results, summary)
    else:
        y = default_score(summary)
        found = findings(results, summary=summary, n_boot=n_boot)
        if found is not None:
            lines += ["## Findings", "", *findings_lines(found), ""]
        lines += _plots_section(results, summary, by_cat, y, out)
        lines += _summary_section(summary, scores) + _category_section(by_cat, scores)
        lines += _variants_section(summary) + _health_section(results, summary)
        lines += _judge_section(results, results.probes_df())
    lines += dataset_section(prov) + provenance_section(prov)
    lines += _definitions(scores, n_boot, seed)
    path = out / "report.md"
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return path
