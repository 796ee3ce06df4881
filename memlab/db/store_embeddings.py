"""The `embeddings` table: one vector per (embedder, content hash), read and written with Arrow.

Vectors are keyed by the hash of the text, not by the item, so a text is embedded once per
embedder however many users, messages or memories repeat it, and an edited memory simply gets
the vector of its new text. One `FLOAT[]` column holds every embedder's vectors; `dim` is
checked against the embedder on every read so two models never get mixed.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from memlab.db.connection import registered
from memlab.db.rows import naive_utc
from memlab.db.store_core import StoreCore
from memlab.db.text import check_text
from memlab.errors import ConfigError
from memlab.schema import utcnow

__all__ = ["EmbeddingsMixin"]


def dim_mismatch(embedder: str, stored: Sequence[int], dim: int) -> ConfigError:
    """The error for vectors stored under `embedder` with another length than it makes."""
    return ConfigError(
        f"the store holds vectors of length {sorted(set(stored))} for embedder {embedder!r}, "
        f"but that embedder makes vectors of length {dim}: two different models share the "
        "name. Give the new model its own name, or drop the old vectors with "
        f"db.delete_embeddings({embedder!r}); nothing was changed"
    )


class EmbeddingsMixin(StoreCore):
    """Vectors by (embedder name, content hash), shared by every user of the store."""

    def get_embeddings(
        self, embedder: str, content_hashes: Sequence[str], *, dim: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Stored vectors for some of `content_hashes`.

        Returns:
            The positions in `content_hashes` that have a vector, and those vectors as a
            float32 array of shape `(len(positions), dim)`.

        Raises:
            ConfigError: a stored vector of `embedder` does not have length `dim`.
        """
        empty = (np.zeros(0, np.int64), np.zeros((0, dim), np.float32))
        if not content_hashes:
            return empty
        wanted = pa.table(
            {
                "pos": pa.array(np.arange(len(content_hashes), dtype=np.int64)),
                "content_hash": pa.array(list(content_hashes), pa.string()),
            }
        )
        cur = self._data_cur()
        cur.register("_wanted_hashes", wanted)
        try:
            found: pa.Table = cur.sql(
                "SELECT w.pos, e.dim, e.vector FROM _wanted_hashes w JOIN embeddings e"
                " ON e.embedder = ? AND e.content_hash = w.content_hash ORDER BY w.pos",
                params=[embedder],
            ).to_arrow_table()
        except duckdb.CatalogException:
            return empty  # a read-only open of a file from before m002_embeddings
        finally:
            cur.unregister("_wanted_hashes")
        if found.num_rows == 0:
            return empty
        dims = found.column("dim").to_numpy()
        if (dims != dim).any():
            raise dim_mismatch(embedder, dims.tolist(), dim)
        values = found.column("vector").combine_chunks().flatten().to_numpy()
        vectors = np.ascontiguousarray(values, dtype=np.float32).reshape(-1, dim)
        return found.column("pos").to_numpy().astype(np.int64), vectors

    def put_embeddings(
        self, embedder: str, content_hashes: Sequence[str], vectors: NDArray[np.float32]
    ) -> int:
        """Store vectors in one Arrow batch; hashes already stored keep their vector.

        A read-only store keeps nothing and returns 0 (recall then embeds again next time).

        Returns:
            How many rows were offered (duplicates of stored rows are skipped by the store).
        """
        check_text("embedder", embedder)
        n = len(content_hashes)
        if vectors.ndim != 2 or vectors.shape[0] != n:
            raise ConfigError(f"put_embeddings got {n} hashes but vectors of shape {vectors.shape}")
        if n == 0 or self._read_only_store():
            return 0
        dim = int(vectors.shape[1])
        flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1))
        offsets = pa.array(np.arange(0, n * dim + 1, dim, dtype=np.int32))
        batch = pa.table(
            {
                "embedder": pa.array([embedder] * n, pa.string()),
                "content_hash": pa.array(list(content_hashes), pa.string()),
                "dim": pa.array(np.full(n, dim, dtype=np.int32)),
                "vector": pa.ListArray.from_arrays(offsets, flat),
            }
        )
        now = naive_utc(utcnow())

        def write(cur: duckdb.DuckDBPyConnection) -> None:
            with registered(cur, "_new_vectors", batch):
                cur.execute(
                    "INSERT INTO embeddings (embedder, content_hash, dim, vector, created_at)"
                    " SELECT DISTINCT ON (content_hash) embedder, content_hash, dim, vector, ?"
                    " FROM _new_vectors ON CONFLICT DO NOTHING",
                    [now],
                )

        # Two threads embedding the same new text race on its key; the retry skips it.
        self._conn.atomic(write, what=f"storing {n} vectors of {embedder!r}")
        return n

    def embedding_dims(self, embedder: str) -> list[int]:
        """The distinct vector lengths stored for `embedder` (one, or none when it has none)."""
        try:
            rows = (
                self._data_cur()
                .execute(
                    "SELECT DISTINCT dim FROM embeddings WHERE embedder = ? ORDER BY dim",
                    [embedder],
                )
                .fetchall()
            )
        except duckdb.CatalogException:
            return []  # a read-only open of a file from before m002_embeddings
        return [int(r[0]) for r in rows]

    def delete_embeddings(self, embedder: str) -> int:
        """Drop every stored vector of `embedder`; return how many there were.

        Recall embeds again on the next search; use it after changing the model behind a name.
        """
        rows = self._conn.atomic(
            lambda cur: cur.execute(
                "DELETE FROM embeddings WHERE embedder = ? RETURNING 1", [embedder]
            ).fetchall(),
            what=f"deleting the vectors of {embedder!r}",
        )
        return len(rows)

    def _read_only_store(self) -> bool:
        cached: bool | None = getattr(self, "_read_only_cache", None)
        if cached is None:
            mode = self._data_cur().execute("SELECT current_setting('access_mode')").fetchall()
            cached = str(mode[0][0]).lower() == "read_only"
            self._read_only_cache = cached
        return cached
