"""Token counting: what every budget, cost estimate and context-size figure of memlab counts.

`count_tokens` counts under OpenAI's `cl100k_base` tokenizer, offline: the tokenizer files
bundled with litellm are read from disk, never downloaded. Importing this module does not
import litellm; the first count does.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

__all__ = ["count_tokens", "counts_by_line", "tokenizer"]

# cl100k_base's pre-tokenizer pattern (as litellm 1.106.2 bundles it); tokens never cross the
# pieces it cuts, so counting by chunks is exact only while the pattern is this one.
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
    r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
# A line break followed by a printable ASCII character that is not a space: no piece of the
# pattern above spans it (a piece that reaches a newline ends there when the next character
# is neither whitespace nor a newline), so the text's pieces are the two halves' pieces.
_CHUNK_BOUNDARY = re.compile(r"(?<=\n)(?=[!-~])")
_MEMO_ENTRIES = 50_000
_memo: dict[str, int] = {}


@cache
def tokenizer() -> Any:
    """The `cl100k_base` tiktoken encoding `count_tokens` counts with (untyped, as tiktoken is)."""
    # The cost-map switch must be set before any litellm module loads; the loader sets it.
    # Imported here, not at the top: memlab.llm imports this module.
    from memlab.llm.loader import litellm

    litellm()
    # Importing this module points tiktoken at the tokenizer files bundled with litellm, so
    # cl100k_base loads from disk instead of being downloaded.
    module: Any = importlib.import_module("litellm.litellm_core_utils.default_encoding")
    return module.encoding


@cache
def counts_by_line() -> bool:
    """Whether `count_tokens` counts line by line (exact for `cl100k_base`'s known pattern).

    False when litellm bundles another tokenizer or pattern; `count_tokens` then encodes the
    whole text at once, which is exact too, only slower.
    """
    encoding = tokenizer()
    return bool(encoding.name == "cl100k_base" and encoding._pat_str == _CL100K_PATTERN)


def count_tokens(text: str) -> int:
    """Tokens of `text` under OpenAI's `cl100k_base` tokenizer, counted offline.

    Special-token text counts as ordinary text. Prompts repeat most of their lines (the
    template, memories, turns), so the text is cut into lines where the tokenizer never
    joins two lines into one token, and each line's count is kept: the total is exactly the
    whole text's count, for a fraction of the tokenizer's time.

    Args:
        text: Any text; the empty string has 0 tokens.

    Returns:
        The number of tokens.
    """
    if not text:
        return 0
    encoding = tokenizer()
    if not counts_by_line():
        return len(encoding.encode_ordinary(text))
    total = 0
    for chunk in _CHUNK_BOUNDARY.split(text):
        n = _memo.get(chunk)
        if n is None:
            n = len(encoding.encode_ordinary(chunk))
            if len(_memo) >= _MEMO_ENTRIES:
                _memo.clear()  # simpler than LRU, and a refill costs one count per line
            _memo[chunk] = n
        total += n
    return total
