"""The replay lab: recorded conversations, experiment grids, the runner, scores and frames.

What notebooks and scripts need is here: load a dataset, build or load an experiment,
`replay` it into a DuckDB file, and read the `Results` frames (`summary_df`, `probes_df`,
`compare`, `pareto`), plots (`memlab.lab.plots`) and `write_report`.
"""

from memlab.lab.analysis import pareto, summarize
from memlab.lab.compare import Comparison, compare
from memlab.lab.dataset import (
    Attachment,
    Conversation,
    Dataset,
    Participant,
    Probe,
    Problem,
    Session,
    Turn,
)
from memlab.lab.dataset_io import load_dataset, save_dataset
from memlab.lab.experiment import Experiment, build_experiment, load_experiment
from memlab.lab.report import write_report
from memlab.lab.results import Results, open_results
from memlab.lab.runner import replay
from memlab.lab.scorers import SCORERS, get_scorer

__all__ = [
    "SCORERS",
    "Attachment",
    "Comparison",
    "Conversation",
    "Dataset",
    "Experiment",
    "Participant",
    "Probe",
    "Problem",
    "Results",
    "Session",
    "Turn",
    "build_experiment",
    "compare",
    "get_scorer",
    "load_dataset",
    "load_experiment",
    "open_results",
    "pareto",
    "replay",
    "save_dataset",
    "summarize",
    "write_report",
]
