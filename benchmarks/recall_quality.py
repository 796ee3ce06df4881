"""Evidence recall per context token on the bundled dataset (issue 12).

For every conversation of a split, the turns are stored session by session as messages (and,
with `--over memories`, also as verbatim memories "Speaker: text" citing their turn, as the
lab's `verbatim` ingest does), with the lab's deterministic ids
(`memlab.lab.running.replay_ingest`).
Each probe is asked at its moment (after its `asked_after` session) through the strategy's
`search`, with a token budget and a generous `limit`, and scores evidence recall any: 1 when
a recalled item's provenance includes one of the probe's evidence turns. Probes without
evidence (abstention) are not scored. Intervals are the lab's 95% cluster bootstrap by
conversation (`memlab.lab.analysis.stats.cluster_bootstrap`).

This drives `Memory`'s store and strategies directly instead of the lab runner: the same
ingest and provenance mapping, without answer or judge stages, so a full table takes about a
minute.

    .venv/bin/python benchmarks/recall_quality.py [--dataset FILE] [--split test]
        [--over messages] [--budgets 200,400,800] [--variants bm25,hybrid,...] [--minilm]
        [--workers 2]

The dataset is the bundled `memlab-synthetic-v2` unless `--dataset` names another (v1 is
`datasets/memlab-synthetic-v1.jsonl`).

Without `--variants`, the static-embedder variants run; `--minilm` runs the MiniLM ones
(`neural` extra) beside bm25, hybrid and recommended.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from memlab.db import DuckDbMemoryDb
from memlab.lab.analysis.stats import cluster_bootstrap
from memlab.lab.data.dataset import Conversation, Dataset
from memlab.lab.data.dataset_io import load_dataset
from memlab.lab.running.replay_ingest import (
    Namespace,
    in_time_order,
    probe_moments,
    runs_of,
    turn_id_of,
    verbatim_memories,
)
from memlab.recall import get_strategy
from memlab.recall.budget import context_tokens

DATASET = Path(__file__).resolve().parents[1] / "datasets" / "memlab-synthetic-v2.jsonl"
"""The default of `--dataset` (v1 is `--dataset datasets/memlab-synthetic-v1.jsonl`)."""
LIMIT = 500
"""Seeds per search: far more than any budget holds, so the budget decides."""

# (label, strategy, options): each new option alone on top of bm25, then the combinations.
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "last_n": ("last_n", {}),
    "bm25": ("bm25", {}),
    "semantic (static)": ("semantic", {"embedder": "static"}),
    "semantic (minilm)": ("semantic", {"embedder": "minilm"}),
    "hybrid (static)": ("hybrid", {"embedder": "static"}),
    "hybrid (minilm)": ("hybrid", {"embedder": "minilm"}),
    "bm25 + window=1": ("bm25", {"window": 1}),
    "bm25 + session": ("bm25", {"session_weight": 0.25}),
    "bm25 + temporal": ("bm25", {"temporal": True}),
    "bm25 + expand date": ("bm25", {"expand": ["date"]}),
    "bm25 + expand speaker": ("bm25", {"expand": ["speaker"]}),
    "hybrid + window=1": ("hybrid", {"embedder": "static", "window": 1}),
    "hybrid + session": ("hybrid", {"embedder": "static", "session_weight": 0.25}),
    "hybrid + temporal": ("hybrid", {"embedder": "static", "temporal": True}),
    "hybrid + expand speaker": ("hybrid", {"embedder": "static", "expand": ["speaker"]}),
    "recommended": ("recommended", {}),
    "recommended (minilm)": ("recommended", {"embedder": "minilm"}),
}


@dataclass(frozen=True)
class Row:
    """One scored probe under one variant and budget."""

    variant: str
    budget: int
    conversation: str
    probe: str
    category: str
    hit: float
    tokens: int
    ms: float


def evaluate_conversation(
    conversation: Conversation,
    variants: dict[str, tuple[str, dict[str, Any]]],
    budgets: Sequence[int],
    *,
    over: str = "messages",
    limit: int = LIMIT,
) -> list[Row]:
    """Replay one conversation session by session and score every probe at its moment."""
    db = DuckDbMemoryDb(":memory:")
    user_id = f"{conversation.id}/all"
    namespace = Namespace(user_id, None)
    # Probes without evidence (abstention) have no evidence recall to score.
    moments = {
        i: [p for p in probes if p.evidence] for i, probes in probe_moments(conversation).items()
    }
    strategies = {
        (label, b): get_strategy(name, budget_tokens=b, **options)
        for label, (name, options) in variants.items()
        for b in budgets
    }
    rows: list[Row] = []
    for i, session in enumerate(in_time_order(conversation)):
        runs = list(runs_of(conversation, session, namespace, user_id))
        db.add_runs(runs)
        if over == "memories":
            memories = [m for run in runs for m in verbatim_memories(namespace, run)]
            db.upsert_memories(user_id, memories, cause="verbatim")
        for probe in moments.get(i, []):
            for (label, budget), strategy in strategies.items():
                started = time.perf_counter()
                hits = strategy.search(
                    db, user_id=user_id, query=probe.question, limit=limit, over=over
                )  # type: ignore[arg-type]
                ms = (time.perf_counter() - started) * 1000
                turns = {turn_id_of(m, conversation.id) for h in hits for m in h.source_message_ids}
                rows.append(
                    Row(
                        label,
                        budget,
                        conversation.id,
                        probe.id,
                        probe.category,
                        float(bool(turns & set(probe.evidence))),
                        context_tokens([h.text for h in hits]),
                        ms,
                    )
                )
    db.close()
    return rows


def _unit(args: tuple[Conversation, dict[str, Any], Sequence[int], str, int]) -> list[Row]:
    conversation, variants, budgets, over, limit = args
    return evaluate_conversation(conversation, variants, budgets, over=over, limit=limit)


def evaluate(
    dataset: Dataset,
    variants: dict[str, tuple[str, dict[str, Any]]],
    budgets: Sequence[int],
    *,
    over: str = "messages",
    workers: int = 1,
    limit: int = LIMIT,
) -> pd.DataFrame:
    """Every scored probe of the dataset under every variant and budget, as a frame.

    Conversations are independent, so `workers` > 1 spreads them over processes.
    """
    units = [(c, variants, budgets, over, limit) for c in dataset.conversations]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_unit, units))
    else:
        parts = [_unit(u) for u in units]
    return pd.DataFrame([r.__dict__ for part in parts for r in part])


def table(frame: pd.DataFrame, *, by: Sequence[str] = ("variant", "budget")) -> pd.DataFrame:
    """Mean evidence recall with its 95% cluster-bootstrap interval, per group."""
    out = []
    for key, group in frame.groupby(list(by), sort=False):
        low, high = cluster_bootstrap(group["hit"].to_numpy(), group["conversation"].to_numpy())
        keys = key if isinstance(key, tuple) else (key,)
        out.append(
            {
                **dict(zip(by, keys, strict=True)),
                "recall": group["hit"].mean(),
                "low": low,
                "high": high,
                "tokens": group["tokens"].mean(),
                "max_tokens": group["tokens"].max(),
                "ms_p50": float(np.median(group["ms"])),
                "n": len(group),
            }
        )
    return pd.DataFrame(out)


def markdown(frame: pd.DataFrame, budgets: Sequence[int]) -> str:
    """Variants as rows, budgets as columns: "recall [low, high]"."""
    summary = table(frame)
    lines = [
        "| variant | " + " | ".join(f"@{b}" for b in budgets) + " |",
        "| --- |" + " --- |" * len(budgets),
    ]
    for variant in dict.fromkeys(summary["variant"]):
        cells = []
        for b in budgets:
            r = summary[(summary.variant == variant) & (summary.budget == b)].iloc[0]
            cells.append(f"{r.recall:.3f} [{r.low:.3f}, {r.high:.3f}]")
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_category(frame: pd.DataFrame, budget: int) -> str:
    """Variants as rows, categories as columns, at one budget."""
    part = frame[frame.budget == budget]
    pivot = part.pivot_table(index="variant", columns="category", values="hit", sort=False)
    counts = part[part.variant == part.variant.iloc[0]].groupby("category").size()
    header = [f"{c} (n={counts[c]})" for c in pivot.columns]
    lines = ["| variant | " + " | ".join(header) + " |", "| --- |" + " --- |" * len(header)]
    for variant, row in pivot.iterrows():
        lines.append(f"| {variant} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--dataset", type=Path, default=DATASET, help="native dataset file")
    parser.add_argument(
        "--limit", type=int, default=LIMIT, help="items per search (10 with a huge budget: any@10)"
    )
    parser.add_argument("--over", default="messages", choices=["messages", "memories"])
    parser.add_argument("--budgets", default="200,400,800")
    parser.add_argument("--variants", default=None, help="comma-separated labels")
    parser.add_argument(
        "--minilm",
        action="store_true",
        help="the MiniLM variants (beside bm25, hybrid, recommended)",
    )
    parser.add_argument("--csv", default=None, help="write every scored probe here")
    parser.add_argument("--workers", type=int, default=2, help="processes (conversations)")
    args = parser.parse_args(argv)
    budgets = [int(b) for b in args.budgets.split(",")]
    chosen = dict(VARIANTS)
    if args.variants:
        chosen = {k: VARIANTS[k] for k in args.variants.split(",")}
    elif args.minilm:
        chosen = {
            k: v
            for k, v in chosen.items()
            if "minilm" in k or k in ("bm25", "hybrid (static)", "recommended")
        }
    else:
        chosen = {k: v for k, v in chosen.items() if "minilm" not in k}
    dataset = load_dataset(args.dataset, split=args.split)
    started = time.perf_counter()
    frame = evaluate(
        dataset, chosen, budgets, over=args.over, workers=args.workers, limit=args.limit
    )
    scored = len(frame[["conversation", "probe"]].drop_duplicates())
    print(
        f"{dataset.name} split={args.split} over={args.over}: {len(dataset.conversations)} "
        f"conversations, {scored} scored probes, {time.perf_counter() - started:.0f} s"
    )
    print("\nEvidence recall any@budget [95% interval]\n")
    print(markdown(frame, budgets))
    mid = budgets[len(budgets) // 2]
    print(f"\nPer category at {mid} tokens\n")
    print(by_category(frame, mid))
    summary = table(frame)
    print("\nContext tokens used (mean / max) and search p50 ms\n")
    print(summary[["variant", "budget", "tokens", "max_tokens", "ms_p50"]].to_string(index=False))
    if args.csv:
        frame.to_csv(args.csv, index=False)


if __name__ == "__main__":
    main(sys.argv[1:])
