"""The offline model on the extraction corpus written apart from its rules (issue 9).

The corpus is evidence, not a fixture to tune on: this test only pins the figures reached
when the rules were last improved, so a change that loses facts, stores chit-chat or leaves
stale facts current shows up. `benchmarks/offline_extraction.py` prints the same figures
through the whole pipeline, with the misses.
"""

from __future__ import annotations

from pathlib import Path

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.llm.offline.eval import load_corpus, rules_memories, score_corpus
from memlab.schema import Message

CORPUS = Path(__file__).parent / "data" / "extraction_corpus.json"


def test_the_corpus_is_what_issue_9_asks_for() -> None:
    cases = load_corpus(CORPUS)
    messages = [m for c in cases for m in c.messages]
    assert len(messages) >= 200
    assert sum(len(c.facts) for c in cases) >= 200
    assert sum(c.none for c in cases) >= 30
    assert sum(len(c.stale) for c in cases) >= 30
    assert any(c.together for c in cases)


def test_corpus_figures_stay_at_least_where_they_are() -> None:
    score = score_corpus(load_corpus(CORPUS), rules_memories)
    # Reached on 2026-11-30: recall 256/260, precision 56/56, stale left current 1/32.
    assert (score.facts, score.checks, score.stale) == (260, 56, 32)
    assert score.facts_found >= 256, score.misses
    assert score.checks_passed >= 56, score.misses
    assert score.stale_current <= 1, score.misses


def test_the_message_time_reaches_the_offline_model_through_the_prompt(tmp_path: Path) -> None:
    # The extraction prompt dates each turn; the provider resolves "yesterday" against it.
    case = next(c for c in load_corpus(CORPUS) if c.id == "finished-10k")
    ((at, text),) = case.messages
    db = DuckDbMemoryDb(tmp_path / "m.duckdb")
    memory = Memory(db, model="memlab/offline")
    memory.create_user_memories(messages=[Message(role="user", content=text, created_at=at)])
    assert [m.memory for m in memory.get_user_memories()] == [
        "User finished their first 10k in 47:30 on 7 May 2023."
    ]
    db.close()
