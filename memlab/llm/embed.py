"""Embeddings through the chokepoint: `LLM("text-embedding-3-small").embed(texts)`.

The same ledger, cache, network block, budgets and retries as chat calls, with purpose
"embed". Vectors come back as one float32 array; the cache keeps them as JSON, so a re-run
costs nothing and returns the same numbers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from memlab.errors import ConfigError, ModelCallError
from memlab.llm.client import new_call_row
from memlab.llm.network import check_allowed
from memlab.llm.request import request_hash
from memlab.schema import Usage

if TYPE_CHECKING:
    from memlab.llm.client import LLM, LedgerStore

__all__ = ["Embeddings", "aembed"]


@dataclass(frozen=True)
class Embeddings:
    """Vectors of some texts, in order, with the call's bookkeeping.

    Attributes:
        vectors: Array of shape (len(texts), dimension), float32.
        usage: Tokens and cost of the call (the original cost on a cache hit).
        call_id: The `llm_calls` row.
        cached: True when served from `llm_cache`.
    """

    vectors: npt.NDArray[np.float32]
    usage: Usage
    call_id: str
    cached: bool = False


async def aembed(
    llm: LLM,
    texts: Sequence[str],
    *,
    user_id: str | None = None,
    use_cache: bool | None = None,
    ledger: LedgerStore | None = None,
) -> Embeddings:
    """Embed `texts` with `llm`'s model; see `LLM.aembed`."""
    if llm.is_baseline:
        raise ConfigError(
            f"{llm.model} makes no embeddings: use memlab's static embedder (memlab.recall) or an "
            "embedding model, e.g. LLM('text-embedding-3-small')"
        )
    texts = [str(t) for t in texts]
    if not texts:
        raise ConfigError("embed() needs at least one text")
    key = request_hash(
        model=llm.model,
        messages=[{"role": "embed", "content": t} for t in texts],
        tools=None,
        response_format=None,
        params={"embed": True},
        prompt=None,
    )
    store = llm.ledger_for(ledger)
    row = new_call_row(store, purpose="embed", model=llm.model, request_hash=key, user_id=user_id)
    started = time.perf_counter()
    caching = llm.cache_policy(use_cache)
    hit = store.cache_get(key) if caching.read else None
    if hit is not None:
        response, tokens_in, _, cost = hit
        usage = Usage(input_tokens=tokens_in or 0, cost_usd=cost, calls=1, cached_calls=1)
        await llm._record(
            store,
            row,
            started,
            attempts=0,
            cached=True,
            input_tokens=tokens_in,
            output_tokens=0,
            cost_usd=cost,
        )
        return Embeddings(_array(json.loads(response)), usage, row.call_id, cached=True)
    try:
        llm.budget.check(
            [{"role": "embed", "content": t} for t in texts], None, call_id=row.call_id
        )
        check_allowed(llm.model, llm.api_base, call_id=row.call_id)
    except ModelCallError as exc:
        await llm._record(store, row, started, attempts=0, error=str(exc))
        raise
    kwargs: dict[str, Any] = {
        "model": llm.model,
        "input": texts,
        "timeout": llm.timeout_s,
        "max_retries": 0,
        "num_retries": 0,
    }
    kwargs.update(
        {k: v for k, v in (("api_base", llm.api_base), ("api_key", llm.request_key())) if v}
    )
    async with llm._semaphore():
        started = time.perf_counter()
        response, attempts = await llm._send(store, kwargs, row, started, method="aembedding")
    data = sorted(getattr(response, "data", None) or [], key=lambda d: _get(d, "index"))
    if len(data) != len(texts):
        message = f"{llm.model!r} returned {len(data)} embeddings for {len(texts)} texts"
        await llm._record(store, row, started, attempts=attempts, error=message)
        raise ModelCallError(message, call_id=row.call_id)
    vectors = [list(map(float, _get(d, "embedding"))) for d in data]
    tokens_in = getattr(getattr(response, "usage", None), "prompt_tokens", None)
    cost = (getattr(response, "_hidden_params", None) or {}).get("response_cost")
    cost = float(cost) if isinstance(cost, int | float) else None
    usage = Usage(input_tokens=tokens_in or 0, cost_usd=cost, calls=1)
    llm.budget.add(usage)
    if caching.write:
        await asyncio.to_thread(
            store.cache_put,
            key,
            model=llm.model,
            response=json.dumps(vectors),
            input_tokens=tokens_in,
            output_tokens=0,
            cost_usd=cost,
            replace=caching.replace,
        )
    await llm._record(
        store,
        row,
        started,
        attempts=attempts,
        input_tokens=tokens_in,
        output_tokens=0,
        cost_usd=cost,
    )
    return Embeddings(_array(vectors), usage, row.call_id)


def _get(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, dict) else getattr(item, name)


def _array(vectors: list[list[float]]) -> npt.NDArray[np.float32]:
    return np.asarray(vectors, dtype=np.float32)
