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

__all__ = [
    "Attachment",
    "Conversation",
    "Dataset",
    "Participant",
    "Probe",
    "Problem",
    "Session",
    "Turn",
]
