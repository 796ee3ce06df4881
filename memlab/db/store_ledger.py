"""The `llm_calls` ledger and the `llm_cache` of model responses."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pandas as pd

from memlab.db.frames import FRAME_QUERIES, frame
from memlab.db.rows import naive_utc
from memlab.db.store_core import StoreCore
from memlab.db.text import escape_unstorable
from memlab.schema import LlmCall, utcnow

__all__ = ["CachedResponse", "LedgerMixin"]


class CachedResponse(tuple[str, int | None, int | None, float | None]):
    """(response JSON, input tokens, output tokens, original cost USD) of a cached model call."""

    __slots__ = ()

    @property
    def response(self) -> str:
        """The cached response, JSON text."""
        return self[0]

    @property
    def input_tokens(self) -> int | None:
        """Input tokens of the original call."""
        return self[1]

    @property
    def output_tokens(self) -> int | None:
        """Output tokens of the original call."""
        return self[2]

    @property
    def cost_usd(self) -> float | None:
        """Cost of the original call (kept so cost tables stay honest on a cache hit)."""
        return self[3]


class LedgerMixin(StoreCore):
    """Every model call, and the response cache keyed by request hash.

    Both are written through the store's write-behind buffer (a model call must not wait on
    a ~1.5 ms DuckDB insert) and flushed before any read. Recent cache entries are also kept
    in process, so a replay served from the cache costs microseconds per call, not a query.
    """

    _CACHE_ENTRIES = 10_000

    def _memo(self) -> OrderedDict[str, Any]:
        return self._cache_memo

    def _remember(self, request_hash: str, entry: CachedResponse) -> None:
        memo = self._memo()
        memo[request_hash] = entry
        memo.move_to_end(request_hash)
        if len(memo) > self._CACHE_ENTRIES:
            memo.popitem(last=False)

    def record_llm_call(self, call: LlmCall) -> None:
        """Append one row to the `llm_calls` ledger (buffered; flushed before any read)."""
        if self.closed:
            self._conn.cursor()  # raises the closed-store error
        row = {
            k: escape_unstorable(v) if isinstance(v, str) else v
            for k, v in call.model_dump().items()
        }
        row["created_at"] = naive_utc(call.created_at)
        with self._buffer_lock:
            self._pending_calls.append(row)
            self._buffered()

    def cache_get(self, request_hash: str) -> CachedResponse | None:
        """The cached response for a request hash, or None."""
        with self._buffer_lock:
            hit: CachedResponse | None = self._memo().get(request_hash)
            if hit is not None:
                self._memo().move_to_end(request_hash)
                return hit
        # No flush first: every entry still in the buffer is also in the in-process memo (the
        # buffer flushes long before the memo evicts), so the table has all the others.
        rows = (
            self._conn.cursor()
            .execute(
                "SELECT response, input_tokens, output_tokens, cost_usd FROM llm_cache"
                " WHERE request_hash = ?",
                [request_hash],
            )
            .fetchall()
        )
        if not rows:
            return None
        entry = CachedResponse(rows[0])
        with self._buffer_lock:
            self._remember(request_hash, entry)
        return entry

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
        """Store a response under its request hash (the first answer wins unless `replace`).

        `replace=True` (from `LLM(cache="refresh")`) overwrites an entry already stored.

        A lone surrogate in the response JSON is stored as its JSON escape, which a JSON
        reader turns back into the same string.
        """
        if self.closed:
            self._conn.cursor()  # raises the closed-store error
        response = escape_unstorable(response)
        with self._buffer_lock:
            if request_hash in self._memo() and not replace:
                return
            if replace:  # drop the older answer, whether still buffered or already written
                self._pending_cache[:] = [r for r in self._pending_cache if r[0] != request_hash]
                self._conn.cursor().execute(
                    "DELETE FROM llm_cache WHERE request_hash = ?", [request_hash]
                )
            self._remember(
                request_hash, CachedResponse((response, input_tokens, output_tokens, cost_usd))
            )
            self._pending_cache.append(
                (
                    request_hash,
                    model,
                    response,
                    input_tokens,
                    output_tokens,
                    cost_usd,
                    naive_utc(utcnow()),
                )
            )
            self._buffered()

    def llm_calls_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The LLM ledger: one row per call, columns as in `LlmCall`, plus `is_baseline`."""
        return frame(self._cur(), FRAME_QUERIES["llm_calls"], user_id)
