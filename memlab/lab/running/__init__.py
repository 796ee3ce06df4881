"""The lab's running wing: experiment grids and their specs, units, the runner, result tables.

Names load on first use (PEP 562): a worker process that replays units imports the modules it
runs, not the cost estimate or the whole runner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from memlab.lazy import lazy_exports

if TYPE_CHECKING:
    from memlab.lab.running.estimate import Estimate, estimate_replay
    from memlab.lab.running.experiment import Experiment, build_experiment, load_experiment
    from memlab.lab.running.runner import replay
    from memlab.lab.running.specs import (
        AnswerSpec,
        DatasetRef,
        IngestSpec,
        JudgeSpec,
        RecallSpec,
        SummarySpec,
    )

__all__ = [
    "AnswerSpec",
    "DatasetRef",
    "Estimate",
    "Experiment",
    "IngestSpec",
    "JudgeSpec",
    "RecallSpec",
    "SummarySpec",
    "build_experiment",
    "estimate_replay",
    "load_experiment",
    "replay",
]

_HOMES = {
    "AnswerSpec": "memlab.lab.running.specs",
    "DatasetRef": "memlab.lab.running.specs",
    "Estimate": "memlab.lab.running.estimate",
    "Experiment": "memlab.lab.running.experiment",
    "IngestSpec": "memlab.lab.running.specs",
    "JudgeSpec": "memlab.lab.running.specs",
    "RecallSpec": "memlab.lab.running.specs",
    "SummarySpec": "memlab.lab.running.specs",
    "build_experiment": "memlab.lab.running.experiment",
    "estimate_replay": "memlab.lab.running.estimate",
    "load_experiment": "memlab.lab.running.experiment",
    "replay": "memlab.lab.running.runner",
}


_getattr, __dir__ = lazy_exports(__name__, _HOMES, globals())

# Hidden from type checkers, which would otherwise accept any attribute of this package.
if not TYPE_CHECKING:
    __getattr__ = _getattr
