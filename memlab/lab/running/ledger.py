"""Attribute the replay's model calls to experiment, variant, unit and stage.

The runner hands every `LLM` it builds an `AttributingLedger` in front of the store. It
forwards ledger rows and cache traffic unchanged and notes, for each row, the attribution in
force in the calling task (a `contextvars.ContextVar`, so concurrent units and concurrent
probes of one unit each see their own). When a unit commits, its notes become an `UPDATE` of
`llm_calls` in the unit's transaction: the ledger keeps every call ever paid for, and only the
calls of committed units carry lab ids (a unit discarded half-way leaves its calls NULL).

It also names the calls: a call made inside a unit gets the id
`<unit's call prefix>/<stage>[/<variant>][/<subject>]/<n>`, `n` counting the calls of that
path. Calls of one path are made one after another (the subject, a probe and repeat, tells
concurrent answer and judge tasks apart), so a rerun from the same cache names every call
the same and the result rows that cite call ids compare equal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from memlab.llm.client import LedgerStore
from memlab.schema import LlmCall

__all__ = ["AttributingLedger", "CallNote", "UnitCalls", "attribute", "stage", "subject"]


@dataclass(frozen=True)
class CallNote:
    """One ledger row's attribution, with its usage for the progress bar."""

    call_id: str
    variant_id: str | None
    stage: str
    tokens: int
    cost_usd: float | None
    tools_requested: bool = False
    """The request offered tools."""
    tools_used: bool | None = None
    """The answer called one (None: no answer)."""
    model: str = ""
    """The model called."""


@dataclass
class UnitCalls:
    """The calls one unit made, collected while it runs."""

    unit_id: str
    prefix: str | None = None
    """What the unit's call ids start with; None leaves them random."""
    notes: list[CallNote] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Calls named so far, per path under `prefix`."""

    def next_call_id(self, path: str) -> str | None:
        """The id of the next call of `path` (e.g. `answer/<variant>/<probe>/r0`)."""
        if self.prefix is None:
            return None
        n = self.counts.get(path, 0)
        self.counts[path] = n + 1
        return f"{self.prefix}/{path}/{n}"

    def tokens(self) -> int:
        """Input plus output tokens of every call so far."""
        return sum(n.tokens for n in self.notes)

    def cost_usd(self) -> float:
        """Known cost of every call so far (unknown costs count 0 here, for progress only)."""
        return sum(n.cost_usd or 0.0 for n in self.notes)


@dataclass(frozen=True)
class _Scope:
    calls: UnitCalls
    variant_id: str | None
    stage: str
    subject: str | None = None


_SCOPE: ContextVar[_Scope | None] = ContextVar("memlab_lab_scope", default=None)


@contextlib.contextmanager
def attribute(calls: UnitCalls, *, stage: str, variant_id: str | None = None) -> Iterator[None]:
    """Attribute model calls made in this block (and tasks it starts) to a unit and stage."""
    token = _SCOPE.set(_Scope(calls, variant_id, stage))
    try:
        yield
    finally:
        _SCOPE.reset(token)


@contextlib.contextmanager
def stage(name: str, *, variant_id: str | None = None) -> Iterator[None]:
    """Change the stage (and variant) inside an `attribute` block."""
    scope = _SCOPE.get()
    if scope is None:
        yield
        return
    token = _SCOPE.set(_Scope(scope.calls, variant_id, name, scope.subject))
    try:
        yield
    finally:
        _SCOPE.reset(token)


@contextlib.contextmanager
def subject(name: str) -> Iterator[None]:
    """Name the calls of this block after `name` too (a probe and repeat).

    Tasks that run at once within one stage (the answers of a probe moment) each get their
    own subject, so each names its calls in its own order.
    """
    scope = _SCOPE.get()
    if scope is None:
        yield
        return
    token = _SCOPE.set(_Scope(scope.calls, scope.variant_id, scope.stage, name))
    try:
        yield
    finally:
        _SCOPE.reset(token)


class AttributingLedger:
    """A `LedgerStore` in front of the real one that notes each row's attribution.

    It also answers the cache from memory: the store's cache is read once, in bulk, when the
    replay starts (`preload`), so a fresh request costs no query and a replay served from the
    cache costs microseconds per call.
    """

    def __init__(self, inner: LedgerStore) -> None:
        self.inner = inner
        self._cache: dict[str, tuple[str, int | None, int | None, float | None]] = {}
        self._rows: list[LlmCall] = []
        self._puts: list[tuple[str, dict[str, Any]]] = []

    def preload(
        self, rows: Iterable[tuple[str, str, int | None, int | None, float | None]]
    ) -> None:
        """Take (request hash, response, input tokens, output tokens, cost) rows of the cache."""
        for key, response, tokens_in, tokens_out, cost in rows:
            self._cache[key] = (response, tokens_in, tokens_out, cost)

    def forward(self) -> None:
        """Hand the rows and cache entries held back so far to the store.

        The ledger is held back between the runner's checkpoints (a session of a unit, a
        unit's commit) because the store commits its write-behind buffer before every read,
        and extraction and recall read all the time: forwarding per call cost a commit per
        call. A run killed between two checkpoints loses that stretch's ledger rows only.
        """
        rows, self._rows = self._rows, []
        puts, self._puts = self._puts, []
        for row in rows:
            self.inner.record_llm_call(row)
        for key, fields in puts:
            self.inner.cache_put(key, **fields)

    def name_call(self, purpose: str) -> str | None:
        """The derived id of the next call made in the calling task's unit; None outside one."""
        scope = _SCOPE.get()
        if scope is None:
            return None
        path = "/".join(p for p in (scope.stage, scope.variant_id, scope.subject) if p)
        return scope.calls.next_call_id(path)

    def record_llm_call(self, call: LlmCall) -> None:
        """Hold the row back (see `forward`); note its attribution when a unit is running."""
        self._rows.append(call)
        scope = _SCOPE.get()
        if scope is not None:
            tokens = (call.input_tokens or 0) + (call.output_tokens or 0)
            # The memory system decides inside one ingest step when to summarize; its
            # summary calls are told apart by their purpose.
            name = (
                "summary"
                if scope.stage == "ingest" and call.purpose == "summarize"
                else scope.stage
            )
            scope.calls.notes.append(
                CallNote(
                    call.call_id,
                    scope.variant_id,
                    name,
                    tokens,
                    call.cost_usd,
                    tools_requested=call.tools_requested,
                    tools_used=call.tools_used,
                    model=call.model,
                )
            )

    def cache_get(self, request_hash: str) -> Any:
        """The cached response, from memory (no query: the cache was preloaded)."""
        return self._cache.get(request_hash)

    def cache_put(
        self,
        request_hash: str,
        *,
        model: str,
        response: str,
        input_tokens: int | None,
        output_tokens: int | None,
        cost_usd: float | None,
        replace: bool = False,
    ) -> None:
        """Remember the response; hold it back for the store (see `forward`)."""
        if request_hash in self._cache and not replace:
            return  # the first answer wins, as in the store
        self._cache[request_hash] = (response, input_tokens, output_tokens, cost_usd)
        self._puts.append(
            (
                request_hash,
                {
                    "model": model,
                    "response": response,
                    "input_tokens": input_tokens,
                    "output_tokens": output_tokens,
                    "cost_usd": cost_usd,
                    "replace": replace,
                },
            )
        )
