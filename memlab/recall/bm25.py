"""An incremental BM25 index in numpy: rows are appended as items arrive, never rebuilt.

bm25s precomputes every (term, document) score at index time, which makes a query fast but
ties each score to the corpus size and average length at build time: one added memory means
a rebuild of the whole index. This index keeps raw term frequencies per term instead and applies
BM25 at query time over the postings of the query's terms, so adding rows costs only their own
tokens, a deleted row just drops out of the live mask, and every query scores exactly what a
fresh index over the live rows would (the Lucene variant of BM25, as bm25s's default:
idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (tf + k1 (1 - b + b dl / avgdl))).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from memlab.recall.text import tokenize

__all__ = ["Bm25Index"]

_EMPTY_I = np.zeros(0, np.int64)
_EMPTY_F = np.zeros(0, np.float64)


class Bm25Index:
    """Term postings of rows `0..n-1`; which rows are live is passed in at query time.

    Args:
        stem: Fold plurals when tokenizing (see `memlab.recall.text.tokenize`).
    """

    def __init__(self, *, stem: bool = True) -> None:
        self.stem = stem
        self.n = 0
        """Rows indexed so far."""
        self._vocab: dict[str, int] = {}
        self._docs: list[NDArray[np.int64]] = []
        self._tfs: list[NDArray[np.float64]] = []
        self._lengths = np.zeros(0, np.float64)

    def add(self, texts: Sequence[str]) -> None:
        """Index `texts` as rows `n, n+1, ...` (one vectorized pass over the batch)."""
        self.add_terms([tokenize(text, stem=self.stem) for text in texts])

    def add_terms(self, term_lists: Sequence[Sequence[str]]) -> None:
        """Index already tokenized rows as `n, n+1, ...`: `add` for terms of the caller's own.

        Args:
            term_lists: The terms of each new row, repeats kept (BM25 counts them).
        """
        if not term_lists:
            return
        term_ids: list[int] = []
        lengths = np.empty(len(term_lists), np.int64)
        vocab = self._vocab
        for i, row_terms in enumerate(term_lists):
            lengths[i] = len(row_terms)
            for term in row_terms:
                tid = vocab.get(term)
                if tid is None:
                    tid = vocab[term] = len(vocab)
                term_ids.append(tid)
        while len(self._docs) < len(vocab):
            self._docs.append(_EMPTY_I)
            self._tfs.append(_EMPTY_F)
        if term_ids:
            rows = np.repeat(np.arange(self.n, self.n + len(term_lists), dtype=np.int64), lengths)
            # One key per (term, row); unique() sorts by term then row and counts repeats.
            width = self.n + len(term_lists)
            keys, counts = np.unique(
                np.asarray(term_ids, np.int64) * width + rows, return_counts=True
            )
            terms, docs = np.divmod(keys, width)
            bounds = np.flatnonzero(np.diff(terms)) + 1
            starts = np.concatenate(([0], bounds))
            for start, end in zip(starts, [*bounds, len(terms)], strict=True):
                tid = int(terms[start])
                self._docs[tid] = np.concatenate((self._docs[tid], docs[start:end]))
                self._tfs[tid] = np.concatenate(
                    (self._tfs[tid], counts[start:end].astype(np.float64))
                )
        self._lengths = np.concatenate((self._lengths, lengths.astype(np.float64)))
        self.n += len(term_lists)

    def scores(
        self, query: str, live: NDArray[np.bool_], *, k1: float = 1.5, b: float = 0.75
    ) -> NDArray[np.float64]:
        """BM25 score of every row for `query` (0 for dead rows and rows sharing no term).

        Args:
            query: The query text, tokenized like the rows.
            live: Which rows count, length `n`; dead rows neither score nor count in the
                corpus statistics (N, df, average length).
            k1: Term-frequency saturation.
            b: Length normalization (0: none, 1: full).
        """
        return self.term_scores(tokenize(query, stem=self.stem), live, k1=k1, b=b)

    def term_scores(
        self, terms: Sequence[str], live: NDArray[np.bool_], *, k1: float = 1.5, b: float = 0.75
    ) -> NDArray[np.float64]:
        """`scores` of an already tokenized query (each distinct term counts once).

        Args:
            terms: The query's terms, as `add_terms` indexed the rows' terms.
            live: Which rows count, length `n`.
            k1: Term-frequency saturation.
            b: Length normalization (0: none, 1: full).
        """
        out = np.zeros(self.n, np.float64)
        n_live = int(np.count_nonzero(live))
        if n_live == 0:
            return out
        avg_len = float(self._lengths[live].sum()) / n_live or 1.0
        for term in dict.fromkeys(terms):
            tid = self._vocab.get(term)
            if tid is None:
                continue
            docs = self._docs[tid]
            keep = live[docs]
            docs = docs[keep]
            if docs.size == 0:
                continue
            tf = self._tfs[tid][keep]
            idf = np.log(1.0 + (n_live - docs.size + 0.5) / (docs.size + 0.5))
            norm = k1 * (1.0 - b + b * self._lengths[docs] / avg_len)
            out[docs] += idf * tf / (tf + norm)
        return out

    def group_scores(
        self,
        query: str,
        live: NDArray[np.bool_],
        groups: NDArray[np.int64],
        n_groups: int,
        *,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> NDArray[np.float64]:
        """BM25 of each group of rows (a session) as one document made of its live rows.

        Computed from the row postings (term frequencies and lengths summed per group), so
        it equals BM25 over the concatenated texts and needs no second index.

        Args:
            query: The query text.
            live: Which rows count, length `n`.
            groups: The group of each row, length `n` (-1: in no group).
            n_groups: Number of groups (codes are `0..n_groups-1`).
            k1: Term-frequency saturation.
            b: Length normalization.
        """
        out = np.zeros(n_groups, np.float64)
        member = live[: self.n] & (groups[: self.n] >= 0)
        lengths = np.bincount(
            groups[: self.n][member], weights=self._lengths[member], minlength=n_groups
        )
        n_live = int(np.count_nonzero(lengths))
        if n_live == 0:
            return out
        avg_len = float(lengths.sum()) / n_live or 1.0
        for term in dict.fromkeys(tokenize(query, stem=self.stem)):
            tid = self._vocab.get(term)
            if tid is None:
                continue
            docs = self._docs[tid]
            keep = member[docs]
            if not keep.any():
                continue
            tf = np.bincount(groups[docs[keep]], weights=self._tfs[tid][keep], minlength=n_groups)
            df = int(np.count_nonzero(tf))
            idf = np.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
            out += idf * tf / (tf + k1 * (1.0 - b + b * lengths / avg_len))
        return out

    def extend(
        self, db: object, texts: Sequence[str], hashes: Sequence[str], live: NDArray[np.bool_]
    ) -> None:
        """Index the next rows of a corpus mirror (dead rows too: the live mask hides them)."""
        self.add(texts)

    def compact(self, keep: NDArray[np.int64]) -> None:
        """Keep rows `keep` that this index holds, renumbered `0..`; the vocabulary stays."""
        mine = keep[keep < self.n]
        remap = np.full(self.n, -1, np.int64)
        remap[mine] = np.arange(len(mine), dtype=np.int64)
        for tid, docs in enumerate(self._docs):
            new = remap[docs]
            kept = new >= 0
            self._docs[tid] = new[kept]
            self._tfs[tid] = self._tfs[tid][kept]
        self._lengths = self._lengths[mine]
        self.n = len(mine)
