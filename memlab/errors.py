"""The one exception tree of memlab.

`ConfigError` and `DatasetError` mean the caller's input is wrong; `ModelCallError` and its
children mean a model misbehaved or could not be reached; `StoreError` means the database
could not do what was asked. Every message says what is wrong, where, and what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memlab.lab.data.dataset import Problem

__all__ = [
    "BudgetExceeded",
    "ConfigError",
    "DatasetError",
    "ExtractionError",
    "MemlabError",
    "ModelCallError",
    "NotFoundError",
    "StoreError",
]


class MemlabError(Exception):
    """Base class of every error memlab raises on purpose."""


class ConfigError(MemlabError, ValueError):
    """The caller's input or configuration is wrong (a wrong type, an empty text, a bad name)."""


class NotFoundError(ConfigError, LookupError):
    """An id the caller named does not exist for that user (memory, run, session, summary)."""


class DatasetError(MemlabError):
    """A recorded conversation or benchmark file does not have the expected shape.

    Attributes:
        problems: Every problem found (file, conversation, field path, message), when the
            error comes from validation; empty for an error that stopped reading at once.
    """

    def __init__(self, message: str, *, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems)


class StoreError(MemlabError):
    """The database refused or failed an operation (locked file, closed store, bad migration)."""


class ModelCallError(MemlabError):
    """A model call failed after retries, or was refused before it was sent.

    Attributes:
        call_id: The `llm_calls` row that records the failure, when one was written.
    """

    def __init__(self, message: str, *, call_id: str | None = None) -> None:
        super().__init__(message)
        self.call_id = call_id


class ExtractionError(ModelCallError):
    """The model answered, but not in the shape asked for; carries the raw text."""

    def __init__(self, message: str, *, raw: str, call_id: str | None = None) -> None:
        super().__init__(message, call_id=call_id)
        self.raw = raw


class BudgetExceeded(ModelCallError):
    """A call would exceed the configured `max_cost_usd` or `max_tokens` budget."""
