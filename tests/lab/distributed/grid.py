"""The grid the distributed tests replay: every kind of row, in four units."""

from __future__ import annotations

from replay_fixtures import tiny_dataset

from memlab.lab.running.experiment import Experiment, build_experiment


def small_grid() -> Experiment:
    """2 ingest variants × 2 conversations, with summaries, answers, judges and controls.

    The second repeat answers and judges with the cache off; one conversation has two
    principals, so units have one namespace or two.
    """
    return build_experiment(
        {
            "name": "distributed",
            "dataset": tiny_dataset(n_agent=1, n_pairs=1),
            "ingest": [{"kind": "extract"}, {"kind": "verbatim"}],
            "summary": [{"trigger": "session_end"}],
            "recall": [
                {"strategy": "bm25", "k": [2, 4]},
                {"strategy": "last_n", "over": "summaries", "k": 2},
            ],
            "answer": {},
            "judge": {},
            "repeats": 2,
        }
    )
