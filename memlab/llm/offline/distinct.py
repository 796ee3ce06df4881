"""Near-duplicate sentences, dropped in near-linear time (the offline summaries' check).

A summary must not say the same thing twice, and a 100k-message session must still be
summarized in seconds: comparing every pair of sentences is quadratic. `distinct_indices`
keeps the same sentences as comparing each one with the `RECENT` latest kept sentences that
share a rare stem with it, and finds those few candidates through an index.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import combinations

__all__ = ["RECENT", "SAME", "distinct_indices"]

SAME = 0.8
"""Jaccard similarity of content stems from which two sentences say the same thing (the
integer tests below are this ratio)."""

RECENT = 48
"""How many earlier kept sentences that share a prefix stem a sentence is compared with."""


def distinct_indices(items: Sequence[tuple[str, Sequence[str]]]) -> list[int]:
    """The positions of the items kept, in order, without those like an earlier kept one.

    An item is dropped when its text equals a kept one's, or its stems have a Jaccard
    similarity of at least `SAME` with those of a kept one that shares a prefix stem with it
    and is among the `RECENT` latest kept items with that prefix stem. Prefix stems: with
    stems in one global order (rarest in `items` first, ties by the stem), the first
    `n - floor(SAME * n) + 1` of a set of `n`; two sets that similar always share one
    (prefix filtering), so below `RECENT` items per stem, every conversation of the bundled
    datasets among them, this is exactly the check of every pair.

    Args:
        items: (normalized text, content stems) per sentence, in order.

    Returns:
        The indices of the kept items, ascending.
    """
    seen_text: set[str] = set()
    frequency = Counter(stem for _, stems in items for stem in set(stems))
    rank = {stem: i for i, stem in enumerate(sorted(frequency, key=lambda s: (frequency[s], s)))}
    index = _RecentIndex()
    kept: list[int] = []
    for position, (text, item_stems) in enumerate(items):
        if text in seen_text:
            continue
        stems = frozenset(item_stems)
        size = len(stems)
        ordered = sorted(stems, key=rank.__getitem__)
        prefix = ordered[: size - math.floor(SAME * size) + 1]
        keys = _keys(ordered)
        if size and index.has_like(stems, ordered, prefix, keys):
            continue
        seen_text.add(text)
        index.add(stems, ordered, prefix, keys)
        kept.append(position)
    return kept


class _RecentIndex:
    """Kept stem sets, found again by the triples of rare stems they start with.

    `distinct_indices` compares a sentence with the `RECENT` latest kept sets per prefix stem.
    Reading all of those is slow when stems are common (~60 sets per sentence in a long
    chat), so candidates are found by three stems instead: two sets with an overlap of at
    least `a` have their first three common stems (in the global order) within the first
    `n - a + 3` stems of each, so a set that passes shares a triple of those with the
    sentence. (Pairs, as before, let lists of candidates grow with the conversation: a long
    session shares many pairs of common stems, far fewer triples.) Each candidate is then
    checked exactly as `distinct_indices` defines it: still among the `RECENT` latest of a
    prefix stem they share, sizes within the ratio, Jaccard at least `SAME`. A set of two
    stems matches only sets of two (the ratio), and is found by the pair; one of one stem
    matches only the same one stem.
    """

    def __init__(self) -> None:
        self._added: dict[str, int] = {}
        self._single: dict[str, int] = {}
        self._by_key: dict[tuple[str, ...], list[tuple[frozenset[str], int, dict[str, int]]]] = {}

    def add(
        self,
        stems: frozenset[str],
        ordered: Sequence[str],
        prefix: Sequence[str],
        keys: Sequence[tuple[str, ...]],
    ) -> None:
        """Keep a set, given its stems in the global order, their prefix and `_keys`."""
        added = self._added
        seqs = {stem: added.get(stem, 0) for stem in prefix}
        for stem, seq in seqs.items():
            added[stem] = seq + 1
        if len(stems) == 1:
            self._single[ordered[0]] = seqs[ordered[0]]
            return
        entry = (stems, len(stems), seqs)
        by_key = self._by_key
        for key in keys:
            found = by_key.get(key)
            if found is None:
                by_key[key] = [entry]
            else:
                found.append(entry)

    def has_like(
        self,
        stems: frozenset[str],
        ordered: Sequence[str],
        prefix: Sequence[str],
        keys: Sequence[tuple[str, ...]],
    ) -> bool:
        """Whether a kept set like `stems` is among the `RECENT` latest of a prefix stem."""
        added = self._added
        size = len(stems)
        if size == 1:
            single = self._single.get(ordered[0])
            return single is not None and single >= added[ordered[0]] - RECENT
        # Jaccard >= 0.8 in integers, 9 * overlap >= 4 * (size + other size); sizes further
        # apart than the 0.8 ratio fail it whatever the overlap.
        low, high = -(-4 * size // 5), 5 * size // 4
        by_key = self._by_key
        for key in keys:
            for other, other_size, seqs in by_key.get(key, ()):
                if (
                    low <= other_size <= high
                    and 9 * len(stems & other) >= 4 * (size + other_size)
                    and any(stem in seqs and seqs[stem] >= added[stem] - RECENT for stem in prefix)
                ):
                    return True
        return False


def _keys(ordered: Sequence[str]) -> list[tuple[str, ...]]:
    # The fewest stems two sets as similar as `SAME` share is smallest against the
    # smallest size that can pass, ceil(0.8 n); their first k common stems lie within the
    # first n - that + k of each. Sets of two stems (k = 2) meet only sets of two.
    n = len(ordered)
    k = 3 if n >= 3 else 2
    least = n + -(-4 * n // 5)
    head = ordered[: min(n, n - -(-4 * least // 9) + k)]
    return list(combinations(head, k))
