"""The offline summarizer: near-duplicates dropped at the threshold, long sessions linear."""

from __future__ import annotations

import random

import pytest

from memlab.llm.offline.summary import summarize


def test_a_near_duplicate_is_dropped_and_a_distinct_sentence_kept() -> None:
    turns = [
        ("user", "I adopted a grey kitten called Miso from the shelter in Porto."),
        # 9 of 10 stems shared with the first (Jaccard 0.8 + ...): the same thing said again
        ("user", "I adopted a grey kitten called Miso from the shelter in Porto today."),
        # 6 of 8 stems shared with nothing above it that similar: a different statement
        ("user", "I adopted a black puppy called Miso from the shelter in Braga."),
    ]
    summary, _ = summarize(turns, max_sentences=6)
    assert summary.count("Porto") == 1
    assert "Braga" in summary


def test_exact_repeats_count_once() -> None:
    turns = [("user", "My sister Ana lives in Lisbon.")] * 50
    summary, topics = summarize(turns, max_sentences=6)
    assert summary == "User: My sister Ana lives in Lisbon."
    assert "Ana" in topics


@pytest.mark.slow
@pytest.mark.timeout(120)  # a hang guard only; the time itself is benchmarks/offline_summary.py
def test_a_long_session_of_mostly_distinct_turns_finishes() -> None:
    rng = random.Random(7)
    words = [f"w{n}x" for n in range(3000)]
    turns = [
        ("user", f"I keep thinking about the {' '.join(rng.choices(words, k=8))} at home.")
        for _ in range(20_000)
    ]
    summary, _ = summarize(turns, max_sentences=6)
    assert 0 < summary.count("User:") <= 6
