"""A small replay for the viewer's tests, its dataset saved to a file the experiment names."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
from replay_fixtures import tiny_dataset

from memlab.lab.data.dataset_io import save_dataset
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay

__all__ = ["build_replay", "tiny_dataset"]


def build_replay(folder: Path) -> Path:
    """Two conversations × four designs (extract/verbatim × bm25@1/@4), answered and judged."""
    data = save_dataset(tiny_dataset(), folder / "tiny.jsonl")
    experiment = build_experiment(
        {
            "name": "view",
            "dataset": {"path": str(data)},
            "ingest": [{"kind": "extract"}, {"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": [1, 4]}],
            "answer": {},
            "judge": {},
        }
    )
    results = replay(experiment, db=folder / "r.duckdb", quiet=True)
    results.close()
    return folder / "r.duckdb"
