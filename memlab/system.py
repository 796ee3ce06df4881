"""`MemorySystem`: a memory an agent holds, as the replay lab sees it.

The lab replays a conversation into a system session by session, ends each session, asks it
to recall for every probe's question, and reads what it holds to measure its size. That is
the whole contract: `Memory` implements it through its public methods, and a user's own
memory (a wrapper around another library, or a home-made one) implements it to be measured
by the same grid, scorers and report (`[[ingest]] kind = "custom"` in an experiment).

A system serves several users: the lab gives every principal of a conversation a user id of
its own. Provenance comes from the message ids of the runs the system was given: a hit or an
item that names the messages it came from makes evidence scores measurable.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from memlab.errors import ConfigError
from memlab.recall.base import RecallHit
from memlab.schema import Run, Usage

__all__ = ["HeldItem", "MemorySystem", "build_system", "load_factory"]


@dataclass(frozen=True)
class HeldItem:
    """One item a system holds for a user: what would go into a prompt, and its sources."""

    kind: Literal["memory", "summary", "message"]
    """What the item is."""
    item_id: str
    """The system's id for it."""
    text: str
    """Its text, as the system would show it to a model."""
    source_message_ids: tuple[str, ...] = field(default=())
    """The messages it came from (empty when the system does not say)."""


@runtime_checkable
class MemorySystem(Protocol):
    """What the replay lab needs from a memory: ingest, end a session, recall, show, spend."""

    async def aingest(self, session_id: str, runs: Sequence[Run], *, user_id: str) -> None:
        """Take in runs (exchanges) of a session, in order; a session may come in parts."""
        ...

    async def aend_session(self, session_id: str, *, user_id: str) -> object:
        """The session is over (a system may summarize or extract now)."""
        ...

    async def arecall(
        self, query: str, *, user_id: str, limit: int, **options: Any
    ) -> Sequence[RecallHit]:
        """At most `limit` items for `query`, best first.

        The lab passes the recall variant's settings as `options`: `strategy` (a registered
        name), `over` (the corpus), `budget_tokens` (None or a cap on the hits' tokens) and
        the strategy's own options. A system with one way of recalling may ignore them, but
        should honour `budget_tokens`.
        """
        ...

    def held(self, *, user_id: str) -> Sequence[HeldItem]:
        """Everything the system holds for the user now (for the size and coverage columns)."""
        ...

    def external_usage(self) -> Usage:
        """Model usage so far that did not go through a memlab `LLM`.

        Calls through an `LLM` are in its ledger already; a system that calls a provider
        some other way reports those tokens here, so its cost is not read as zero.
        """
        ...


def load_factory(path: str) -> Callable[..., MemorySystem]:
    """The callable named by `"package.module:function"` (a factory of a `MemorySystem`).

    Raises:
        ConfigError: the path is malformed, the module does not import, or the name is not
            a callable of that module.
    """
    module_name, sep, attr = path.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(
            f"factory = {path!r} is not 'package.module:function'; name the module and the "
            "callable that returns your MemorySystem, e.g. 'my_memory.system:make'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(
            f"factory = {path!r}: module {module_name!r} does not import ({exc}); install it "
            "or put its folder on PYTHONPATH"
        ) from exc
    target: object = module
    for part in attr.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ConfigError(f"factory = {path!r}: {module_name!r} has no {attr!r}")
    if not callable(target):
        raise ConfigError(f"factory = {path!r}: {attr!r} is not callable")
    factory: Callable[..., MemorySystem] = target
    return factory


def build_system(path: str, options: dict[str, Any]) -> MemorySystem:
    """Call the factory at `path` with `options` and check that it gave a `MemorySystem`.

    Raises:
        ConfigError: the factory failed on these options or returned something else.
    """
    factory = load_factory(path)
    try:
        system = factory(**options)
    except TypeError as exc:
        raise ConfigError(f"factory {path!r} does not accept options {options}: {exc}") from exc
    if not isinstance(system, MemorySystem):
        missing = [
            name
            for name in ("aingest", "aend_session", "arecall", "held", "external_usage")
            if not callable(getattr(system, name, None))
        ]
        raise ConfigError(
            f"factory {path!r} returned a {type(system).__name__}, which is not a MemorySystem "
            f"(missing: {', '.join(missing)}); see memlab.system.MemorySystem"
        )
    return system
