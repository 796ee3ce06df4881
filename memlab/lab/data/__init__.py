"""The lab's data wing: recorded conversations, their native format, validation, loaders."""

from memlab.lab.data.dataset import (
    Attachment,
    Conversation,
    Dataset,
    Participant,
    Probe,
    Problem,
    Session,
    Turn,
)
from memlab.lab.data.dataset_io import load_dataset, save_dataset
from memlab.lab.data.dataset_stats import DatasetStats, dataset_stats

__all__ = [
    "Attachment",
    "Conversation",
    "Dataset",
    "DatasetStats",
    "Participant",
    "Probe",
    "Problem",
    "Session",
    "Turn",
    "dataset_stats",
    "load_dataset",
    "save_dataset",
]
