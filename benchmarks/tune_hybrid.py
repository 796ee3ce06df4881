"""The documented search that chose the `recommended` strategy's settings, on the DEV split.

Coordinate search, one group of settings at a time, each step keeping the best value so far
(objective: evidence recall any at 400 tokens over the messages of the bundled dataset's dev
split, ties to the mean over 200/400/800; the test split is never read here, nor LoCoMo or
LongMemEval). The dataset is `memlab-synthetic-v2` (its dev split: 26 long conversations);
`--dataset datasets/memlab-synthetic-v1.jsonl` repeats the search that chose v1's settings.

1. BM25 `k1` x `b` (plain bm25, the keyword half of the hybrid);
2. RRF `weights` (bm25, semantic) x `k`, with the static embedder and step 1's k1/b;
3. `session_weight`; 4. `window`; 5. `expand` keys; 6. `temporal`.

The grids of steps 1-3 were widened for v2 (k1 0.5, b 0 and 0.15, RRF k 2/5/20, weights
1.5:1 and 1:1.5, session weight 0.1): on v2's dev split the best values of v1's grids sat on
their edges (b 0.3, k 10).

    .venv/bin/python benchmarks/tune_hybrid.py [--dataset FILE] [--workers 2]

It prints every configuration's figures, then the chosen settings, which are copied into
`memlab/recall/recommended.py` (the strategy's defaults) by hand after the run.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from recall_quality import DATASET, evaluate_conversation

from memlab.lab.data.dataset import Conversation
from memlab.lab.data.dataset_io import load_dataset

BUDGETS = (200, 400, 800)


def _one(args: tuple[Conversation, dict[str, tuple[str, dict[str, Any]]]]) -> list[Any]:
    conversation, variants = args
    return evaluate_conversation(conversation, variants, BUDGETS)


def score(
    conversations: Sequence[Conversation],
    configs: dict[str, tuple[str, dict[str, Any]]],
    workers: int,
) -> pd.DataFrame:
    """Recall at each budget for each config (rows: config label)."""
    with ProcessPoolExecutor(workers) as pool:
        rows = [r for part in pool.map(_one, [(c, configs) for c in conversations]) for r in part]
    frame = pd.DataFrame([r.__dict__ for r in rows])
    out = frame.pivot_table(index="variant", columns="budget", values="hit", sort=False)
    out["mean"] = out[list(BUDGETS)].mean(axis=1)
    return out.sort_values([400, "mean"], ascending=False)


def step(
    name: str,
    conversations: Sequence[Conversation],
    base: dict[str, Any],
    grid: dict[str, list[Any]],
    workers: int,
    strategy: str = "hybrid",
) -> dict[str, Any]:
    """Try every combination of `grid` on top of `base`; return base updated with the best."""
    configs = {}
    for values in itertools.product(*grid.values()):
        options = {**base, **dict(zip(grid, values, strict=True))}
        configs[repr(dict(zip(grid, values, strict=True)))] = (strategy, options)
    result = score(conversations, configs, workers)
    print(f"\n== step {name} ({len(configs)} configurations)\n{result.round(3).to_string()}")
    best = configs[str(result.index[0])][1]
    print(f"-> keep {result.index[0]}")
    return dict(best)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET, help="native dataset file")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    dev = load_dataset(args.dataset, split="dev").conversations
    print(f"{args.dataset.name} dev split: {len(dev)} conversations")
    w = args.workers
    bm25 = step(
        "1: bm25 k1 x b",
        dev,
        {},
        {"k1": [0.5, 0.9, 1.2, 1.5, 2.0], "b": [0.0, 0.15, 0.3, 0.6, 0.75, 0.9]},
        w,
        "bm25",
    )
    base: dict[str, Any] = {"embedder": "static", "k1": bm25["k1"], "b": bm25["b"]}
    base = step(
        "2: RRF weights x k",
        dev,
        base,
        {
            "weights": [(1.0, 1.0), (1.0, 2.0), (2.0, 1.0), (1.0, 3.0), (1.5, 1.0), (1.0, 1.5)],
            "k": [2.0, 5.0, 10.0, 20.0, 60.0],
        },
        w,
    )
    base = step(
        "3: session_weight", dev, base, {"session_weight": [0.0, 0.1, 0.25, 0.5, 1.0, 2.0]}, w
    )
    base = step("4: window", dev, base, {"window": [0, 1, 2]}, w)
    base = step(
        "5: expand",
        dev,
        base,
        {"expand": [(), ("speaker",), ("date",), ("date", "speaker")]},
        w,
    )
    base = step("6: temporal", dev, base, {"temporal": [False, True]}, w)
    print(f"\nchosen settings (dev): {base}")


if __name__ == "__main__":
    main(sys.argv[1:])
