"""What the replay estimate assumes where only a model's answers could tell.

The numbers were measured with `memlab/offline` on the bundled synthetic dataset; the estimate
prints them with its figures, so a reader knows which parts are counted and which assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Assumptions"]


@dataclass(frozen=True)
class Assumptions:
    """What the estimate assumes where only a model's answers could tell.

    The defaults were measured with `memlab/offline` on the bundled synthetic dataset; a real
    model that stores more facts makes `agno-v2` with `context = "all"` dearer, since every
    extraction prompt shows every memory stored so far.
    """

    memories_per_turn: float = 0.7
    """Memories extraction stores per turn of the user (the namespace's principal)."""
    memories_per_other_turn: float = 0.0
    """Memories it stores per turn of the others, read with `include_assistant` (the offline
    model takes facts about the user from the user's own words only)."""
    memory_tokens: float = 16.0
    """Tokens of one extracted memory."""
    extract_output_per_memory: float = 40.0
    """Output tokens of an extraction call per memory it stores (a tool call or JSON op)."""
    summary_output: float = 125.0
    """Output tokens of a summary call (the JSON with its text and topics)."""
    summary_tokens: float = 95.0
    """Tokens of a stored summary's text, as recall shows it."""
    answer_output: float = 11.0
    """Output tokens of an answer."""
    judge_output: float = 13.0
    """Output tokens of a judge verdict (`{"correct": ..., "score": ...}`)."""
    agentic_output: float = 70.0
    """Output tokens of an agentic recall call (a list of memory ids)."""

    def describe(self) -> list[str]:
        """The assumptions as sentences, for the estimate's output."""
        return [
            f"extraction stores {self.memories_per_turn:g} memories per user turn (and "
            f"{self.memories_per_other_turn:g} per other turn with include_assistant), "
            f"{self.memory_tokens:g} tokens each, and answers {self.extract_output_per_memory:g}"
            " output tokens per memory; every later extraction prompt shows them (all, or its "
            "top_k)",
            f"a summary call answers {self.summary_output:g} tokens (its text, recalled later, "
            f"{self.summary_tokens:g}), an answer {self.answer_output:g}, a judge verdict "
            f"{self.judge_output:g}, an agentic recall {self.agentic_output:g}",
            "recall fills k (and budget_tokens) from what is stored by then, so answer prompts "
            "are an upper bound: bm25 returns only items sharing a word with the question",
            "completion sizes come from the results file's cached calls of the same model and "
            "purpose when it has some",
            "tokens are counted with cl100k on the rendered messages and tools (a provider's "
            "tokenizer and chat format add a few percent); repair retries and cache hits of "
            "earlier runs are not counted",
        ]
