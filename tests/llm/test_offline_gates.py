"""The offline model's cheap checks skip only what could not match; its caches hold no state.

`may_say_date` lets callers skip `DATE_RE`; `apply_rules` skips a mode's rules where none can
match; `decide_ops` keeps what each memory text reads as. Each must give the same result as
the full work, on real sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memlab.llm.offline.clauses import expand_contractions, rewrite_to_user
from memlab.llm.offline.dates import RESOLVED_RE, strip_dates
from memlab.llm.offline.decide import decide_ops
from memlab.llm.offline.extract import Fact, extract_facts
from memlab.llm.offline.table import RETRACTION_RULES, SLOT_RULES, apply_rules
from memlab.llm.offline.text import DATE_RE, may_say_date, split_sentences
from memlab.llm.offline.values import ReadContext

ROOT = Path(__file__).resolve().parents[2]


def _sentences() -> list[str]:
    texts: list[str] = []
    with (ROOT / "datasets" / "memlab-synthetic-v1.jsonl").open() as lines:
        for line in lines:
            record = json.loads(line)
            for session in record.get("sessions", []):
                texts.extend(t["text"] for t in session["turns"])
    corpus = json.loads((Path(__file__).parent / "data" / "extraction_corpus.json").read_text())
    texts.extend(m["text"] for case in corpus["cases"] for m in case["messages"])
    extra = [
        "The other day I ran 10k.",
        "I moved here 3 years ago, on 2021-04-05.",
        "See you on the 3rd of May, or May 3.",
        "Last ſpring in İstanbul, weeKs ago.",
        "Tonight! This evening? Earlier today.",
    ]
    return [s for text in texts + extra for s in split_sentences(text)]


SENTENCES = _sentences()


def test_the_sentences_are_many_and_some_say_dates() -> None:
    assert len(SENTENCES) > 3000
    assert sum(DATE_RE.search(s) is not None for s in SENTENCES) > 100


def test_may_say_date_is_true_wherever_a_date_pattern_matches() -> None:
    for sentence in SENTENCES:
        if DATE_RE.search(sentence) or RESOLVED_RE.search(sentence):
            assert may_say_date(sentence), sentence
        assert strip_dates(sentence) == DATE_RE.sub(" ", RESOLVED_RE.sub(" ", sentence))


@pytest.mark.parametrize(
    ("rules", "least"),
    [
        pytest.param(SLOT_RULES, 100, id="slots"),
        pytest.param(RETRACTION_RULES, 5, id="retractions"),
    ],
)
def test_apply_rules_finds_what_every_rule_finds(rules: list[object], least: int) -> None:
    checked = 0
    for sentence in SENTENCES:
        clause = rewrite_to_user(expand_contractions(sentence), "first")
        ctx = ReadContext(loose=False, caseless=False, clause=clause)
        gated = apply_rules(rules, clause, ctx)  # type: ignore[arg-type]
        # One rule at a time has no other rules of its mode to gate it by.
        one_by_one = []
        for rule in rules:
            for slot in apply_rules([rule], clause, ctx):  # type: ignore[list-item]
                if slot not in one_by_one:
                    one_by_one.append(slot)
        assert gated == one_by_one, sentence
        checked += bool(gated)
    assert checked >= least  # sentences where a rule read a slot


def test_decide_ops_gives_the_same_ops_on_every_call() -> None:
    facts = extract_facts(
        [
            ("m1", "user", "I live in Porto and I work at Siemens."),
            ("m2", "user", "I moved to Lisbon. I no longer work at Siemens."),
            ("m3", "user", "I stopped doing CrossFit, and my dog Rex is three."),
        ],
        keep_unparsed=True,
    )
    stored = [
        ("a", "User lives in Porto."),
        ("b", "User works at Siemens."),
        ("c", "User does CrossFit twice a week."),
        ("d", "User has a dog named Rex."),
    ]
    first = decide_ops(facts, stored)
    assert [op.op for op in first] == [op.op for op in decide_ops(facts, stored)]
    assert first == decide_ops(facts, stored)
    assert {op.op for op in first} >= {"update", "delete"}
    fresh = decide_ops([Fact("User lives in Porto.", "location")], stored)
    assert [(op.op, op.memory_id) for op in fresh] == [("noop", "a")]
