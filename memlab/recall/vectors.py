"""Vectors for semantic recall: embedded once per (text, embedder), lazily, in batches.

A `VectorView` is the matrix of unit vectors of a corpus mirror's rows. When rows arrive it
looks their content hashes up in the store's vectors (`RecallIndexStore.get_embeddings`: the
DuckDB `embeddings` table, or the generic path's in-process ones) in one query, embeds only the
texts that have no vector yet, in one batch, and writes those back in one Arrow insert. Single
adds therefore stay cheap (nothing is embedded until a semantic search needs it), and a text
repeated across memories, messages or users is embedded once. A query is one matrix-vector
product over the pre-normalized rows.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.db.store_embeddings import dim_mismatch
from memlab.errors import ConfigError
from memlab.llm.client import LedgerStore
from memlab.recall.embedders import EMBEDDERS, Embedder, get_embedder
from memlab.recall.generic_store import index_store

__all__ = [
    "VectorView",
    "attach_store",
    "check_embedder_name",
    "embed_checked",
    "resolve_embedder",
]

_PLUGIN = "memlab.recall.litellm_embedder"
_RESOLVED: dict[tuple[str, str], Embedder] = {}
_RESOLVED_LOCK = threading.Lock()


def _load_embedder_plugins() -> None:
    # Registers "litellm" (its module imports litellm only when an instance is built).
    try:
        importlib.import_module(_PLUGIN)
    except ModuleNotFoundError as exc:
        if exc.name != _PLUGIN:
            raise


def check_embedder_name(name: str) -> None:
    """Raise `ConfigError` listing the known names unless `name` is a registered embedder."""
    _load_embedder_plugins()
    if name not in EMBEDDERS:
        raise ConfigError(f"unknown embedder {name!r}; known embedders: {sorted(EMBEDDERS)}")


def resolve_embedder(embedder: str | Embedder, options: Mapping[str, Any]) -> Embedder:
    """The embedder named `embedder` with `options`, built once per process and reused.

    Strategies are rebuilt for every `Memory.recall` call, so loading a model per call would
    dominate; an `Embedder` instance is returned as it is.
    """
    if not isinstance(embedder, str):
        return embedder
    check_embedder_name(embedder)
    key = (embedder, json.dumps(dict(options), sort_keys=True, default=repr))
    with _RESOLVED_LOCK:
        found = _RESOLVED.get(key)
        if found is None:
            found = _RESOLVED[key] = get_embedder(embedder, **options)
        return found


def attach_store(embedder: Embedder, db: MemoryDb) -> None:
    """Let an embedder that records its calls (`attach(db)`, as the litellm one) use `db`.

    Only a store that keeps the ledger and the response cache (`LedgerStore`) is attached;
    with another, the embedder keeps its own, as `Memory` does for its model.
    """
    attach = getattr(embedder, "attach", None)
    if callable(attach) and isinstance(db, LedgerStore):
        attach(db)


def embed_checked(embedder: Embedder, texts: Sequence[str], db: MemoryDb) -> NDArray[np.float32]:
    """Embed `texts`, check the shape against `embedder.dim`, and return unit rows.

    An embedder that records its calls is attached to `db` first, so its ledger lives with
    the memories it served.

    Raises:
        ConfigError: the embedder returned another shape than it declares, or non-finite
            values; nothing is stored.
    """
    attach_store(embedder, db)
    out = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    if out.shape != (len(texts), embedder.dim):
        raise ConfigError(
            f"embedder {embedder.name!r} declares dim {embedder.dim} but returned shape "
            f"{out.shape} for {len(texts)} texts; fix its `dim` or its output"
        )
    if not np.isfinite(out).all():
        raise ConfigError(f"embedder {embedder.name!r} returned NaN or infinite values")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    # Rows of unit length already (the protocol's promise) are left bit-exact.
    scale = np.where((norms > 0) & (np.abs(norms - 1.0) > 1e-4), norms, 1.0)
    return np.ascontiguousarray(out / scale, dtype=np.float32)


class VectorView:
    """Unit vectors of a corpus mirror's rows for one embedder (dead rows stay zero)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.dim = int(embedder.dim)
        self.n = 0
        self._matrix = np.zeros((0, self.dim), np.float32)
        self._checked = False

    @property
    def matrix(self) -> NDArray[np.float32]:
        """The `(n, dim)` rows (a view into a buffer that grows by a quarter at a time)."""
        return self._matrix[: self.n]

    def extend(
        self, db: MemoryDb, texts: Sequence[str], hashes: Sequence[str], live: NDArray[np.bool_]
    ) -> None:
        """Fetch or compute vectors of the live rows among the next `len(texts)` rows."""
        name = self.embedder.name
        store = index_store(db)
        if not self._checked:
            stored = store.embedding_dims(name)
            if any(d != self.dim for d in stored):
                raise dim_mismatch(name, stored, self.dim)
            self._checked = True
        wanted = np.flatnonzero(live)
        # One slot per distinct hash (dictionary encoding is vectorized; 100k rows in ms).
        encoded = pa.array([hashes[j] for j in wanted.tolist()], pa.string()).dictionary_encode()
        slots = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        unique: list[str] = encoded.dictionary.to_pylist()
        _, first = np.unique(slots, return_index=True)  # first row of each distinct hash
        table = np.zeros((len(unique), self.dim), np.float32)
        have = np.zeros(len(unique), np.bool_)
        positions, vectors = store.get_embeddings(name, unique, dim=self.dim)
        table[positions] = vectors
        have[positions] = True
        missing = np.flatnonzero(~have)
        if missing.size:
            todo = [unique[i] for i in missing.tolist()]
            fresh = embed_checked(
                self.embedder, [texts[int(wanted[first[i]])] for i in missing.tolist()], db
            )
            store.put_embeddings(name, todo, fresh)
            table[missing] = fresh
        self._grow(self.n + len(texts))
        if wanted.size == len(texts):  # all live (the usual case): one copy, no temporary
            np.take(table, slots, axis=0, out=self._matrix[self.n : self.n + len(texts)])
        else:  # rows past `n` are still zero, so dead rows need no write
            self._matrix[self.n + wanted] = table[slots]
        self.n += len(texts)

    def _grow(self, rows: int) -> None:
        if rows <= len(self._matrix):
            return
        # Grow by a quarter (not double): at 100k x 384 floats a doubling would hold 150 MB idle.
        bigger = np.zeros((max(rows, len(self._matrix) * 5 // 4, 1024), self.dim), np.float32)
        bigger[: self.n] = self._matrix[: self.n]
        self._matrix = bigger

    def compact(self, keep: NDArray[np.int64]) -> None:
        """Keep rows `keep` that this view holds (the rest are appended later by `extend`)."""
        mine = keep[keep < self.n]
        self._matrix = np.ascontiguousarray(self._matrix[mine])
        self.n = len(mine)

    def query(self, text: str, db: MemoryDb) -> NDArray[np.float32]:
        """Cosine similarity of `text` to every row (0 for rows without a vector).

        Each row's score depends on its vector and the query only, not on where the row sits:
        BLAS (`matrix @ q`) rounds the last few rows of a matrix differently from the rest,
        so a mirror grown by appends and one built at once (the generic path) would disagree
        in the last bit. einsum sums every row the same way, as fast on 100k rows.
        """
        q = embed_checked(self.embedder, [text], db)[0]
        scores: NDArray[np.float32] = np.einsum("ij,j->i", self.matrix, q)
        return scores
