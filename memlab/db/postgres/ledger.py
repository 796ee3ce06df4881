"""The model-call ledger and the response cache on PostgreSQL.

The ledger must record every call whatever a model returned, so text PostgreSQL cannot hold
(a lone surrogate, a NUL character) is escaped, not refused. Cached responses are also kept
in process (a replay served from the cache must not pay a query per call); the first answer
stored under a hash wins, also between processes (`ON CONFLICT DO NOTHING`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from memlab.db.postgres.core import PgCore, utc
from memlab.db.postgres.memories import Cursor, copy_rows
from memlab.db.store_ledger import CachedResponse
from memlab.db.text import escape_unstorable
from memlab.schema import LlmCall, utcnow

__all__ = ["LLM_CALL_COLUMNS", "PgLedgerMixin", "pg_text"]

LLM_CALL_COLUMNS = tuple(LlmCall.model_fields)
_CACHE_ENTRIES = 10_000


def pg_text(value: object) -> object:
    """`value` with what PostgreSQL cannot store escaped (lone surrogates, NUL); others as is."""
    if not isinstance(value, str):
        return value
    return escape_unstorable(value).replace("\x00", "\\u0000")


class PgLedgerMixin(PgCore):
    """`record_llm_call`, and `cache_get`/`cache_put` for the LLM chokepoint."""

    _memo_lock = threading.Lock()

    def _memo(self) -> OrderedDict[str, CachedResponse]:
        """This store's in-process cache entries (the caller holds `_memo_lock`)."""
        memo: OrderedDict[str, CachedResponse] | None = getattr(self, "_cache_memo", None)
        if memo is None:
            memo = OrderedDict()
            self._cache_memo = memo
        return memo

    def _remember(self, request_hash: str, entry: CachedResponse) -> None:
        with self._memo_lock:
            memo = self._memo()
            memo[request_hash] = entry
            memo.move_to_end(request_hash)
            if len(memo) > _CACHE_ENTRIES:
                memo.popitem(last=False)

    def record_llm_call(self, call: LlmCall) -> None:
        """Append one row to the `llm_calls` ledger."""
        self._pool.check_open()
        row = [pg_text(v) for v in call.model_dump().values()]
        row[LLM_CALL_COLUMNS.index("created_at")] = utc(call.created_at)

        def write(cur: Cursor) -> None:
            copy_rows(cur, "llm_calls", ", ".join(LLM_CALL_COLUMNS), [row])

        self._pool.atomic(write, what=f"recording model call {call.call_id!r}")

    def cache_get(self, request_hash: str) -> CachedResponse | None:
        """The cached response for a request hash, or None."""
        with self._memo_lock:
            hit = self._memo().get(request_hash)
        if hit is not None:
            return hit

        def read(cur: Cursor) -> CachedResponse | None:
            cur.execute(
                "SELECT response, input_tokens, output_tokens, cost_usd FROM llm_cache"
                " WHERE request_hash = %s",
                [request_hash],
            )
            row = cur.fetchone()
            return CachedResponse(row) if row else None  # type: ignore[arg-type]

        entry = self._pool.read(read)
        if entry is not None:
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
        """Store a response under its request hash (the first answer wins unless `replace`)."""
        text = str(pg_text(response))

        def write(cur: Cursor) -> None:
            cur.execute(
                "INSERT INTO llm_cache (request_hash, model, response, input_tokens,"
                " output_tokens, cost_usd, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                + (
                    " ON CONFLICT (request_hash) DO UPDATE SET model = excluded.model,"
                    " response = excluded.response, input_tokens = excluded.input_tokens,"
                    " output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd,"
                    " created_at = excluded.created_at"
                    if replace
                    else " ON CONFLICT (request_hash) DO NOTHING"
                ),
                [request_hash, pg_text(model), text, input_tokens, output_tokens, cost_usd,
                 utcnow()],
            )  # fmt: skip

        self._pool.atomic(write, what=f"caching the response to {request_hash!r}")
        if replace:
            self._remember(
                request_hash, CachedResponse((text, input_tokens, output_tokens, cost_usd))
            )
        else:
            with self._memo_lock:
                self._memo().pop(request_hash, None)  # the stored first answer is read next time
