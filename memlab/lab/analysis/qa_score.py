"""Answer text checks: containment normalization, abstention detection, LoCoMo's QA score.

`token_f1_locomo` reimplements the QA score of LoCoMo (snap-research/locomo,
`task_eval/evaluation.py`) so memlab's numbers can be set beside published LoCoMo numbers:
its normalization, nltk's Porter stemmer and its per-category rules. `memlab.lab.analysis.scorers`
re-exports every public name here.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from memlab.errors import ConfigError

__all__ = [
    "contains_any",
    "is_abstention_answer",
    "locomo_category",
    "normalize_locomo",
    "normalize_text",
    "token_f1_locomo",
]

# --- text normalization -----------------------------------------------------------------------

_APOSTROPHES = str.maketrans("", "", "'’‘`")


def normalize_text(text: str) -> str:
    """Normalize a text for containment checks.

    NFKC, lower-case, apostrophes dropped, other punctuation and symbols turned into spaces,
    whitespace collapsed: "Ana's  dog-walker!" becomes "anas dog walker".
    """
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in lowered)
    return " ".join(spaced.split())


def contains_any(haystack: str, needles: Sequence[str]) -> bool:
    """Whether any of `needles` occurs as whole words in `haystack`, both `normalize_text`ed."""
    # Word-boundary match: both sides are space-joined words, so pad with spaces.
    padded = f" {normalize_text(haystack)} "
    return any(n and f" {n} " in padded for n in map(normalize_text, needles))


_ABSTAIN = re.compile(
    r"\b(?:dont know|do not know|not mentioned|never mentioned|no mention|no information"
    r"|not enough information|no relevant information"
    r"|(?:dont|do not) have (?:that|this|any|enough) information"
    r"|cannot be determined|cant be determined"
    r"|cannot answer|cant answer|cannot tell|cant tell|not specified|not stated|unanswerable"
    r"|not answerable|not provided|not available)\b"
)


def is_abstention_answer(text: str) -> bool:
    """Whether an answer declines to answer rather than asserting something.

    An answer declines when, normalized by `normalize_text`, it contains a decline phrase
    ("I don't know", "not mentioned", "no information", "cannot be determined", "not
    specified", ...) or is just "unknown". Anything else asserts an answer.
    """
    norm = normalize_text(text)
    return norm == "unknown" or _ABSTAIN.search(norm) is not None


# --- LoCoMo's QA score ------------------------------------------------------------------------

_LOCOMO_PUNCT = frozenset(string.punctuation)
_LOCOMO_DROP = re.compile(r"\b(a|an|the|and)\b")

# LoCoMo's category ids (snap-research/locomo), and the names memlab's loaders use for them.
_LOCOMO_NAMES = {
    "multihop": 1,
    "temporal": 2,
    "opendomain": 3,
    "singlehop": 4,
    "adversarial": 5,
}


def normalize_locomo(text: str) -> str:
    """LoCoMo's `normalize_answer`, reimplemented.

    Commas dropped, lower-cased, ASCII punctuation dropped, the words a/an/the/and removed,
    whitespace collapsed: "The cat, and a Dog!" becomes "cat dog".
    """
    s = text.replace(",", "").lower()
    s = "".join(ch for ch in s if ch not in _LOCOMO_PUNCT)
    s = _LOCOMO_DROP.sub(" ", s)
    return " ".join(s.split())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    # Imported on first use: `import nltk` pulls in scipy and takes ~3.6 s on 2 cores, which
    # every `memlab` command would pay otherwise. Only the stemmer is used; no corpus is read.
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stem(word))


def _f1_stemmed(prediction: str, gold: str) -> float:
    pred = [_stem(w) for w in normalize_locomo(prediction).split()]
    ref = [_stem(w) for w in normalize_locomo(gold).split()]
    same = sum((Counter(pred) & Counter(ref)).values())
    if same == 0:
        return 0.0  # LoCoMo's rule, also when both sides normalize to nothing
    precision = same / len(pred)
    recall = same / len(ref)
    return 2 * precision * recall / (precision + recall)


def locomo_category(category: int | str | None, *, strict: bool = True) -> int | None:
    """LoCoMo's category id (1-5) for an id or a name; None for other names and None.

    Raises:
        ConfigError: with `strict`, a numeric category outside 1-5.
    """
    if category is None:
        return None
    if isinstance(category, int) or str(category).strip().isdigit():
        number = int(category)
        if not 1 <= number <= 5:
            if not strict:
                return None
            raise ConfigError(
                f"LoCoMo category {category!r} is not one of 1-5 (1 multi-hop, 2 temporal, "
                "3 open-domain, 4 single-hop, 5 adversarial); pass one of those or a name"
            )
        return number
    key = re.sub(r"[\s_-]+", "", str(category).lower())
    return _LOCOMO_NAMES.get(key)


def token_f1_locomo(prediction: str, answer: str, *, category: int | str | None) -> float:
    """LoCoMo's QA score of `prediction` against the gold `answer` (task_eval/evaluation.py).

    Token F1 over Porter-stemmed (nltk) tokens of `normalize_locomo` texts, 0 when no token is
    shared, with LoCoMo's per-category rules: multi-hop (1) splits the gold and the prediction
    on commas and averages, over gold parts, each part's best F1 against the prediction parts;
    open-domain (3) keeps the gold up to its first `;`; adversarial (5) is 1.0 when the
    prediction contains "not mentioned" or "no information available" (case-insensitive),
    else 0.0. Temporal (2), single-hop (4), other names and None use plain token F1.

    Args:
        prediction: The answer to score.
        answer: The gold answer.
        category: LoCoMo's id (1-5, int or digit string), a name (`multi-hop`, `temporal`,
            `open-domain`, `single-hop`, `adversarial`), or None.

    Raises:
        ConfigError: a numeric category outside 1-5.
    """
    number = locomo_category(category)
    if number == 5:
        lowered = prediction.lower()
        return float("no information available" in lowered or "not mentioned" in lowered)
    if number == 1:
        preds = [p.strip() for p in prediction.split(",")]
        golds = [g.strip() for g in answer.split(",")]
        return sum(max(_f1_stemmed(p, g) for p in preds) for g in golds) / len(golds)
    if number == 3:
        answer = answer.split(";")[0].strip()
    return _f1_stemmed(prediction, answer)
