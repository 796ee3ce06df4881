"""Tool-call health of a unit: did the extraction model answer tool requests with tool calls?

A model served without tool support (a llama.cpp server whose chat template has no tool
syntax, say) answers a tool request in free text. The extractor reads that as "nothing to
remember", so the unit would store nothing and its probes would score recall 0: a finding
about the model server that reads as a finding about the prompt. A unit whose extraction calls
offered tools and got none back in most of them is therefore an error, with this cause named.
"""

from __future__ import annotations

from collections.abc import Sequence

from memlab.errors import ExtractionError
from memlab.lab.running.ledger import CallNote

__all__ = ["NO_TOOL_CALLS", "TOOL_HEALTH", "ToolCallsMissing", "tool_call_problem"]

TOOL_HEALTH = "no_tool_calls"
"""The unit's health flag when the problem was found."""

NO_TOOL_CALLS = (
    "the model answered in text, not tool calls: it may not support tool calling through this "
    "server; use a JSON prompt such as single-pass-json, or a chat template with tool support"
)
"""The cause, as the unit's error names it."""


class ToolCallsMissing(ExtractionError):
    """Most extraction calls of a unit offered tools and got plain text back."""


def tool_call_problem(
    notes: Sequence[CallNote], *, stage: str = "ingest"
) -> ToolCallsMissing | None:
    """The error when most answered tool-offering calls of `stage` called no tool, else None.

    Only calls that got an answer count (a failed call is an error of its own). "Most" is
    more than half: a model with tool support may rightly call none for small talk, but not
    for most of a conversation. memlab's offline baseline is left out: its rules speak the
    tool protocol in-process and answer in text, by design, when no rule matches.
    """
    asked = [
        n
        for n in notes
        if n.stage == stage
        and n.tools_requested
        and n.tools_used is not None
        and not n.model.startswith("memlab/")
    ]
    text = [n for n in asked if not n.tools_used]
    if not asked or 2 * len(text) <= len(asked):
        return None
    models = ", ".join(sorted({repr(n.model) for n in text}))
    return ToolCallsMissing(
        f"{len(text)} of {len(asked)} extraction calls to {models} offered tools and got no "
        f"tool call back ({text[0].call_id} is one): {NO_TOOL_CALLS}",
        raw="",
        call_id=text[0].call_id,
    )
