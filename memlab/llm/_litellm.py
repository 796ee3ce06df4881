"""The one place memlab imports litellm: offline-safe, lazy, and registering the offline model.

`import litellm` costs ~3.5 s and by default downloads the model cost map, so it happens on the
first model call, never at `import memlab`, and always after `LITELLM_LOCAL_MODEL_COST_MAP` is
set. litellm is untyped: this module hands the module out as `Any` and nothing else leaks.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import threading
from functools import cache
from typing import Any

__all__ = ["OFFLINE_MODEL", "count_tokens", "litellm", "warm"]

OFFLINE_MODEL = "memlab/offline"
"""The litellm model string of memlab's deterministic rule-based baseline (not an LLM)."""

_lock = threading.Lock()
_module: Any = None


def litellm() -> Any:
    """Import litellm without network access, with the offline model registered; return it."""
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm as lib

            from memlab.llm.offline.model import OfflineModel

            lib.suppress_debug_info = True
            providers = [p for p in lib.custom_provider_map if p.get("provider") != "memlab"]
            providers.append({"provider": "memlab", "custom_handler": OfflineModel()})
            lib.custom_provider_map = providers
            # litellm copies custom_provider_map into its provider tables only inside
            # completion(); registering here makes the first call and cost lookups see it.
            utils: Any = importlib.import_module("litellm.utils")
            utils.custom_llm_setup()
            # Known to be free; the cost is 0.0 because it really is zero, not because it is
            # unknown. The ledger still marks the model as a baseline by its name.
            lib.register_model(
                {
                    OFFLINE_MODEL: {
                        "input_cost_per_token": 0.0,
                        "output_cost_per_token": 0.0,
                        "cache_creation_input_token_cost": 0.0,
                        "cache_read_input_token_cost": 0.0,
                        "litellm_provider": "memlab",
                        "mode": "chat",
                        "max_input_tokens": 1_000_000,
                        "max_output_tokens": 100_000,
                    }
                }
            )
            _module = lib
    return _module


def warm(*, sdk: bool = True) -> Any:
    """`litellm()`, plus the one-off imports its first real request would make; return litellm.

    The first request through the OpenAI SDK imports `openai.resources` and some litellm
    modules lazily (~1.5 s, hundreds of modules); doing it here, before a call is timed,
    keeps that out of `latency_ms`.

    Args:
        sdk: Also import the OpenAI SDK's resources (not needed by the offline model).
    """
    lib = litellm()
    if sdk:
        _sdk_resources()
    return lib


# What litellm's first request imports lazily (measured with litellm 1.106.2: ~1.5 s, most of
# it `openai.resources`). A module a later release moved is skipped: warming is an optimisation.
_FIRST_REQUEST_IMPORTS = (
    "openai.resources",
    "litellm.proxy._types",
    "litellm._service_logger",
    "litellm.llms.openai.chat.gpt_audio_transformation",
    "litellm.proxy.openai_files_endpoints.common_utils",
    "litellm.llms.vertex_ai.vertex_ai_partner_models.anthropic.transformation",
)


@cache
def _sdk_resources() -> None:
    for name in _FIRST_REQUEST_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


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
def _encoding() -> Any:
    litellm()  # the cost-map switch must be set before any litellm module loads
    # Importing this module points tiktoken at the tokenizer files bundled with litellm, so
    # cl100k_base loads from disk instead of being downloaded.
    module: Any = importlib.import_module("litellm.litellm_core_utils.default_encoding")
    return module.encoding


@cache
def _chunkable() -> bool:
    encoding = _encoding()
    return bool(encoding.name == "cl100k_base" and encoding._pat_str == _CL100K_PATTERN)


def count_tokens(text: str) -> int:
    """Tokens of `text` under OpenAI's `cl100k_base` tokenizer, counted offline.

    Special-token text counts as ordinary text. Prompts repeat most of their lines (the
    template, memories, turns), so the text is cut into lines where the tokenizer never
    joins two lines into one token (see `_CHUNK_BOUNDARY`), and each line's count is kept:
    the total is exactly the whole text's count, for a fraction of the tokenizer's time.
    """
    if not text:
        return 0
    encoding = _encoding()
    if not _chunkable():
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
