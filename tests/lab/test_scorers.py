from __future__ import annotations

import math

import pytest

from memlab.errors import ConfigError
from memlab.lab.analysis.scorers import (
    SCORERS,
    ScoreInput,
    get_scorer,
    is_abstention_answer,
    normalize_locomo,
    normalize_text,
    register_scorer,
    score_all,
    token_f1_locomo,
)
from memlab.lab.data.dataset import Probe

NAMES = [
    "evidence_recall_any",
    "evidence_recall_all",
    "answer_in_context",
    "stale_in_context",
    "exact_match",
    "token_f1",
    "judge",
]


def _probe(**kw: object) -> Probe:
    base: dict[str, object] = {
        "id": "q1",
        "question": "Where does Ana live?",
        "answers": ["Lisbon"],
        "evidence": ["D1:3", "D2:5"],
    }
    base.update(kw)
    return Probe.model_validate(base)


def _x(probe: Probe | None = None, **kw: object) -> ScoreInput:
    args: dict[str, object] = {"recalled_turn_ids": (), "context": ""}
    args.update(kw)
    return ScoreInput(probe=probe or _probe(), **args)  # type: ignore[arg-type]


# Pairs worked out by hand from LoCoMo's task_eval/evaluation.py (normalize, Porter-stem,
# Counter overlap, F1 = 2PR/(P+R)).
@pytest.mark.parametrize(
    ("prediction", "gold", "category", "expected"),
    [
        pytest.param("Paris", "Paris", 4, 1.0, id="identical"),
        pytest.param("The cat and a dog", "cat dog", 4, 1.0, id="articles-and-dropped"),
        pytest.param("running shoes", "run shoe", 4, 1.0, id="porter-stems"),
        pytest.param("studies", "study", 2, 1.0, id="stem-studi"),
        # 6 prediction tokens, 1 gold, 1 shared: P=1/6, R=1, F1=2/7.
        pytest.param("She went to Paris in May", "Paris", 4, 2 / 7, id="long-prediction"),
        pytest.param("red blue", "red green", 2, 0.5, id="half-overlap"),
        # Counter overlap counts a repeated token once when gold has it once: P=1/3, R=1.
        pytest.param("cat cat dog", "cat", 2, 0.5, id="repeats-clipped"),
        pytest.param("1,000 dollars", "1000 dollars", 4, 1.0, id="commas-removed"),
        pytest.param("U.S.A.", "USA", 2, 1.0, id="punctuation-removed"),
        pytest.param("theater", "the theater", 4, 1.0, id="article-only-as-word"),
        pytest.param("blue", "red", 4, 0.0, id="no-overlap"),
        pytest.param("", "Paris", 4, 0.0, id="empty-prediction"),
        # Multi-hop: gold parts London (best 1.0 against "London") and Berlin (0): mean 0.5.
        pytest.param("Paris, London", "London, Berlin", 1, 0.5, id="multi-hop-parts"),
        # One prediction part "pottery painting" vs gold parts: 2/3, 2/3 (paint), 0: mean 4/9.
        pytest.param(
            "pottery and painting", "pottery, painting, camping", 1, 4 / 9, id="multi-hop-avg"
        ),
        pytest.param("Paris, London", "London, Berlin", "multi-hop", 0.5, id="name-multi-hop"),
        # Open-domain keeps the gold up to ';'; the same pair as single-hop: P=1, R=1/3, F1=0.5.
        pytest.param("Psychology", "Psychology; counseling certification", 3, 1.0, id="open-cut"),
        pytest.param("Psychology", "Psychology; counseling certification", 4, 0.5, id="no-cut"),
        pytest.param("Psychology", "Psychology; counseling", "open-domain", 1.0, id="name-open"),
        pytest.param("That is not mentioned in the chat.", "x", 5, 1.0, id="adv-not-mentioned"),
        pytest.param("No information available.", "x", "5", 1.0, id="adv-no-info"),
        # LoCoMo's adversarial rule is narrow: a plain "I don't know" does not count.
        pytest.param("I don't know", "x", 5, 0.0, id="adv-dont-know"),
        pytest.param("Yes, she did.", "x", "adversarial", 0.0, id="adv-asserts"),
        pytest.param("Paris, London", "London, Berlin", None, 0.5, id="no-category-plain"),
    ],
)
def test_token_f1_locomo_hand_pairs(
    prediction: str, gold: str, category: int | str | None, expected: float
) -> None:
    assert token_f1_locomo(prediction, gold, category=category) == pytest.approx(expected)


def test_token_f1_locomo_rejects_unknown_numeric_category() -> None:
    with pytest.raises(ConfigError, match="not one of 1-5"):
        token_f1_locomo("a", "b", category=7)


def test_normalizers() -> None:
    assert normalize_locomo("The cat, and a Dog!") == "cat dog"
    assert normalize_text("Ana's  dog-walker!") == "anas dog walker"


@pytest.mark.parametrize(
    ("text", "declines"),
    [
        pytest.param("I don't know.", True, id="dont-know"),
        pytest.param("I do not know", True, id="do-not-know"),
        pytest.param("This is not mentioned in the conversation.", True, id="not-mentioned"),
        pytest.param("There is no information about that.", True, id="no-information"),
        pytest.param("Unknown", True, id="unknown-alone"),
        pytest.param("It cannot be determined from the context.", True, id="cannot-determine"),
        pytest.param("Lisbon", False, id="asserts"),
        pytest.param("An unknown artist painted it.", False, id="unknown-inside-assertion"),
        pytest.param("She knows Lisbon well.", False, id="know-word"),
    ],
)
def test_is_abstention_answer(text: str, declines: bool) -> None:
    assert is_abstention_answer(text) is declines


def test_registry_has_the_contract_names_with_definitions() -> None:
    assert list(SCORERS)[: len(NAMES)] == NAMES
    for name in NAMES:
        scorer = get_scorer(name)
        assert scorer.name == name
        assert len(scorer.definition) > 40 and "\n" not in scorer.definition
    assert get_scorer("judge").needs == "judge"
    assert get_scorer("token_f1").needs == "answer"
    assert get_scorer("evidence_recall_any").needs == "recall"


def test_unknown_scorer_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown scorer 'f2'; known: .*token_f1"):
        get_scorer("f2")


def test_register_scorer_needs_a_definition() -> None:
    with pytest.raises(ConfigError, match="no definition"):

        @register_scorer("nameless", needs="recall")
        def _f(x: ScoreInput) -> float | None:
            return 1.0

    assert "nameless" not in SCORERS


@pytest.mark.parametrize(
    ("recalled", "any_", "all_"),
    [
        pytest.param((), 0.0, 0.0, id="nothing"),
        pytest.param(("D9:1", "D1:3"), 1.0, 0.0, id="one-of-two"),
        pytest.param(("D2:5", "D7:7", "D1:3"), 1.0, 1.0, id="both"),
    ],
)
def test_evidence_recall(recalled: tuple[str, ...], any_: float, all_: float) -> None:
    scores = score_all(
        _x(recalled_turn_ids=recalled), ["evidence_recall_any", "evidence_recall_all"]
    )
    assert scores == {"evidence_recall_any": any_, "evidence_recall_all": all_}


@pytest.mark.parametrize(
    "probe",
    [
        pytest.param(_probe(abstention=True, answers=[], evidence=[]), id="abstention"),
        pytest.param(_probe(evidence=[]), id="no-evidence"),
    ],
)
def test_evidence_scores_undefined(probe: Probe) -> None:
    scores = score_all(_x(probe, recalled_turn_ids=("D1:3",)), NAMES[:2])
    assert all(math.isnan(v) for v in scores.values())


@pytest.mark.parametrize(
    ("answers", "context", "expected"),
    [
        pytest.param(["Lisbon"], "Ana moved to lisbon, Portugal.", 1.0, id="case-punct"),
        pytest.param(["art"], "I love parties.", 0.0, id="word-boundary"),
        pytest.param(["Art!"], "- I love art.", 1.0, id="punct-on-answer"),
        pytest.param(["New York", "NYC"], "She lives in NYC now", 1.0, id="alias"),
        pytest.param(["New York"], "new\n  york", 1.0, id="whitespace"),
        pytest.param(["Ana's cat"], "anas cat is grey", 1.0, id="apostrophe"),
        pytest.param(["Lisbon"], "", 0.0, id="empty-context"),
    ],
)
def test_answer_in_context(answers: list[str], context: str, expected: float) -> None:
    x = _x(_probe(answers=answers), context=context)
    assert score_all(x, ["answer_in_context"]) == {"answer_in_context": expected}


def test_answer_in_context_undefined_for_abstention() -> None:
    x = _x(_probe(abstention=True, answers=[], evidence=[]), context="Lisbon")
    assert math.isnan(score_all(x, ["answer_in_context"])["answer_in_context"])


def test_stale_in_context() -> None:
    update = _probe(answers=["Porto"], stale_answers=["Lisbon"])
    assert score_all(_x(update, context="Ana lives in Lisbon"), ["stale_in_context"]) == {
        "stale_in_context": 1.0
    }
    assert score_all(_x(update, context="Ana lives in Porto"), ["stale_in_context"]) == {
        "stale_in_context": 0.0
    }
    assert math.isnan(score_all(_x(context="Lisbon"), ["stale_in_context"])["stale_in_context"])


@pytest.mark.parametrize(
    ("probe", "answer", "em", "f1"),
    [
        pytest.param(_probe(), "Lisbon.", 1.0, 1.0, id="exact"),
        # 4 answer tokens, 1 gold, 1 shared: P=1/4, R=1, F1=0.4.
        pytest.param(_probe(), "She lives in Lisbon", 0.0, 0.4, id="partial"),
        pytest.param(_probe(answers=["Lisbon", "Lisboa"]), "lisboa", 1.0, 1.0, id="alias"),
        pytest.param(
            _probe(abstention=True, answers=[], evidence=[]),
            "I don't know.",
            1.0,
            1.0,
            id="abstention-declines",
        ),
        pytest.param(
            _probe(abstention=True, answers=[], evidence=[]),
            "Lisbon",
            0.0,
            0.0,
            id="abstention-asserts",
        ),
        pytest.param(
            _probe(category="adversarial", answers=["x"]),
            "Not mentioned.",
            0.0,
            1.0,
            id="adversarial-locomo-rule",
        ),
        pytest.param(
            _probe(category="multi-hop", answers=["London, Berlin"]),
            "Paris, London",
            0.0,
            0.5,
            id="multi-hop-rule",
        ),
    ],
)
def test_answer_scores(probe: Probe, answer: str, em: float, f1: float) -> None:
    scores = score_all(_x(probe, answer=answer), ["exact_match", "token_f1"])
    assert scores["exact_match"] == em
    assert scores["token_f1"] == pytest.approx(f1)


def test_score_all_nan_when_a_stage_did_not_run() -> None:
    scores = score_all(_x(recalled_turn_ids=("D1:3",), context="Lisbon"))
    assert list(scores) == list(SCORERS)
    assert scores["evidence_recall_any"] == 1.0
    assert scores["answer_in_context"] == 1.0
    for name in ("exact_match", "token_f1", "judge"):
        assert math.isnan(scores[name])


@pytest.mark.parametrize(("verdict", "expected"), [(True, 1.0), (False, 0.0)])
def test_judge_reads_the_verdict(verdict: bool, expected: float) -> None:
    assert score_all(_x(answer="x", judge_correct=verdict), ["judge"]) == {"judge": expected}
