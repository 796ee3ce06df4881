"""Recall strategies: the protocol, the result item, and the registry by name.

A strategy is fully described by its registered name and keyword arguments, so an experiment
config or the CLI can rebuild it from a string and every result can say how it was recalled
(`describe_strategy` gives the name and options, `get_strategy` rebuilds from them).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict

from memlab.db.base import MemoryDb
from memlab.db.text import check_query
from memlab.errors import ConfigError
from memlab.registry import Registry
from memlab.schema import Role, UserMemory

__all__ = [
    "CORPORA",
    "STRATEGIES",
    "Corpus",
    "RecallHit",
    "RecallStrategy",
    "StrategySpec",
    "check_search",
    "describe_strategy",
    "get_strategy",
    "hit_from_memory",
    "register_strategy",
]

Corpus = Literal["memories", "messages", "summaries"]
"""What recall runs over: extracted memories, raw messages, or session summaries."""

CORPORA: tuple[Corpus, ...] = ("memories", "messages", "summaries")

# Modules whose import registers the built-in strategies (imported on the first lookup, so
# importing memlab.recall.base stays cheap and free of cycles).
_BUILTIN_MODULES = (
    "memlab.recall.strategies",
    "memlab.recall.ranked",
    "memlab.recall.fusion",
    "memlab.recall.agentic",
    "memlab.recall.recommended",
)


class RecallHit(BaseModel):
    """One recalled item, with its score and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["memory", "message", "summary"]
    """What was recalled."""
    item_id: str
    """memory_id, message_id or session_id."""
    text: str
    """The recalled text, as it would go into a prompt."""
    score: float
    """The strategy's score (higher is better); rank-only strategies give 1/rank."""
    source_message_ids: list[str]
    """Provenance: the messages the item came from (a message cites itself)."""
    updated_at: datetime | None = None
    """When the item last changed (a message: when it was said)."""
    memory: UserMemory | None = None
    """The stored memory itself, for memory hits (so callers need no second read)."""
    role: Role | None = None
    """Who spoke, for message hits."""


def hit_from_memory(memory: UserMemory, score: float) -> RecallHit:
    """Wrap a stored memory as a `RecallHit`."""
    return RecallHit(
        kind="memory",
        item_id=memory.memory_id or "",
        text=memory.memory,
        score=score,
        source_message_ids=list(memory.source_message_ids),
        updated_at=memory.updated_at,
        memory=memory,
    )


@runtime_checkable
class RecallStrategy(Protocol):
    """Finds the items of one user most useful for a query."""

    @property
    def name(self) -> str:
        """Registered name of the strategy."""
        ...

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return at most `limit` hits for `user_id`, best first."""
        ...


def _load_builtins() -> None:
    for module in _BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # A built-in may be absent from a trimmed install; anything else is a real error.
            if exc.name != module:
                raise


S = TypeVar("S", bound=Callable[..., RecallStrategy])
STRATEGIES: Registry[Callable[..., RecallStrategy]] = Registry(
    "recall strategy",
    hint="register one with @memlab.recall.register_strategy(name)",
    loader=_load_builtins,
)
"""Strategy factories by name; the built-ins load on the first lookup."""


def register_strategy(name: str) -> Callable[[S], S]:
    """Register a strategy factory (usually the class) under `name`."""
    return STRATEGIES.register(name)


def get_strategy(name: str, **options: Any) -> RecallStrategy:
    """Build the strategy registered as `name` with keyword `options`.

    Raises:
        ConfigError: the name is unknown or the options do not fit the strategy.
    """
    factory = STRATEGIES.get(name)
    try:
        return factory(**options)
    except TypeError as exc:
        raise ConfigError(f"recall strategy {name!r} does not accept {options}: {exc}") from exc


class StrategySpec(BaseModel):
    """A strategy as stored with results: its registered name and its options, JSON-ready."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """The registered name (`get_strategy(name, **options)` rebuilds it)."""
    options: dict[str, Any] = {}
    """Every keyword option, defaults included, as JSON values."""

    def build(self) -> RecallStrategy:
        """Rebuild the strategy this spec describes."""
        return get_strategy(self.name, **self.options)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    # An object option (an embedder or model instance) is recorded by its name.
    name = getattr(value, "name", None) or getattr(value, "model", None)
    return str(name) if name is not None else repr(value)


def describe_strategy(strategy: RecallStrategy) -> StrategySpec:
    """The name and options of a strategy, to store next to its results.

    Built-in strategies are dataclasses whose fields are their options. Others may define
    `describe() -> dict` of their options; failing both, the options are recorded as empty.
    """
    describe = getattr(strategy, "describe", None)
    if callable(describe):
        options = dict(describe())
    elif dataclasses.is_dataclass(strategy) and not isinstance(strategy, type):
        options = {f.name: getattr(strategy, f.name) for f in dataclasses.fields(strategy)}
    else:
        options = {}
    return StrategySpec(name=strategy.name, options=_jsonable(options))


def check_search(
    strategy: str, *, query: str | None, limit: int, over: str, needs_query: bool
) -> str:
    """Validate the arguments of a `search` call and return the query ("" when there is none).

    Raises:
        ConfigError: `limit` is not a positive integer, `over` is not a corpus, the query is
            not a string or None, holds text no tokenizer can encode (a lone surrogate), or
            the strategy ranks by the query and the query is missing or blank.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise ConfigError(f"limit must be a positive integer, got {limit!r}")
    if over not in CORPORA:
        raise ConfigError(f"unknown recall corpus over={over!r}; choose one of {list(CORPORA)}")
    if query is not None and not isinstance(query, str):
        raise ConfigError(f"query must be a string or None, got {type(query).__name__} {query!r}")
    # Before any tokenizer or embedder sees it: theirs would be a TypeError naming no text.
    check_query("query", query)
    if needs_query and (not isinstance(query, str) or not query.strip()):
        raise ConfigError(
            f"recall strategy {strategy!r} ranks by the query, so it needs a non-empty query "
            f"(got {query!r}); use 'last_n' to recall without one"
        )
    return query if isinstance(query, str) else ""
