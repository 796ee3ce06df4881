"""The summaries' near-duplicate check: indexed, and the same as its plain definition."""

from __future__ import annotations

import math
import random
from collections import Counter, deque
from collections.abc import Sequence
from datetime import datetime

from memlab.llm.offline.dates import resolve_dates
from memlab.llm.offline.distinct import RECENT, SAME, distinct_indices


def _plain(items: Sequence[tuple[str, Sequence[str]]]) -> list[int]:
    # The definition, read straight: each item against the RECENT latest kept items per
    # prefix stem, every one of them compared.
    frequency = Counter(stem for _, stems in items for stem in set(stems))
    recent: dict[str, deque[frozenset[str]]] = {}
    seen: set[str] = set()
    kept: list[int] = []
    for position, (text, item_stems) in enumerate(items):
        if text in seen:
            continue
        stems = frozenset(item_stems)
        ordered = sorted(stems, key=lambda s: (frequency[s], s))
        prefix = ordered[: len(stems) - math.floor(SAME * len(stems)) + 1]
        if stems and any(
            len(stems & other) / len(stems | other) >= SAME
            for stem in prefix
            for other in recent.get(stem, ())
        ):
            continue
        seen.add(text)
        for stem in prefix:
            recent.setdefault(stem, deque(maxlen=RECENT)).append(stems)
        kept.append(position)
    return kept


def _items(seed: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(rng.choice([4, 12, 40, 300]))]
    items: list[tuple[str, list[str]]] = []
    for _ in range(rng.choice([30, 300, 1500])):
        if items and rng.random() < 0.5:  # a near-duplicate of an earlier item
            stems = list(rng.choice(items)[1])
            for _ in range(rng.randint(0, 2)):
                if stems and rng.random() < 0.5:
                    stems.pop(rng.randrange(len(stems)))
                else:
                    stems.append(rng.choice(vocabulary))
        else:
            stems = rng.choices(vocabulary, k=rng.randint(0, 16))
        text = " ".join(stems) + (f" {rng.randint(0, 3)}" if rng.random() < 0.5 else "")
        items.append((text, stems))
    return items


def test_distinct_keeps_what_the_plain_definition_keeps() -> None:
    # Small vocabularies fill the RECENT window of every stem, large ones leave sets far
    # apart; near-duplicates at every distance are in between.
    dropped = 0
    for seed in range(60):
        items = _items(seed)
        kept = distinct_indices(items)
        assert kept == _plain(items), seed
        dropped += len(items) - len(kept)
    assert dropped > 1000  # the check had near-duplicates to find


def test_distinct_window_forgets_old_sentences() -> None:
    repeated = ("the cello lesson in porto", ["cello", "lesson", "porto"])
    others = [(f"filler {i}", ["cello", f"x{i}", f"y{i}"]) for i in range(RECENT + 5)]
    # Shared only through "cello" after "cello" became the commonest stem: seen again too
    # late, the sentence is no longer compared and is kept twice.
    items = [repeated, *others, ("cello lesson porto again", ["cello", "lesson", "porto"])]
    assert distinct_indices(items) == _plain(items)
    near = [repeated, ("cello lesson porto!", ["cello", "lesson", "porto"])]
    assert distinct_indices(near) == [0]


def test_resolve_dates_quick_path_changes_nothing() -> None:
    # Texts with and without date words, in ASCII and not: the quick refusal (a word list
    # for ASCII text, where re.I and str.lower agree) must never skip a date.
    now = datetime(2023, 5, 8, 12)
    texts = [
        "I ran 10k yesterday",
        "we may go to the market",
        "see you on Friday",
        "two weeks ago I quit",
        "in 3 days",
        "nothing here at all",
        "café with Zoë yesterday",
        "the day after tomorrow",
        "Tonight!",
        "I had a chat with Mar and May",
    ]
    expected = {
        "I ran 10k yesterday": "I ran 10k on 7 May 2023",
        "in 3 days": "On 11 May 2023",
        "two weeks ago I quit": "Around 24 April 2023 I quit",
        "nothing here at all": "nothing here at all",
        "café with Zoë yesterday": "café with Zoë on 7 May 2023",
    }
    for text in texts:
        out = resolve_dates(text, now)
        assert out == expected.get(text, out)
        assert (out == text) == (
            text
            in {"we may go to the market", "nothing here at all", "I had a chat with Mar and May"}
        )
