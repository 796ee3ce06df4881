"""The lab's running wing: experiment grids and their specs, units, the runner, result tables.

Names load on first use (PEP 562): a worker process that replays units imports the modules it
runs, not the cost estimate or the whole runner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

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


def _load(name: str) -> object:
    """The exported `name`, imported from its module on first use (PEP 562 `__getattr__`)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# Hidden from type checkers, which would otherwise accept any attribute of this package.
if not TYPE_CHECKING:
    __getattr__ = _load
