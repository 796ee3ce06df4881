"""Tool calls a model wrote into its text, as Hermes- and Qwen-style chat templates emit them.

Served by a server that does not parse them out (llama.cpp without `--jinja`, an old vLLM
without a tool parser), such a model answers a tool request with text like

    <tool_call>
    {"name": "add_memory", "arguments": {"memory": "Ana lives in Lisbon"}}
    </tool_call>

and no `tool_calls` at all. `lift_tool_calls` turns those blocks into real tool calls, so the
answer is read as the model meant it (and the ledger records that tools were used). A block
that is not a JSON object with a `name` is left in the text, where the parser reports it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from memlab.llm.request import Completion
from memlab.schema import ToolCall

__all__ = ["lift_tool_calls"]

_BLOCK = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)


def lift_tool_calls(completion: Completion) -> Completion:
    """The completion with `<tool_call>{...}</tool_call>` blocks of its text as tool calls.

    Unchanged when it already has tool calls or its text holds no readable block.
    """
    text = completion.text
    if completion.tool_calls or not text or "<tool_call>" not in text:
        return completion
    calls: list[ToolCall] = []
    for number, match in enumerate(_BLOCK.finditer(text)):
        try:
            data = json.loads(match.group(1))
        except json.JSONDecodeError:
            return completion
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return completion
        arguments = data.get("arguments", data.get("parameters", {}))
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        calls.append(ToolCall(id=f"text_call_{number}", name=data["name"], arguments=arguments))
    if not calls:
        return completion
    rest = _BLOCK.sub("", text).strip()
    return replace(
        completion,
        text=rest or None,
        tool_calls=tuple(calls),
        finish_reason="tool_calls"
        if completion.finish_reason in (None, "stop")
        else completion.finish_reason,
    )
