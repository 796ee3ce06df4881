"""Answering, judging and choosing memories without a model: the offline model's QA tasks.

`answer` picks the context sentence (or a span of it) that best matches a question, `judge`
and `token_f1` score an answer against the gold one, `choose_ids` picks memories for a query.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from memlab.llm.offline.text import (
    DATE_RE,
    content_stems,
    normalize_answer,
    split_sentences,
    stem_word,
    tokenize_words,
    word_set,
)

__all__ = ["NO_ANSWER", "NUMBER_WORDS", "answer", "choose_ids", "judge", "token_f1"]

NO_ANSWER = "I don't know."
"""What `answer` says when no sentence of the context shares a content word with the question."""
NUMBER_WORDS: frozenset[str] = word_set(
    """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million dozen couple
    """
)
"""Number words `answer` treats like digits for "how many" questions."""

_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")
_QUESTION_FILLER = word_set(
    "user user's users assistant remember recall tell say said mention mentioned know"
)
# Words a question and a context sentence may use for the same slot ("where does X live" vs
# "X moved to Lisbon"); an expansion counts half as much as the word itself.
_RELATED: dict[str, tuple[str, ...]] = {
    "live": ("move", "reloc", "resid", "base", "home", "citi", "from"),
    "work": ("job", "employ", "hire", "compani", "career", "profess"),
    "job": ("work", "employ", "profess", "career"),
    "old": ("ag", "year", "born", "turn"),
    "ag": ("old", "year", "turn"),
    "pet": ("dog", "cat", "puppi", "kitten", "hamster", "rabbit", "parrot", "fish"),
    "marri": ("wife", "husband", "partner", "spous", "engag"),
    "partner": ("wife", "husband", "boyfriend", "girlfriend", "marri", "spous"),
    "kid": ("child", "children", "son", "daughter"),
    "children": ("kid", "son", "daughter"),
    "name": ("call", "name"),
    "like": ("love", "enjoi", "fan", "favorit", "favourit"),
    "favorit": ("love", "like", "favourit"),
    "plan": ("go", "will", "next", "visit", "trip"),
}


def token_f1(prediction: str, gold: str, *, stem: bool = False) -> float:
    """SQuAD-style token F1 between normalized texts: 2·overlap / (|prediction| + |gold|).

    Args:
        prediction: The answer to score.
        gold: The reference answer.
        stem: Apply `stem_word` to every token first (LoCoMo's variant, approximately).

    Returns:
        F1 in [0, 1]; 1.0 when both normalize to nothing, 0.0 when only one does.
    """
    pred = normalize_answer(prediction).split()
    ref = normalize_answer(gold).split()
    if stem:
        pred = [stem_word(t) for t in pred]
        ref = [stem_word(t) for t in ref]
    if not pred or not ref:
        return float(pred == ref)
    overlap = sum((Counter(pred) & Counter(ref)).values())
    return 2 * overlap / (len(pred) + len(ref))


_ABSTAIN = re.compile(
    r"\b(?:dont know|do not know|not mentioned|no information|not enough information"
    r"|cannot be determined|unknown|not answerable|no answer|not specified)\b"
)


def judge(
    question: str, gold: str, prediction: str, *, threshold: float = 0.5
) -> tuple[bool, float]:
    """Judge an answer against the gold one without a model.

    Correct when the normalized texts are equal, when the normalized gold appears as whole
    words inside the normalized prediction, when both abstain ("I don't know." against a gold
    "Not mentioned in the conversation"), or when stemmed token F1 reaches `threshold`.

    Args:
        question: The question (unused by the rules; kept so the signature matches a model judge).
        gold: The reference answer.
        prediction: The answer to judge.
        threshold: Minimum stemmed token F1 that counts as correct.

    Returns:
        (correct, score): score is 1.0 for a match or containment, else the stemmed token F1.
    """
    del question  # the lexical judge looks only at the two answers
    ref = normalize_answer(gold)
    pred = normalize_answer(prediction)
    if ref and (ref == pred or f" {ref} " in f" {pred} "):
        return True, 1.0
    if ref and _ABSTAIN.search(ref) and _ABSTAIN.search(pred):
        return True, 1.0
    score = token_f1(prediction, gold, stem=True)
    return score >= threshold, score


def choose_ids(query: str, candidates: Sequence[tuple[str, str]], *, limit: int) -> list[str]:
    """Ids of the candidates that share the most content stems with the query, best first.

    Args:
        query: What to look for.
        candidates: (id, text) pairs, e.g. stored memories.
        limit: At most this many ids are returned.

    Returns:
        Ids with at least one shared stem, by descending overlap, ties in input order, each
        id once.
    """
    wanted = set(content_stems(query))
    if limit <= 0 or not wanted:
        return []
    scored: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for index, (item_id, text) in enumerate(candidates):
        overlap = len(wanted & set(content_stems(text)))
        if overlap and item_id not in seen:
            seen.add(item_id)
            scored.append((-overlap, index, item_id))
    return [item_id for _, _, item_id in sorted(scored)[:limit]]


def _question_type(question: str) -> str | None:
    q = question.lower()
    if re.search(r"\b(?:how\s+(?:many|much|old|long|often)|what\s+(?:number|age))\b", q):
        return "number"
    if re.search(r"\b(?:when|what\s+(?:date|day|year|month|time)|which\s+(?:day|year|month))\b", q):
        return "date"
    if re.search(r"\b(?:where|which\s+(?:city|country|town|place)|what\s+(?:city|country))\b", q):
        return "place"
    if re.search(r"\b(?:who|whom|whose)\b|\bname\b", q):
        return "person"
    return None


def _strip_role(sentence: str) -> str:
    return re.sub(r"^(?:user|assistant)\s*:\s*", "", sentence, flags=re.I)


def _places(sentence: str, question_words: set[str]) -> list[str]:
    # "moved to Lisbon for a job at Siemens": where someone lives follows in/to/from, where
    # they work follows at/for, so the question's words pick the preposition.
    work = bool(question_words & {"work", "works", "job", "employer", "company", "employed"})
    preferred: list[str] = []
    found: list[str] = []
    for match in re.finditer(
        r"\b(in|to|from|at|for|near)\s+"
        r"((?:the\s+)?[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,3})",
        sentence,
    ):
        words = match.group(2).split()
        run: list[str] = []
        for i, word in enumerate(words):
            if word[0].isupper() or (i == 0 and word.lower() == "the" and len(words) > 1):
                run.append(word)
            else:
                break
        if run and run[-1].lower() != "the":
            found.append(" ".join(run))
            if (match.group(1) in {"at", "for"}) == work:
                preferred.append(" ".join(run))
    return preferred or found


def _names(sentence: str) -> list[str]:
    found: list[str] = []
    run: list[str] = []
    words = re.findall(r"[^\W\d_][\w'’&-]*|\S", sentence)
    for index, word in enumerate([*words, "."]):
        # The first word of a sentence is capitalized anyway, so it does not count as a name.
        if index > 0 and word[:1].isupper() and word.lower() not in {"user", "i", "assistant"}:
            run.append(re.sub(r"['’]s$", "", word))
            continue
        if run:
            found.append(" ".join(run))
            run = []
    return found


def _candidates(sentence: str, kind: str, question_words: set[str]) -> list[str]:
    if kind == "date":
        return [m.group(0) for m in DATE_RE.finditer(sentence)]
    if kind == "number":
        words = re.findall(r"[\w.,]+", sentence)
        return [w.strip(".,") for w in words if _NUMBER.fullmatch(w.strip(".,"))] + [
            w for w in (x.lower() for x in words) if w in NUMBER_WORDS
        ]
    if kind == "place":
        return _places(sentence, question_words)
    return _names(sentence)


def _span(sentence: str, kind: str | None, question_words: set[str]) -> str | None:
    # A span only when the sentence offers exactly one candidate the question did not name;
    # otherwise the whole sentence is the safer answer.
    if kind is None:
        return None
    spans = []
    for span in _candidates(sentence, kind, question_words):
        if span and not set(tokenize_words(span)) & question_words and span not in spans:
            spans.append(span)
    return spans[0] if len(spans) == 1 else None


def _idf(documents: Iterable[set[str]]) -> dict[str, float]:
    docs = list(documents)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc)
    return {t: math.log((len(docs) + 1) / (n + 0.5)) for t, n in df.items()}


def answer(question: str, context: Sequence[str]) -> str:
    """Answer a question from context by picking the best-matching sentence or a span of it.

    Sentences are scored by the idf-weighted content stems they share with the question (plus
    half weight for a few related words: "live" matches "moved"), and get a bonus when they
    hold what the question word asks for: a place for "where", a date for "when", a number for
    "how many", a name for "who". For those questions a single matching span is returned
    instead of the sentence.

    Args:
        question: The question.
        context: Texts to answer from (memories, summaries, turns); each may hold sentences.

    Returns:
        A sentence, a short span, or `NO_ANSWER` when no sentence shares a content word.
    """
    wanted = {s for s in content_stems(question) if s not in _QUESTION_FILLER}
    if not wanted:
        return NO_ANSWER
    related = {r for s in wanted for r in _RELATED.get(s, ())} - wanted
    # Each text is read up to 20,000 characters (the rules' `MAX_READ_CHARS`), so a huge
    # context item costs a fraction of a second.
    sentences = [_strip_role(s) for text in context for s in split_sentences(text[:20_000])]
    stems = [set(content_stems(s)) for s in sentences]
    idf = _idf(stems)
    kind = _question_type(question)
    question_words = set(tokenize_words(question))
    best: tuple[float, int] | None = None
    for index, sentence_stems in enumerate(stems):
        overlap = sum(idf[t] for t in wanted & sentence_stems)
        overlap += 0.5 * sum(idf[t] for t in related & sentence_stems)
        if overlap <= 0:
            continue
        if kind and _candidates(sentences[index], kind, question_words):
            overlap += 1.0
        if best is None or overlap > best[0]:
            best = (overlap, index)
    if best is None:
        return NO_ANSWER
    sentence = sentences[best[1]]
    return _span(sentence, kind, question_words) or sentence
