"""The `llm_calls` ledger and the `llm_cache` of model responses."""

from __future__ import annotations

import pandas as pd

from memlab.db.frames import FRAME_QUERIES, frame
from memlab.db.rows import naive_utc
from memlab.db.store_core import StoreCore
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
    """Every model call, and the response cache keyed by request hash."""

    def record_llm_call(self, call: LlmCall) -> None:
        """Append one row to the `llm_calls` ledger."""
        data = call.model_dump()
        data["created_at"] = naive_utc(call.created_at)
        cols = list(data)
        self._cur().execute(
            f"INSERT INTO llm_calls ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            list(data.values()),
        )

    def cache_get(self, request_hash: str) -> CachedResponse | None:
        """The cached response for a request hash, or None."""
        row = (
            self._cur()
            .execute(
                "SELECT response, input_tokens, output_tokens, cost_usd FROM llm_cache"
                " WHERE request_hash = ?",
                [request_hash],
            )
            .fetchall()
        )
        return CachedResponse(row[0]) if row else None

    def cache_put(
        self,
        request_hash: str,
        *,
        model: str,
        response: str,
        input_tokens: int | None,
        output_tokens: int | None,
        cost_usd: float | None,
    ) -> None:
        """Store a response under its request hash (the first answer wins)."""
        self._cur().execute(
            "INSERT INTO llm_cache VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                request_hash,
                model,
                response,
                input_tokens,
                output_tokens,
                cost_usd,
                naive_utc(utcnow()),
            ],
        )

    def llm_calls_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The LLM ledger: one row per call, columns as in `LlmCall`, plus `is_baseline`."""
        return frame(self._cur(), FRAME_QUERIES["llm_calls"], user_id)
