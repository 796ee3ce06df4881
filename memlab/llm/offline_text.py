"""Word-level rules of the offline model: tokens, stems, sentences, dates, answers and scores.

The offline model (`memlab/offline`) is a deterministic rule-based baseline, not an LLM. This
module holds the text primitives every offline task shares, and the tasks that need nothing
more: answering from context, token F1, judging an answer and choosing memory ids. Public
names are re-exported by `memlab.llm.offline_rules`; import them from there.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = [
    "DATE_RE",
    "FUTURE_RE",
    "NO_ANSWER",
    "NUMBER_WORDS",
    "STOPWORDS",
    "answer",
    "choose_ids",
    "content_stems",
    "judge",
    "normalize_answer",
    "split_sentences",
    "stem_word",
    "token_f1",
    "tokenize_words",
    "word_set",
]


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words`: how the rules write their word lists."""
    return frozenset(words.split())


NO_ANSWER = "I don't know."
"""What `answer` says when no sentence of the context shares a content word with the question."""

STOPWORDS: frozenset[str] = word_set(
    """
    a about above after again against all am an and any are as at be been before being below
    between both but by can cannot could did do does doing down during each either few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other ought
    our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up upon us very was
    we were what when where which while who whom whose why will with would you your yours
    yourself yourselves i'm i've i'll i'd you're you've it's that's there's don't doesn't didn't
    isn't aren't wasn't weren't can't won't also really oh ok okay yeah yes hey hi hello well
    just got get gets much many lot lots thing things something anything quite user users user's
    """
)
"""Function words and chat filler the offline rules ignore when they compare texts."""

NUMBER_WORDS: frozenset[str] = word_set(
    """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million dozen couple
    """
)
"""Number words `answer` treats like digits for "how many" questions."""

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_COUNT = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|few|several)"
)
_UNIT = r"(?:days?|weeks?|months?|years?|hours?)"
_SEASON = r"(?:summer|winter|spring|autumn|fall)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_CALENDAR = (
    rf"(?:on\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+\d{{4}})?"
    rf"|(?:on\s+)?{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}})?"
    rf"|in\s+{_MONTH}(?:\s+\d{{4}})?|in\s+(?:19|20)\d{{2}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|(?:on\s+)?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?"
)
DATE_RE = re.compile(
    rf"\b(?:(?:last|this|past|previous|next)\s+(?:week(?:end)?|month|year|night|{_SEASON}"
    rf"|{_WEEKDAY}|{_MONTH})"
    r"|yesterday(?:\s+(?:morning|afternoon|evening))?|today|tonight|tomorrow"
    r"|(?:this|earlier\s+this)\s+(?:morning|afternoon|evening)|earlier\s+today|the\s+other\s+day"
    rf"|{_COUNT}\s+{_UNIT}\s+ago|{_CALENDAR})\b",
    re.I,
)
"""A date or time expression: absolute ("12 May 2023", "in 2019") or relative ("last Tuesday")."""

FUTURE_RE = re.compile(
    rf"\b(?:next\s+(?:week(?:end)?|month|year|{_SEASON}|{_WEEKDAY}|{_MONTH})"
    r"|tomorrow|tonight|soon|later\s+(?:today|this\s+\w+)|someday|one\s+day"
    rf"|this\s+(?:weekend|{_SEASON}|evening|afternoon)"
    rf"|in\s+{_COUNT}\s+{_UNIT}|{_CALENDAR})\b",
    re.I,
)
"""A time expression that can place a plan in the future ("next month", "on Friday")."""

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e inc ltd co mt ave approx a.m p.m no fig"
)
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(?:\s+|$)|\s*\n+\s*")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")
_CAPITALIZED = re.compile(r"\b[^\W\d_][\w'’&-]*(?:\s+[^\W\d_][\w'’&-]*)*")
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


def tokenize_words(text: str) -> list[str]:
    """Lowercased words of `text` (any script), apostrophes kept inside words ("don't").

    Args:
        text: Any text.

    Returns:
        The words in order; punctuation and whitespace are dropped.
    """
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def _is_consonant(word: str, i: int) -> bool:
    if word[i] in "aeiou":
        return False
    if word[i] == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(word: str) -> int:
    # Porter's m: the number of vowel-consonant runs.
    pattern = "".join("c" if _is_consonant(word, i) else "v" for i in range(len(word)))
    return pattern.lstrip("c").rstrip("v").count("vc") if pattern else 0


def _has_vowel(word: str) -> bool:
    return any(not _is_consonant(word, i) for i in range(len(word)))


def _ends_cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _is_consonant(word, len(word) - 3)
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("alli", "al"),
    ("entli", "ent"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)


def stem_word(word: str) -> str:
    """A small Porter-style stem: plural, -ed/-ing, -y and common derivational suffixes.

    It follows steps 1 to 3 of Porter (1980) closely enough that "lives", "living" and "live"
    share a stem, but it is not NLTK's stemmer; token F1 computed with it is close to, not
    identical with, LoCoMo's. Words with characters outside a-z are returned unchanged.

    Args:
        word: One lowercased word.

    Returns:
        The stem.
    """
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 2 or not w.isascii() or not w.isalpha():
        return w
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    else:
        for suffix in ("ed", "ing"):
            if w.endswith(suffix) and _has_vowel(w[: -len(suffix)]):
                w = w[: -len(suffix)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif len(w) >= 2 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in "aeiou":
                    w = w[:-1]
                elif _measure(w) == 1 and _ends_cvc(w):
                    w += "e"
                break
    if w.endswith("y") and len(w) > 2 and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    for suffix, replacement in _STEP2:
        if w.endswith(suffix) and _measure(w[: -len(suffix)]) > 0:
            w = w[: -len(suffix)] + replacement
            break
    return w


def content_stems(text: str) -> list[str]:
    """Stems of the words of `text` that are not stopwords, in order (duplicates kept)."""
    return [stem_word(w) for w in tokenize_words(text) if w not in STOPWORDS]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at . ! ? … and line breaks, sparing "Dr." and "J. Smith".

    Args:
        text: Any text.

    Returns:
        Non-empty stripped sentences with their end punctuation, in order.
    """
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) == ".":
            before = text[start : match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        end = match.start() + len(match.group(1) or "") + len(match.group(2) or "")
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


_PUNCTUATION_SYMBOLS = frozenset("$+<=>^`|~")


def normalize_answer(text: str) -> str:
    """SQuAD/LoCoMo answer normalization: lowercase, no punctuation or articles, single spaces.

    Punctuation (any Unicode punctuation) is deleted, not replaced, as in the SQuAD script, so
    "don't" becomes "dont". The words a, an, the and "and" are dropped as LoCoMo does.

    Args:
        text: An answer.

    Returns:
        The normalized text.
    """
    lowered = text.lower()
    kept = "".join(
        ch
        for ch in lowered
        if not unicodedata.category(ch).startswith("P") and ch not in _PUNCTUATION_SYMBOLS
    )
    return " ".join(w for w in kept.split() if w not in {"a", "an", "the", "and"})


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
    sentences = [_strip_role(s) for text in context for s in split_sentences(text)]
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
