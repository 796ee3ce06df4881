"""The rule engine behind `memlab/offline`: an honest, deterministic baseline, not an LLM.

It reads facts from what a user says (`extract_facts`), turns them into memory operations
against the stored memories (`decide_ops`), writes extractive summaries (`summarize`), answers
questions from context (`answer`), scores answers (`token_f1`, `judge`) and picks memories
for a query (`choose_ids`). Everything is pure Python: no I/O, no model, same input, same
output. The litellm provider in `memlab.llm.offline.model` wraps these functions.

This module is the public surface. The rules live by concern in `memlab.llm.offline`: `vocab`
(word lists), `clauses` (sentences, clauses, the subject "User"), `values`, `slots`, `plans`
and `table` (the slot rules), `sentences` and `fallback` (statements no rule reads), `dates`
and `date_words` (relative dates), `extract` (facts from messages), `decide` (memory
operations), `summary` (summaries), `answer` (answers and scores) and `text` (words and
sentences).
"""

from __future__ import annotations

from memlab.llm.offline.answer import NO_ANSWER, answer, choose_ids, judge, token_f1
from memlab.llm.offline.decide import decide_ops, fact_from_text
from memlab.llm.offline.extract import Fact, attribute_of, extract_facts
from memlab.llm.offline.summary import summarize
from memlab.llm.offline.text import (
    STOPWORDS,
    normalize_answer,
    split_sentences,
    stem_word,
    tokenize_words,
)

__all__ = [
    "NO_ANSWER",
    "STOPWORDS",
    "Fact",
    "answer",
    "attribute_of",
    "choose_ids",
    "decide_ops",
    "extract_facts",
    "fact_from_text",
    "judge",
    "normalize_answer",
    "split_sentences",
    "stem_word",
    "summarize",
    "token_f1",
    "tokenize_words",
]
