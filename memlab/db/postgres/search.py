"""Recall inside PostgreSQL: full-text keyword search, vectors as `real[]`, and hybrid.

Keyword: each memory's English `tsvector` (GIN-indexed, migration m002) is matched by the
query's lexemes joined with OR, so a memory that shares any stemmed word is a candidate, as
for memlab's BM25; candidates are ranked by `ts_rank` with length normalization 1 (divide by
1 + log of the length), without ranking every match (`memlab.db.postgres.keyword`).
That is not BM25: no inverse document frequency (a common word
counts as much as a rare one), PostgreSQL's English stop words and Snowball stemmer instead
of memlab's tokenizer, and a different length normalization. `docs/postgres.md` measures how
far the rankings differ on the bundled dataset.

Semantic with the pgvector extension: ranked in the server (`memlab.db.postgres.pgvector`).
Semantic without it: vectors are stored as `real[]` by (embedder,
content hash), as in the DuckDB store; a query reads the content hashes of the user's
memories, takes their vectors from an in-process cache (the table is read only for hashes
it has not seen) and ranks by cosine similarity in numpy.

Hybrid: reciprocal rank fusion (`memlab.recall.fusion.rrf_fuse`) of the two rankings.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from memlab.db.postgres.core import MEMORY_COLUMNS, PgCore, memory_from_row
from memlab.db.postgres.keyword import keyword_top
from memlab.db.postgres.memories import Cursor
from memlab.db.postgres.pgvector import ensure_hnsw, nearest_sql
from memlab.db.store_core import check_count, check_user
from memlab.db.text import check_query, check_text
from memlab.errors import ConfigError
from memlab.recall.fusion import rrf_fuse
from memlab.schema import UserMemory

__all__ = ["PgHit", "PgSearchMixin"]

_COLUMNS = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLUMNS.split(","))


class PgHit(NamedTuple):
    """One memory recalled by the server-side search, with its score (higher is better)."""

    memory: UserMemory
    """The memory."""
    score: float
    """`ts_rank`, cosine similarity, or the fused RRF score, by the search that made it."""


class _View(NamedTuple):
    """A user's memories with a vector of one embedder, as unit rows of one matrix."""

    version: int
    ids: list[str]
    matrix: NDArray[np.float32]
    missing: bool
    all_ids: list[str]
    all_hashes: list[str]


def _top(scores: NDArray[np.float32], limit: int) -> NDArray[np.intp]:
    """Positions of the `limit` best scores, best first; equal scores keep their order.

    The same as a stable argsort cut to `limit`, without sorting every score: everything at
    or above the `limit`-th best is sorted, ties at the cut included.
    """
    if limit >= len(scores):
        return np.argsort(-scores, kind="stable")
    cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
    keep = np.flatnonzero(scores >= cut)
    return keep[np.argsort(-scores[keep], kind="stable")][:limit]


class PgSearchMixin(PgCore):
    """`keyword_search`, `semantic_search`, `hybrid_search` and the vectors they read."""

    _vector_lock = threading.Lock()

    def _vectors(self) -> dict[tuple[str, str], NDArray[np.float32]]:
        """Unit vectors by (embedder, content hash) (the caller holds `_vector_lock`)."""
        cache: dict[tuple[str, str], NDArray[np.float32]] | None = getattr(self, "_vcache", None)
        if cache is None:
            cache = {}
            self._vcache = cache
        return cache

    def keyword_search(self, user_id: str, query: str, *, limit: int = 10) -> list[PgHit]:
        """The user's memories that share a stemmed word with `query`, best `ts_rank` first.

        Ties keep the memlab order (older update first, then first stored).
        """
        check_user(user_id)
        check_query("query", query)
        check_count("limit", limit, optional=False)

        def read(cur: Cursor) -> list[PgHit]:
            top = keyword_top(cur, user_id, query, limit)
            if not top:
                return []
            cur.execute(
                f"SELECT {_COLUMNS} FROM memories m WHERE m.memory_id = ANY(%s::text[])",
                [[memory_id for memory_id, _ in top]],
            )
            rows = {str(r[0]): memory_from_row(r) for r in cur.fetchall()}
            return [PgHit(rows[i], score) for i, score in top if i in rows]

        return self._pool.read(read)

    def put_embeddings(
        self, embedder: str, content_hashes: Sequence[str], vectors: NDArray[np.float32]
    ) -> int:
        """Store vectors by content hash (hashes already stored keep theirs); return how many."""
        check_text("embedder", embedder)
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(content_hashes):
            raise ConfigError(
                f"put_embeddings needs one row per content hash: got {len(content_hashes)} "
                f"hashes and an array of shape {matrix.shape}"
            )
        dim = int(matrix.shape[1])

        def write(cur: Cursor) -> int:
            # Binary COPY: the text form of 384 floats per row costs more than the rest.
            with cur.copy(
                "COPY _new_vectors (content_hash, vector) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["text", "float4[]"])
                for h, row in zip(content_hashes, matrix.tolist(), strict=True):
                    copy.write_row((h, row))
            cur.execute(
                "INSERT INTO embeddings (embedder, content_hash, dim, vector)"
                " SELECT %s, content_hash, %s, vector FROM _new_vectors"
                " ON CONFLICT DO NOTHING",
                [embedder, dim],
            )
            stored = cur.rowcount
            if self.pgvector_schema is not None and stored:
                ensure_hnsw(cur, self.pgvector_schema, embedder, dim)
            return stored

        def staged(cur: Cursor) -> int:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _new_vectors"
                " (content_hash TEXT, vector REAL[]) ON COMMIT DELETE ROWS"
            )
            return write(cur)

        return self._pool.atomic(staged, what=f"storing {len(content_hashes)} vectors")

    def semantic_search(
        self, user_id: str, query_vector: NDArray[np.float32], *, embedder: str, limit: int = 10
    ) -> list[PgHit]:
        """The user's memories whose stored vector is nearest `query_vector` (cosine).

        Memories without a vector of `embedder` (not yet embedded) are left out: store
        them first with `put_embeddings` (keys: `content_hash(memory.memory)`). The user's
        matrix is kept in process and rebuilt only when `memory_version` says the memories
        changed (in any process), or when vectors it lacked have been stored since.
        """
        check_user(user_id)
        check_text("embedder", embedder)
        check_count("limit", limit, optional=False)
        query = np.asarray(query_vector, dtype=np.float32).ravel()
        if self.pgvector_schema is not None:
            return self._nearest(user_id, query, embedder, limit)
        view = self._view(user_id, embedder)
        if not view.ids:
            return []
        if view.matrix.shape[1] != query.shape[0]:
            raise ConfigError(
                f"the query vector has {query.shape[0]} dimensions but {embedder!r} vectors "
                f"have {view.matrix.shape[1]}: embed the query with the same embedder"
            )
        scores = view.matrix @ (query / (np.linalg.norm(query) or 1.0))
        best = _top(scores, limit)
        by_id = {
            m.memory_id: m for m in self._memories_by_ids(user_id, [view.ids[i] for i in best])
        }
        return [PgHit(by_id[view.ids[i]], float(scores[i])) for i in best if view.ids[i] in by_id]

    def _nearest(
        self, user_id: str, query: NDArray[np.float32], embedder: str, limit: int
    ) -> list[PgHit]:
        """`semantic_search` in the server: pgvector's HNSW index, cosine distance."""
        statement = nearest_sql(
            self.pgvector_schema or "", _COLUMNS, embedder, query.shape[0], limit
        )
        vector = query.tolist()
        # Iterative scans walk the graph until `limit` rows pass the user filter; a search
        # list of 100 found 0.99 of the exact top 10 at 100k memories (benchmarks).
        settings = (
            "SET LOCAL hnsw.iterative_scan = strict_order;"
            f" SET LOCAL hnsw.ef_search = {max(100, 4 * int(limit))}"
        )

        def read(cur: Cursor) -> list[PgHit]:
            with cur.connection.transaction():
                cur.execute(settings)
                cur.execute(statement, [vector, user_id, vector], prepare=False)
                return [PgHit(memory_from_row(r), float(r[9])) for r in cur.fetchall()]  # type: ignore[arg-type]

        hits = self._pool.read(read)
        if not hits:
            # Nothing near: say so when the query cannot match the stored vectors at all.
            dims = self.embedding_dims(embedder)
            if dims and query.shape[0] not in dims:
                raise ConfigError(
                    f"the query vector has {query.shape[0]} dimensions but {embedder!r} "
                    f"vectors have {dims}: embed the query with the same embedder"
                )
        return hits

    def embedding_dims(self, embedder: str) -> list[int]:
        """Distinct vector lengths stored for an embedder."""

        def read(cur: Cursor) -> list[int]:
            cur.execute(
                "SELECT DISTINCT dim FROM embeddings WHERE embedder = %s ORDER BY dim", [embedder]
            )
            return [int(r[0]) for r in cur.fetchall()]  # type: ignore[call-overload]

        return self._pool.read(read)

    def _view(self, user_id: str, embedder: str) -> _View:
        version = self.memory_version(user_id)
        with self._vector_lock:
            views: dict[tuple[str, str], _View] = self.__dict__.setdefault("_views", {})
            view = views.get((user_id, embedder))
        if view is not None and view.version == version and not view.missing:
            return view
        if view is None or view.version != version:
            pairs = self._pool.read(
                lambda cur: cur.execute(
                    "SELECT memory_id, content_hash FROM memories WHERE user_id = %s"
                    " ORDER BY updated_at, seq",
                    [user_id],
                ).fetchall()
            )
            ids, hashes = [str(p[0]) for p in pairs], [str(p[1]) for p in pairs]
        else:
            ids, hashes = view.all_ids, view.all_hashes
        with self._vector_lock:
            cache = self._vectors()
            wanted = list({h for h in hashes if (embedder, h) not in cache})
        if wanted:
            self._load_vectors(embedder, wanted)
        with self._vector_lock:
            cache = self._vectors()
            have = [i for i, h in enumerate(hashes) if (embedder, h) in cache]
            matrix = (
                np.stack([cache[(embedder, hashes[i])] for i in have])
                if have
                else np.zeros((0, 0), dtype=np.float32)
            )
            view = _View(
                version,
                [ids[i] for i in have],
                matrix,
                len(have) < len(hashes),
                ids,
                hashes,
            )
            views[(user_id, embedder)] = view
        return view

    def hybrid_search(
        self,
        user_id: str,
        query: str,
        query_vector: NDArray[np.float32],
        *,
        embedder: str,
        limit: int = 10,
        depth: int = 50,
    ) -> list[PgHit]:
        """Reciprocal rank fusion of the keyword and semantic rankings (`depth` of each)."""
        check_count("depth", depth, optional=False)
        keyword = self.keyword_search(user_id, query, limit=depth)
        semantic = self.semantic_search(user_id, query_vector, embedder=embedder, limit=depth)
        memories = {h.memory.memory_id: h.memory for h in [*keyword, *semantic]}
        fused = rrf_fuse(
            [[h.memory.memory_id for h in keyword], [h.memory.memory_id for h in semantic]]
        )
        return [PgHit(memories[mid], score) for mid, score in fused[:limit]]

    def _load_vectors(self, embedder: str, hashes: list[str]) -> None:
        def read(cur: Cursor) -> list[tuple[str, list[float]]]:
            cur.execute(
                "SELECT content_hash, vector FROM embeddings"
                " WHERE embedder = %s AND content_hash = ANY(%s::text[])",
                [embedder, hashes],
            )
            return cur.fetchall()  # type: ignore[return-value]

        rows = self._pool.read(read)
        with self._vector_lock:
            cache = self._vectors()
            for h, vector in rows:
                v = np.asarray(vector, dtype=np.float32)
                cache[(embedder, h)] = v / (np.linalg.norm(v) or 1.0)

    def _memories_by_ids(self, user_id: str, ids: list[str]) -> list[UserMemory]:
        def read(cur: Cursor) -> list[UserMemory]:
            cur.execute(
                f"SELECT {_COLUMNS} FROM memories m WHERE m.user_id = %s"
                " AND m.memory_id = ANY(%s::text[])",
                [user_id, ids],
            )
            return [memory_from_row(r) for r in cur.fetchall()]

        return self._pool.read(read)
