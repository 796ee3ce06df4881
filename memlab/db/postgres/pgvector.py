"""Semantic search in the server with the `pgvector` extension, when the server has it.

Vectors stay in the `embeddings` table as `real[]` (so a store works the same with or without
the extension); with pgvector, each (embedder, dimension) gets a partial HNSW index on the
cast `vector::vector(dim)` with cosine distance, built when its first vectors are stored, and
`semantic_search` asks the server for the nearest vectors among the user's memories (`<=>`,
iterative index scans so the user filter does not starve the top-k). Without the extension
(Debian 12 does not package it) the store ranks in the client (`memlab.db.postgres.search`).

The extension is created when the store opens if the server offers it and the role may;
both are optional, so these indexes are not migrations: nothing the store keeps depends on
them, and a server without pgvector opens the same schema.
"""

from __future__ import annotations

import hashlib

import psycopg
from psycopg import sql

__all__ = ["enable_pgvector", "ensure_hnsw", "nearest_sql"]

Cursor = psycopg.Cursor[tuple[object, ...]]


def enable_pgvector(conn: psycopg.Connection[tuple[object, ...]], schema: str) -> str | None:
    """Create the extension if the server offers it; return the schema of its types, or None.

    Also indexes memories by content hash (the join from a vector back to its memories).
    None when the server lacks pgvector or the role may not create it (then the store ranks
    vectors in the client).
    """
    with conn.cursor() as cur:
        found = cur.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'vector'"
        ).fetchone()
        if found is None:
            offered = cur.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
            ).fetchone()
            if offered is None:
                return None
            try:
                with conn.transaction():
                    cur.execute(
                        sql.SQL("CREATE EXTENSION IF NOT EXISTS vector SCHEMA {}").format(
                            sql.Identifier(schema)
                        )
                    )
            except psycopg.Error:
                return None  # no privilege: the client-side path serves
            found = (schema,)
        cur.execute(
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS memories_by_hash ON {}.memories (content_hash)"
            ).format(sql.Identifier(schema))
        )
    return str(found[0])


def _vector_type(ext_schema: str, dim: int) -> sql.Composable:
    return sql.SQL("{}.vector({})").format(sql.Identifier(ext_schema), sql.Literal(int(dim)))


def ensure_hnsw(cur: Cursor, ext_schema: str, embedder: str, dim: int) -> None:
    """Build the HNSW index of one (embedder, dimension) if it does not exist yet."""
    name = "embeddings_hnsw_" + hashlib.sha256(f"{embedder}\0{dim}".encode()).hexdigest()[:16]
    cur.execute(
        sql.SQL(
            "CREATE INDEX IF NOT EXISTS {} ON embeddings USING hnsw"
            " ((vector::{}) {}.vector_cosine_ops) WHERE embedder = {} AND dim = {}"
        ).format(
            sql.Identifier(name),
            _vector_type(ext_schema, dim),
            sql.Identifier(ext_schema),
            sql.Literal(embedder),
            sql.Literal(int(dim)),
        )
    )


def nearest_sql(ext_schema: str, columns: str, embedder: str, dim: int, limit: int) -> sql.Composed:
    """The query of the user's `limit` memories nearest a vector, best first.

    Parameters: the query vector (a list of floats), the user id, the query vector again.
    The embedder and dimension are literals so the planner matches the partial index; the
    inner query orders by distance alone so the index can serve it, the outer one breaks ties
    in memlab's order.
    """
    vec = _vector_type(ext_schema, dim)
    dist = sql.SQL("(e.vector::{v} OPERATOR({s}.<=>) %s::real[]::{v})").format(
        v=vec, s=sql.Identifier(ext_schema)
    )
    return sql.SQL(
        "SELECT * FROM (SELECT {cols}, m.seq, 1 - {dist} AS score FROM embeddings e"
        " JOIN memories m ON m.content_hash = e.content_hash"
        " WHERE e.embedder = {emb} AND e.dim = {dim} AND m.user_id = %s"
        " ORDER BY {dist} LIMIT {limit}) t ORDER BY score DESC, updated_at, seq"
    ).format(
        cols=sql.SQL(columns),
        dist=dist,
        emb=sql.Literal(embedder),
        dim=sql.Literal(int(dim)),
        limit=sql.Literal(int(limit)),
    )
