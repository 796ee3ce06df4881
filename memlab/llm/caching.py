"""How a model call uses `llm_cache`, and the error for an unusable answer that names its origin.

`LLM(cache=...)` (or a call's `use_cache=`) is True, "refresh" or False. Unusable answers are
cached like any other, so a replay reproduces a failure; the error then says the answer came
from the cache, names the call that first got it and when, and how to get past it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from memlab.errors import ConfigError, ExtractionError
from memlab.llm.request import Completion

__all__ = [
    "CACHE_BYPASS",
    "CacheMode",
    "CachePolicy",
    "UnusableOutput",
    "cache_note",
    "cache_policy",
    "check_cache_mode",
]

CacheMode = bool | Literal["refresh"]
"""True reads and writes `llm_cache`; "refresh" re-asks the model and overwrites the entry;
False neither reads nor writes."""

CACHE_BYPASS = (
    "to ask the model again, use LLM(cache='refresh') (re-asks the model and overwrites the "
    "cached answer) or LLM(cache=False) (neither reads nor writes the cache)"
)
"""How to get past an answer replayed from the cache; quoted by errors about such answers."""


class UnusableOutput(ExtractionError):
    """The model answered, but `validate` found the answer unusable.

    An answer replayed from `llm_cache` says so, names the call that first got it, and how to
    bypass the cache: a user who fixed the server must not keep seeing an old failure unawares.

    Attributes:
        completion: The answer (its usage counts: the call was made and paid for).
        problem: Why it is unusable, exactly as `validate` said (what a repair prompt quotes:
            it must not depend on whether the answer came from the cache).
        reason: `problem`, plus where the answer came from when it was a cache hit (the
            message without the advice on bypassing the cache).
    """

    def __init__(self, problem: str, *, completion: Completion) -> None:
        self.problem = problem
        self.reason = problem
        if completion.cached:
            origin = completion.origin.describe() if completion.origin else "an earlier call"
            self.reason += f" [answer replayed from llm_cache, first given to {origin}]"
        message = self.reason + (f"; {CACHE_BYPASS}" if completion.cached else "")
        super().__init__(message, raw=completion.raw, call_id=completion.call_id)
        self.completion = completion


def cache_note(*errors: UnusableOutput) -> str:
    """A sentence on bypassing the cache when any of these answers came from it, else ""."""
    if not any(e.completion.cached for e in errors):
        return ""
    return f" The answers came from llm_cache: {CACHE_BYPASS}."


class CachePolicy(NamedTuple):
    """How one call uses `llm_cache`."""

    read: bool
    """Answer from the cache when the request is there."""
    write: bool
    """Store the model's answer."""
    replace: bool
    """Overwrite an existing entry (`cache="refresh"`)."""


def cache_policy(mode: CacheMode) -> CachePolicy:
    """What a cache mode reads, writes and overwrites."""
    check_cache_mode(mode, "use_cache")
    return CachePolicy(read=mode is True, write=mode is not False, replace=mode == "refresh")


def check_cache_mode(mode: object, where: str) -> None:
    """Raise `ConfigError` unless `mode` is True, "refresh" or False; `where` names the option."""
    if mode is not True and mode is not False and mode != "refresh":
        raise ConfigError(
            f"{where} must be True (read and write llm_cache), 'refresh' (re-ask the model and "
            f"overwrite the entry) or False (neither read nor write), got {mode!r}"
        )
