"""Words for keyword recall: lower-cased word tokens, English stopwords out, plurals folded.

Every keyword index and query of memlab.recall goes through `tokenize`, so indexing and
querying can never disagree. The stopword list is the Lucene English list plus pronouns,
auxiliaries and question words: memory questions ("where does my sister live?") are mostly
such words, and the user's own "I"/"my" are in nearly every memory. Stemming is Harman's
S-stemmer (1991), which folds plurals and third-person verbs ("lives" → "live") and nothing
more, so it rarely conflates unrelated words.
"""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "s_stem", "tokenize"]

_WORD = re.compile(r"[^\W_]+")

# Lucene's English list (bm25s "en"), then pronouns, auxiliaries, question words, fillers.
_STOPWORDS_TEXT = """
a an and are as at be but by for if in into is it no not of on or such that the their then there
these they this to was will with
i me my mine myself we us our ours you your yours he him his she her hers its them theirs
am were been being do does did doing have has had having can could would should shall may might
must what which who whom whose when where why how
those some any all each about from up down out off over under again than too very just also so
s t don doesn didn ll ve re d m
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_TEXT.split())


def s_stem(word: str) -> str:
    """Harman's S-stemmer: "ies" → "y", "es" → "e", drop a final "s" (with its exceptions)."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith(("us", "ss")):
        return word
    return word[:-1]


def tokenize(text: str, *, stem: bool = True) -> list[str]:
    """The index terms of `text`, in order (repeats kept: BM25 counts them)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return [s_stem(w) for w in words] if stem else words
