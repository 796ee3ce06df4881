"""Summary triggers: when `Memory` writes a session summary. Registered by name.

- `never`: only when asked (`Memory.create_session_summary`).
- `every_n_runs(n)`: once `n` runs of the session are not covered by its summary.
- `token_threshold(tokens)`: once the unsummarized messages hold `tokens` tokens (cl100k).
- `session_end`: when the session ends (`Memory.end_session`) with runs not yet summarized.

`Memory` asks its trigger after every `add_run` (event "run") and on `end_session` (event
"session_end").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol, TypeVar, runtime_checkable

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.registry import Registry
from memlab.schema import Run
from memlab.tokens import count_tokens

__all__ = [
    "TRIGGERS",
    "EveryNRuns",
    "Never",
    "SessionEnd",
    "SummaryTrigger",
    "TokenThreshold",
    "TriggerEvent",
    "get_trigger",
    "register_trigger",
    "unsummarized_runs",
]

TriggerEvent = Literal["run", "session_end"]


@runtime_checkable
class SummaryTrigger(Protocol):
    """Decides whether a session should be summarized now."""

    @property
    def name(self) -> str:
        """Registered name."""
        ...

    def should_fire(
        self, db: MemoryDb, *, user_id: str, session_id: str, event: TriggerEvent
    ) -> bool:
        """True when the session should be summarized after `event`."""
        ...


F = TypeVar("F", bound=Callable[..., SummaryTrigger])
TRIGGERS: Registry[Callable[..., SummaryTrigger]] = Registry(
    "summary trigger", hint="register one with @memlab.triggers.register_trigger(name)"
)
"""Trigger factories by name."""


def register_trigger(name: str) -> Callable[[F], F]:
    """Register a trigger factory (usually the class) under `name`."""
    return TRIGGERS.register(name)


def get_trigger(name: str, **options: Any) -> SummaryTrigger:
    """Build the trigger registered as `name`, e.g. `get_trigger("every_n_runs", n=3)`.

    Raises:
        ConfigError: unknown name or options that do not fit.
    """
    factory = TRIGGERS.get(name)
    try:
        return factory(**options)
    except TypeError as exc:
        raise ConfigError(f"summary trigger {name!r} does not accept {options}: {exc}") from exc


def unsummarized_runs(db: MemoryDb, *, user_id: str, session_id: str) -> list[Run]:
    """Runs of the session its stored summary does not cover yet."""
    summary = db.get_summary(user_id, session_id)
    covered = set(summary.run_ids) if summary else set()
    return [r for r in db.get_runs(user_id, session_id) if r.run_id not in covered]


@register_trigger("never")
@dataclass(frozen=True)
class Never:
    """Never summarize on its own."""

    name: str = "never"
    on_runs: ClassVar[bool] = False
    """Whether single runs can make it fire (False lets `Memory` store a session at once)."""

    def should_fire(
        self, db: MemoryDb, *, user_id: str, session_id: str, event: TriggerEvent
    ) -> bool:
        """Always False."""
        return False


@register_trigger("every_n_runs")
@dataclass(frozen=True)
class EveryNRuns:
    """Summarize once `n` runs are not covered by the summary."""

    n: int = 1
    name: str = "every_n_runs"

    def __post_init__(self) -> None:
        if not isinstance(self.n, int) or self.n < 1:
            raise ConfigError(f"every_n_runs needs n >= 1, got {self.n!r}")

    def should_fire(
        self, db: MemoryDb, *, user_id: str, session_id: str, event: TriggerEvent
    ) -> bool:
        """True after a run that brings the unsummarized runs to `n`."""
        if event != "run":
            return False
        return len(unsummarized_runs(db, user_id=user_id, session_id=session_id)) >= self.n


@register_trigger("token_threshold")
@dataclass(frozen=True)
class TokenThreshold:
    """Summarize once the unsummarized messages hold `tokens` tokens or more."""

    tokens: int = 2000
    name: str = "token_threshold"

    def __post_init__(self) -> None:
        if not isinstance(self.tokens, int) or self.tokens < 1:
            raise ConfigError(f"token_threshold needs tokens >= 1, got {self.tokens!r}")

    def should_fire(
        self, db: MemoryDb, *, user_id: str, session_id: str, event: TriggerEvent
    ) -> bool:
        """True after a run that brings the unsummarized tokens to the threshold."""
        if event != "run":
            return False
        total = 0
        for run in unsummarized_runs(db, user_id=user_id, session_id=session_id):
            for message in run.messages:
                total += count_tokens(message.content)
                if total >= self.tokens:
                    return True
        return False


@register_trigger("session_end")
@dataclass(frozen=True)
class SessionEnd:
    """Summarize when the session ends, if it has runs the summary does not cover."""

    name: str = "session_end"
    on_runs: ClassVar[bool] = False
    """Whether single runs can make it fire (False lets `Memory` store a session at once)."""

    def should_fire(
        self, db: MemoryDb, *, user_id: str, session_id: str, event: TriggerEvent
    ) -> bool:
        """True on `session_end` with unsummarized runs."""
        if event != "session_end":
            return False
        return bool(unsummarized_runs(db, user_id=user_id, session_id=session_id))
