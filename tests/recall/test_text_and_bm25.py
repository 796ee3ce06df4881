import bm25s
import numpy as np
import pytest

from memlab.recall.bm25 import Bm25Index
from memlab.recall.text import s_stem, tokenize

CORPUS = [
    "Ana lives in Porto with her two cats",
    "My sister lives in Berlin",
    "I work as a nurse in Porto",
    "cats and dogs and cats again",
    "The weather in Oslo is cold",
    "I moved to Lisbon last spring",
]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        pytest.param("lives", "live", id="es-to-e"),
        pytest.param("cities", "city", id="ies-to-y"),
        pytest.param("cats", "cat", id="drop-s"),
        pytest.param("class", "class", id="keep-ss"),
        pytest.param("virus", "virus", id="keep-us"),
        pytest.param("goes", "goe", id="oes-falls-through"),
        pytest.param("is", "is", id="short"),
    ],
)
def test_s_stemmer(word: str, stem: str) -> None:
    assert s_stem(word) == stem


def test_tokenize_drops_stopwords_and_punctuation() -> None:
    assert tokenize("Where does my sister live? She's in Berlin!") == ["sister", "live", "berlin"]
    assert tokenize("Cats, cats.", stem=False) == ["cats", "cats"]


@pytest.mark.parametrize(
    ("k1", "b"), [pytest.param(1.5, 0.75, id="default"), pytest.param(1.2, 0.3)]
)
def test_scores_equal_bm25s_lucene(k1: float, b: float) -> None:
    index = Bm25Index()
    index.add(CORPUS)
    reference = bm25s.BM25(method="lucene", k1=k1, b=b)
    reference.index([tokenize(t) for t in CORPUS], show_progress=False)
    for query in ["cats in Porto", "where does my sister live", "Oslo weather", "unknown words"]:
        ours = index.scores(query, np.ones(len(CORPUS), bool), k1=k1, b=b)
        theirs = reference.get_scores(list(dict.fromkeys(tokenize(query))))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_incremental_adds_and_dead_rows_equal_a_fresh_index() -> None:
    grown = Bm25Index()
    for text in CORPUS:
        grown.add([text])
    live = np.array([True, False, True, True, False, True])
    fresh = Bm25Index()
    fresh.add([t for t, keep in zip(CORPUS, live, strict=True) if keep])
    for query in ["cats in Porto", "Lisbon spring nurse", "sister Berlin"]:
        expected = fresh.scores(query, np.ones(int(live.sum()), bool))
        got = grown.scores(query, live)
        np.testing.assert_allclose(got[live], expected, rtol=1e-12)
        assert not got[~live].any()


def test_compact_renumbers_rows_and_keeps_scores() -> None:
    index = Bm25Index()
    index.add(CORPUS)
    live = np.array([True, False, True, True, False, True])
    before = index.scores("cats Porto", live)
    index.compact(np.flatnonzero(live))
    assert index.n == 4
    np.testing.assert_allclose(index.scores("cats Porto", np.ones(4, bool)), before[live])


def test_no_live_rows_scores_nothing() -> None:
    index = Bm25Index()
    index.add(CORPUS[:2])
    assert not index.scores("Porto", np.zeros(2, bool)).any()


def test_terms_of_the_caller_score_like_text() -> None:
    live = np.ones(len(CORPUS), bool)
    by_text = Bm25Index()
    by_text.add(CORPUS)
    by_terms = Bm25Index()
    by_terms.add_terms([tokenize(t) for t in CORPUS])
    for query in ["cats in Porto", "sister Berlin"]:
        np.testing.assert_array_equal(
            by_terms.term_scores(tokenize(query), live), by_text.scores(query, live)
        )
    # A term no tokenizer makes ("@location") finds only the rows that carry it.
    tagged = Bm25Index()
    tagged.add_terms(
        [[*tokenize(t), "@location"] if i == 2 else tokenize(t) for i, t in enumerate(CORPUS)]
    )
    assert tagged.term_scores(["@location"], live).nonzero()[0].tolist() == [2]
