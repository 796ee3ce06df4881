"""`LiteLLMEmbedder`: embeddings from any litellm embedding model, through memlab's chokepoint.

Every batch goes through `LLM.embed`, so it is checked against the network block and the
budgets, answered from `llm_cache` when the same texts were embedded before, and written to
the `llm_calls` ledger with purpose "embed". Recall attaches the store it searches, so the
ledger rows land next to the memories they served.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from memlab.errors import ConfigError, ModelCallError
from memlab.recall.embedders import register_embedder

__all__ = ["LiteLLMEmbedder"]


@register_embedder("litellm")
class LiteLLMEmbedder:
    """An API embedding model (`"text-embedding-3-small"`, `"openai/<name>"` with `api_base`...).

    Args:
        model: A litellm embedding model string.
        dim: The vector length; None asks the model once (one ledgered, cached call).
        api_base: The server to call (local OpenAI-compatible servers).
        api_key: The key, when not taken from the provider's environment variable.
        batch_size: Texts per request.
        name: Identifier stored with the vectors; defaults to `litellm:<model>`.
        llm_options: Further `LLM` options (`timeout_s`, `max_retries`, `max_cost_usd`...).
    """

    def __init__(
        self,
        model: str = "text-embedding-3-small",
        *,
        dim: int | None = None,
        api_base: str | None = None,
        api_key: str | None = None,
        batch_size: int = 256,
        name: str | None = None,
        llm_options: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(model, str) or not model.strip():
            raise ConfigError(f"model must be a litellm embedding model string, got {model!r}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        if dim is not None and dim < 1:
            raise ConfigError(f"dim must be at least 1, got {dim}")
        self.model = model
        self.name = name or f"litellm:{model}"
        self.batch_size = batch_size
        self._dim = dim
        self._options: dict[str, Any] = {
            "api_base": api_base,
            "api_key": api_key,
            **(llm_options or {}),
        }
        self._own = self._new_llm(None)
        # One LLM per store, so each store's ledger gets its own rows; per thread, the store
        # the current search attached.
        self._by_store: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._local = threading.local()
        self._lock = threading.Lock()

    def _new_llm(self, db: Any) -> Any:
        from memlab.llm.client import LLM  # imports litellm: only when an instance is built

        return LLM(self.model, db=db, **self._options)

    def attach(self, db: object) -> None:
        """Ledger and cache the calls of this thread in `db` (recall passes its store)."""
        with self._lock:
            llm = self._by_store.get(db)
            if llm is None:
                llm = self._by_store[db] = self._new_llm(db)
        self._local.llm = llm

    @property
    def _llm(self) -> Any:
        return getattr(self._local, "llm", None) or self._own

    @property
    def dim(self) -> int:
        """The vector length (asked of the model on first use when not given)."""
        if self._dim is None:
            self._dim = int(self._call(["dimension probe"]).shape[1])
        return self._dim

    def _call(self, texts: list[str]) -> NDArray[np.float32]:
        vectors = np.asarray(self._llm.embed(texts).vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ModelCallError(
                f"{self.model!r} returned vectors of shape {vectors.shape} for {len(texts)} texts"
            )
        return vectors

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed `texts` in batches of `batch_size`; rows are scaled to unit length."""
        if isinstance(texts, str):
            raise ConfigError("embed() takes a sequence of texts, not a single string")
        items = [str(t) for t in texts]
        if not items:
            return np.zeros((0, self.dim), np.float32)
        parts = [
            self._call(items[i : i + self.batch_size])
            for i in range(0, len(items), self.batch_size)
        ]
        out = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
        if self._dim is not None and out.shape[1] != self._dim:
            raise ConfigError(
                f"{self.model!r} returned vectors of length {out.shape[1]}, not dim={self._dim}"
            )
        self._dim = int(out.shape[1])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.where(norms > 0, norms, 1.0), dtype=np.float32)

    def __repr__(self) -> str:
        return f"LiteLLMEmbedder(name={self.name!r}, model={self.model!r})"
