"""The replay lab: recorded conversations, experiment grids, the runner, scores and frames."""

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

__all__ = [
    "Attachment",
    "Conversation",
    "Dataset",
    "Participant",
    "Probe",
    "Problem",
    "Session",
    "Turn",
    "load_dataset",
    "save_dataset",
]
