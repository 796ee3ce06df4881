"""The lab's running wing: experiment grids and their specs, units, the runner, result tables."""

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
