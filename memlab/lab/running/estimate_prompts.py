"""Prompt sizes for the replay estimate: the real templates rendered on the real turns.

Each function renders what the stage would send, with the real prompt and the dataset's own
messages, and counts it as the offline model and the ledger count a request: the messages'
text joined by newlines, plus the tools' JSON when tools are offered (cl100k, see
`memlab.tokens`). What only a model could produce (stored facts, a summary, an answer) is
stood in for by a number of tokens per item, added to the rendered frame; the estimate
states those numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from memlab.lab.data.dataset import Probe
from memlab.lab.running.probes import gold_text
from memlab.llm.extract import ExtractionRequest
from memlab.llm.prompt import get_prompt
from memlab.llm.sections import render_block, render_turns
from memlab.llm.tools import MEMORY_TOOLS
from memlab.schema import Message
from memlab.tokens import count_tokens

__all__ = [
    "ITEM_LINE_TOKENS",
    "agentic_tokens",
    "answer_tokens",
    "extraction_tokens",
    "judge_tokens",
    "mem0_update_tokens",
    "request_tokens",
    "summary_tokens",
]

ITEM_LINE_TOKENS = 4
"""Tokens an `[id] ` item line adds to its text (handle, brackets, newline), as rendered."""

_EMPTY = count_tokens("(none)")
_ID_TOKENS = 32


def request_tokens(messages: Sequence[Mapping[str, Any]], tools: Any = None) -> int:
    """Input tokens of a request, counted as the offline model and the ledger count them."""
    text = "\n".join(str(m.get("content") or "") for m in messages)
    return count_tokens(text + ("\n" + json.dumps(tools) if tools else ""))


def _items(n: float, tokens_each: float) -> float:
    # An empty block shows "(none)"; items replace it.
    return n * (tokens_each + ITEM_LINE_TOKENS) - (_EMPTY if n > 0 else 0)


def extraction_tokens(
    prompt: str,
    messages: Sequence[Message],
    *,
    include_assistant: bool,
    shown_memories: float,
    memory_tokens: float,
) -> int:
    """Input tokens of one `agno-v2` / `single-pass-json` call, or of `mem0-style`'s first step.

    `shown_memories` memories of `memory_tokens` each stand in for the stored ones the prompt
    shows (none for `mem0-style`'s first step).
    """
    request = ExtractionRequest(
        user_id="estimate",
        messages=list(messages),
        context=lambda texts, share=1: [],
        include_assistant=include_assistant,
    )
    if prompt == "mem0-style":
        rendered = get_prompt("mem0-style-facts").render(
            options={"include_assistant": include_assistant}, **request.values()
        )
        return request_tokens(rendered)
    chosen = get_prompt(prompt)
    rendered = chosen.render(
        options={"include_assistant": include_assistant},
        memories=render_block("memories", ""),
        **request.values(),
    )
    tools = MEMORY_TOOLS if prompt == "agno-v2" else None
    return request_tokens(rendered, tools) + round(_items(shown_memories, memory_tokens))


def mem0_update_tokens(facts: float, shown_memories: float, memory_tokens: float) -> int:
    """Input tokens of `mem0-style`'s second step: each fact with its similar memories."""
    frame = request_tokens(get_prompt("mem0-style-update").render(facts=""))
    block = count_tokens(render_block("fact", "x", index="1", sources="m1", topics="", date=""))
    similar = count_tokens(render_block("similar", "x", index="1"))
    per_fact = block + similar + memory_tokens
    return frame + round(facts * per_fact + _items(shown_memories, memory_tokens))


def summary_tokens(
    prompt: str, messages: Sequence[Message], *, previous_tokens: float | None
) -> int:
    """Input tokens of one summary call over `messages` (and a previous summary's size)."""
    shown = [
        m
        for m in messages
        if m.role in ("user", "assistant") and not m.from_history and m.content.strip()
    ]
    turns = render_turns((f"m{i}", m.role, m.content, m.created_at) for i, m in enumerate(shown, 1))
    chosen = get_prompt(prompt)
    values = {"conversation": render_block("conversation", turns)}
    if "$previous" in chosen.user or "$previous" in chosen.system:
        values["previous"] = render_block("previous", "")
    extra = 0.0 if previous_tokens is None else previous_tokens - _EMPTY
    return request_tokens(chosen.render(values)) + round(extra)


def answer_tokens(prompt: str, question: str, items: float, item_tokens: float) -> int:
    """Input tokens of one answer call with `items` recalled items of `item_tokens` each."""
    rendered = get_prompt(prompt).render(
        context=render_block("context", ""), question=render_block("question", question)
    )
    return request_tokens(rendered) + round(_items(items, item_tokens))


def agentic_tokens(question: str, limit: int, memories: float, memory_tokens: float) -> int:
    """Input tokens of one agentic recall call showing `memories` stored memories.

    The prompt names memories by their stored ids; a derived id of a replay is about 32
    tokens, counted into each line.
    """
    rendered = get_prompt("agentic-search").render(
        options={"limit": limit},
        query=render_block("query", question),
        memories=render_block("memories", ""),
        limit=str(limit),
    )
    return request_tokens(rendered) + round(_items(memories, memory_tokens + _ID_TOKENS))


def judge_tokens(prompt: str, probe: Probe, prediction: str | float) -> int:
    """Input tokens of one judge call: a text answer (a control), or an answer's size."""
    text = prediction if isinstance(prediction, str) else ""
    rendered = get_prompt(prompt).render(
        question=render_block("question", probe.question),
        gold=render_block("gold", gold_text(probe)),
        prediction=render_block("prediction", text),
    )
    extra = 0.0 if isinstance(prediction, str) else prediction - _EMPTY
    return request_tokens(rendered) + round(extra)
