"""Top-k full-text keyword search on PostgreSQL without ranking every match.

The ranking is `ts_rank(tsv, q, 1)` where `q` joins the query's lexemes with OR: a memory
sharing any stemmed word is a candidate. Common words match a large part of a corpus, and
`ts_rank` over every match was most of the query's cost, so the same top k is found in two
steps, exactly:

1. Rank the memories that hold *every* lexeme of the query (an AND query: the GIN index
   intersects the posting lists, so few rows) and keep the best k; its k-th score is `s`.
2. A memory missing a lexeme has a best possible score that falls with its lexeme count
   (`_bound`: `ts_rank` with the default weights averages over the `n` query lexemes what
   each matched one adds, at most 0.1 however often it occurs, and with normalization 1
   divides by log2 of the memory's position count + 1). Only memories short enough to
   reach `s` can enter the top k: those are found through the `(user_id, length(tsv))`
   index (migration m006) and ranked.

The union, sorted by score then memlab's order (older update first, then first stored), is
the top k of the full ranking. When fewer than k memories hold every lexeme, every match is
ranked (`FULL_SQL`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np
import psycopg

__all__ = ["ALL_SQL", "FULL_SQL", "keyword_top", "longest_missing"]

Cursor = psycopg.Cursor[tuple[object, ...]]

_OR = "replace(plainto_tsquery('english', %(q)s)::text, '&', '|')::tsquery"
_AND = "plainto_tsquery('english', %(q)s)"
_RANK = (
    "SELECT m.memory_id, ts_rank(m.tsv, " + _OR + ", 1) AS score, m.updated_at, m.seq"
    " FROM memories m WHERE m.user_id = %(user)s AND {where}"
    " ORDER BY score DESC, m.updated_at, m.seq LIMIT %(limit)s"
)
FULL_SQL = _RANK.format(where="m.tsv @@ " + _OR)
"""Every memory matching any lexeme, ranked: the reference the two steps must equal."""
ALL_SQL = _RANK.format(where="m.tsv @@ " + _AND)
"""Step 1: the memories holding every lexeme, ranked."""
_SHORT_SQL = _RANK.format(
    where="length(m.tsv) <= %(longest)s AND m.tsv @@ " + _OR + " AND NOT m.tsv @@ " + _AND
)
_LEXEME = re.compile(r"'((?:[^']|'')*)'")
# ts_rank's weight of an unweighted lexeme (the D weight of its default array).
_WEIGHT = 0.1
_ZETA2 = 1.64493406685  # pi^2 / 6, as ts_rank writes it
# ts_rank computes in float4: a bound a little loose only ranks a few more rows.
_SLACK = 1e-4
_MAX_LENGTH = 2**31 - 1
_H2 = np.concatenate(([0.0], np.cumsum(1.0 / np.arange(1, 258) ** 2)))

Row = tuple[Any, ...]


def _run(cur: Cursor, sql: str, params: dict[str, Any]) -> list[Row]:
    # Unprepared: planned with this query's lexemes, so PostgreSQL picks the indexes; a
    # prepared generic plan may scan all the user's rows.
    cur.execute(sql, params, prepare=False)
    return cur.fetchall()


@functools.lru_cache(maxsize=4096)
def _bound(n: int, length: int) -> float:
    """The best `ts_rank(.., 1)` of a memory of `length` lexemes lacking one of `n` lexemes.

    It holds m <= n - 1 of them, o_t times each (o_t <= 256, PostgreSQL's cap), and so at
    least O + length - m positions (O = sum of o_t). Lexeme t adds 0.1 * H2(o_t) / (pi^2/6),
    H2(o) = sum of 1/j^2 for j <= o; H2 is concave, so for a given O an even split is best.
    """
    best = 0.0
    for m in range(1, min(n - 1, length) + 1):
        total = np.arange(m, 256 * m + 1)
        per, extra = np.divmod(total, m)
        sums = extra * _H2[per + 1] + (m - extra) * _H2[per]
        scores = _WEIGHT * sums / _ZETA2 / n / np.log2(total + (length - m) + 1)
        best = max(best, float(scores.max()))
    return best


def longest_missing(n: int, kth: float) -> int:
    """The most lexemes a memory lacking one of `n` query lexemes may have to score `kth`.

    A little more, for float rounding; 0 when none can (one query lexeme: a match holds it).
    """
    if n < 2:
        return 0
    floor = kth * (1 - _SLACK)
    # From n - 1 lexemes on, every m <= n - 1 is possible and the bound falls with length.
    low = n - 1
    if _bound(n, low) < floor:
        return max((x for x in range(1, low) if _bound(n, x) >= floor), default=0)
    high = low + 1
    while _bound(n, high) >= floor:
        if high >= _MAX_LENGTH:
            return _MAX_LENGTH
        low, high = high, min(2 * high, _MAX_LENGTH)
    while high - low > 1:  # _bound(low) >= floor > _bound(high)
        mid = (low + high) // 2
        low, high = (mid, high) if _bound(n, mid) >= floor else (low, mid)
    return low


def keyword_top(cur: Cursor, user_id: str, query: str, limit: int) -> list[tuple[str, float]]:
    """(memory id, `ts_rank` score) of the user's top `limit` memories for `query`, in order."""
    row = cur.execute("SELECT plainto_tsquery('english', %s)::text", [query]).fetchone()
    text = str(row[0]) if row else ""
    lexemes = set(_LEXEME.findall(text))
    if not lexemes:
        return []
    params: dict[str, Any] = {"q": query, "user": user_id, "limit": int(limit)}
    # A phrase (`<->`, from a hyphenated word) can fail with every lexeme present, which
    # the bound of step 2 does not cover: rank every match then.
    ranked = [] if "<" in _LEXEME.sub("", text) else _run(cur, ALL_SQL, params)
    if len(ranked) < limit:
        ranked = _run(cur, FULL_SQL, params)
    elif len(lexemes) > 1:
        longest = longest_missing(len(lexemes), float(ranked[-1][1]))
        ranked = sorted(
            ranked + _run(cur, _SHORT_SQL, {**params, "longest": longest}),
            key=lambda r: (-float(r[1]), r[2], r[3]),
        )[:limit]
    return [(str(r[0]), float(r[1])) for r in ranked]
