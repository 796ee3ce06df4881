"""`count_tokens` counts by memoized lines; it must equal the tokenizer on the whole text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from memlab.tokens import count_tokens, counts_by_line, tokenizer

ROOT = Path(__file__).resolve().parents[1]
# Characters around which cl100k_base's pieces behave differently: newlines and other
# whitespace (ASCII and not), punctuation runs, contractions, digits, letters with combining
# marks, an emoji, and special-token text (counted as ordinary text).
_ALPHABET = [
    "a", "Zed", "é", "日本", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\x0b", "\x1c", "\xa0",
    "\u2028", ".", ",", "!?", "'s", "'", "1", "23", "4567", "-", "#", "😀", " \n", ". \n",
    ":", "]", "[", "<|endoftext|>", "e\u0301", "- [m1] ",
]  # fmt: skip


def _direct(text: str) -> int:
    return len(tokenizer().encode(text, disallowed_special=()))


def test_the_chunked_count_is_used_for_cl100k() -> None:
    assert counts_by_line()


def test_random_texts_count_the_same_as_the_whole_text() -> None:
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 40)))
        assert count_tokens(text) == _direct(text), repr(text)
        assert count_tokens(text) == _direct(text), repr(text)  # from the memo


def test_prompts_built_from_the_bundled_dataset_count_the_same() -> None:
    path = ROOT / "datasets" / "memlab-synthetic-v1.jsonl"  # committed with the repository
    lines = path.read_text(encoding="utf-8").splitlines()[:3]
    texts = [
        turn["text"]
        for line in lines
        for session in json.loads(line).get("sessions", [])
        for turn in session.get("turns", [])
    ]
    assert texts
    rng = random.Random(3)
    for _ in range(300):
        picked = rng.sample(texts, min(len(texts), rng.randint(1, 30)))
        prompt = "Answer from the context.\n<context>\n" + "\n".join(
            f"- [m{i}] {t}" for i, t in enumerate(picked)
        )
        prompt += "\n</context>\n\nQuestion: what happened?"
        assert count_tokens(prompt) == _direct(prompt)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("hello world", id="one-line"),
        pytest.param("a\nb\n", id="trailing-newline"),
        pytest.param("a\n\n\nb", id="blank-lines"),
        pytest.param("a \n b\n  c", id="indented"),
        pytest.param("x.\n\ny", id="punctuation-newlines"),
        pytest.param("\ud800 lone\nsurrogate", id="lone-surrogate"),
    ],
)
def test_edge_cases_count_the_same(text: str) -> None:
    assert count_tokens(text) == (_direct(text) if text else 0)
