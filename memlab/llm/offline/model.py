"""`memlab/offline`: the rule-based baseline, served to litellm as a custom provider.

It is deterministic and not an LLM. It reads the task from the header line memlab's prompts
start with (`<!-- memlab:task=… -->`), parses the data blocks the prompt rendered (see
`memlab.llm.sections`), applies the rules of `memlab.llm.offline.rules`, and answers in the
shape the prompt asked for: tool calls for `extract-tools`/`update-tools`, JSON text for the
JSON tasks, plain text for `answer`. Requests without a header are recognised by their tools
(`add_memory` …) and otherwise answered as a question about the conversation. Token usage is
counted with the `cl100k_base` tokenizer on the actual request and response text.

Extraction keeps the user's personal statements that no slot rule reads (whole, so names,
numbers and times survive) and resolves relative dates against each turn's date as the prompt
renders it (`Item.at`); summaries and answers use the same date resolution.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from litellm.llms.custom_llm import CustomLLM
from litellm.types.utils import (
    ChatCompletionMessageToolCall,
    Choices,
    Function,
    Message,
    ModelResponse,
)
from litellm.types.utils import Usage as LiteUsage

from memlab.llm.offline import rules
from memlab.llm.offline.dates import resolve_dated_text, resolve_dates
from memlab.llm.sections import (
    Block,
    Item,
    first_block,
    parse_blocks,
    parse_header,
    parse_items,
)
from memlab.llm.tools import ADD_MEMORY, DELETE_MEMORY, UPDATE_MEMORY
from memlab.schema import MemoryOp
from memlab.tokens import count_tokens

__all__ = ["TASKS", "OfflineAnswer", "OfflineModel", "respond"]

_FORGET = ("forget", "delete", "remove", "erase", "no longer true", "not true")


@dataclass(frozen=True)
class OfflineAnswer:
    """What the offline model says: text or tool calls (name, arguments JSON)."""

    text: str | None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Request:
    options: Mapping[str, str]
    blocks: list[Block]
    messages: list[Mapping[str, Any]]

    def block(self, tag: str) -> str:
        found = first_block(self.blocks, tag)
        return "" if found is None or found.body.strip() == "(none)" else found.body.strip()

    def items(self, tag: str) -> list[Item]:
        return parse_items(self.block(tag))

    def turns(self) -> list[Item]:
        return parse_items(self.block("conversation"), turns=True)

    def times(self) -> dict[str, datetime | None]:
        """When each conversation turn was written (None where the prompt gives no date)."""
        return {t.id: t.at for t in self.turns()}

    def flag(self, name: str) -> bool:
        return self.options.get(name, "false") == "true"


def _text_of(message: Mapping[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _ops_for(
    request: _Request,
    turns: Sequence[tuple[str, str, str]],
    times: Mapping[str, datetime | None] | None = None,
) -> list[MemoryOp]:
    facts = rules.extract_facts(
        turns,
        include_assistant=request.flag("include_assistant"),
        times=times if times is not None else request.times(),
        keep_unparsed=True,
    )
    existing = [(m.id, m.text) for m in request.items("memories")]
    return [op for op in rules.decide_ops(facts, existing) if op.op != "noop"]


def _tool_call(op: MemoryOp) -> tuple[str, str]:
    if op.op == "delete":
        return DELETE_MEMORY, json.dumps({"memory_id": op.memory_id})
    args: dict[str, Any] = {
        "memory": op.memory,
        "topics": op.topics,
        "source_message_ids": op.source_message_ids,
    }
    if op.op == "update":
        return UPDATE_MEMORY, json.dumps({"memory_id": op.memory_id, **args})
    return ADD_MEMORY, json.dumps(args)


def _turn_tuples(request: _Request) -> list[tuple[str, str, str]]:
    turns = [(t.id, t.role or "user", t.text) for t in request.turns()]
    if turns or first_block(request.blocks, "conversation") is not None:
        return turns
    # Not one of memlab's prompts: the chat itself is the conversation.
    return [
        (str(i), str(m.get("role")), _text_of(m))
        for i, m in enumerate(request.messages)
        if m.get("role") in ("user", "assistant")
    ]


def _extract_tools(request: _Request) -> OfflineAnswer:
    return OfflineAnswer(None, [_tool_call(op) for op in _ops_for(request, _turn_tuples(request))])


def _extract_json(request: _Request) -> OfflineAnswer:
    ops = [
        op.model_dump(include={"op", "memory_id", "memory", "topics", "source_message_ids"})
        for op in _ops_for(request, _turn_tuples(request))
    ]
    return OfflineAnswer(json.dumps({"ops": ops}))


def _facts(request: _Request) -> OfflineAnswer:
    facts = rules.extract_facts(
        _turn_tuples(request),
        include_assistant=request.flag("include_assistant"),
        times=request.times(),
        keep_unparsed=True,
    )
    out = [
        {"text": f.text, "topics": list(f.topics), "source_message_ids": list(f.source_message_ids)}
        for f in facts
    ]
    return OfflineAnswer(json.dumps({"facts": out}))


def _decide(request: _Request) -> OfflineAnswer:
    shown: dict[str, str] = {}
    for block in (b for b in request.blocks if b.tag == "similar"):
        shown.update((m.id, m.text) for m in parse_items(block.body))
    existing = list(shown.items())
    blocks = [b for b in request.blocks if b.tag == "fact"]
    facts = [
        rules.fact_from_text(
            b.body.strip(),
            topics=[t for t in b.attrs.get("topics", "").split(",") if t],
            source_message_ids=b.attrs.get("sources", "").split(),
            own=True,
        )
        for b in blocks
    ]
    # The facts are decided together, as one batch against every memory shown, so two facts
    # never claim the same memory ("no longer at Deloitte" and "works at Shopify" would each
    # rewrite "works at Deloitte" if asked apart). `decide_ops` writes each fact's ops in
    # order, so the number of ops after the first i facts splits the batch by fact.
    ops = rules.decide_ops(facts, existing)
    ends = [len(rules.decide_ops(facts[: i + 1], existing)) for i in range(len(facts))]
    decisions: list[dict[str, Any]] = []
    for i, block in enumerate(blocks):
        index = block.attrs.get("index", "")
        mine = ops[ends[i - 1] if i else 0 : ends[i]]
        # A retraction can delete several memories: one decision per op, NONE when no change.
        changes = [op for op in mine if op.op != "noop"] or [MemoryOp(op="noop")]
        for op in changes:
            action = {"add": "ADD", "update": "UPDATE", "delete": "DELETE"}.get(op.op, "NONE")
            decisions.append(
                {
                    "fact": int(index) if index.isdigit() else index,
                    "action": action,
                    "memory_id": op.memory_id,
                    "text": op.memory,
                }
            )
    return OfflineAnswer(json.dumps({"decisions": decisions}))


def _update_tools(request: _Request) -> OfflineAnswer:
    task = request.block("task")
    memories = [(m.id, m.text) for m in request.items("memories")]
    if any(word in task.lower() for word in _FORGET):
        ids = rules.choose_ids(task, memories, limit=max(len(memories), 1))
        return OfflineAnswer(None, [(DELETE_MEMORY, json.dumps({"memory_id": i})) for i in ids])
    ops = _ops_for(request, [("task", "user", task)])
    return OfflineAnswer(None, [_tool_call(op) for op in ops])


def _summarize(request: _Request) -> OfflineAnswer:
    # Relative dates are resolved against each turn's date, as extraction does, so a summary
    # read months later still says when ("on 7 May 2023", not "yesterday").
    turns = [(t.role or "user", resolve_dates(t.text, t.at)) for t in request.turns()]
    summary, topics = rules.summarize(turns, previous=request.block("previous") or None)
    return OfflineAnswer(json.dumps({"summary": summary, "topics": list(topics)}))


def _search(request: _Request) -> OfflineAnswer:
    limit = int(request.options.get("limit", "10") or 10)
    memories = [(m.id, m.text) for m in request.items("memories")]
    ids = rules.choose_ids(request.block("query"), memories, limit=limit)
    return OfflineAnswer(json.dumps({"memory_ids": list(ids)}))


def _answer(request: _Request) -> OfflineAnswer:
    question = request.block("question")
    context = [i.text for i in request.items("context")] or [
        line for line in request.block("context").splitlines() if line.strip()
    ]
    context = [resolve_dated_text(text) for text in context]
    if not question:  # no memlab prompt: answer the last user message from the other messages
        texts = [_text_of(m) for m in request.messages]
        question, context = (texts[-1], texts[:-1]) if texts else ("", [])
    return OfflineAnswer(rules.answer(question, context))


def _judge(request: _Request) -> OfflineAnswer:
    correct, score = rules.judge(
        request.block("question"), request.block("gold"), request.block("prediction")
    )
    return OfflineAnswer(json.dumps({"correct": correct, "score": round(score, 4)}))


_TASKS: dict[str, Callable[[_Request], OfflineAnswer]] = {
    "extract-tools": _extract_tools,
    "extract-json": _extract_json,
    "facts": _facts,
    "decide": _decide,
    "update-tools": _update_tools,
    "summarize": _summarize,
    "search": _search,
    "answer": _answer,
    "judge": _judge,
}
TASKS = frozenset(_TASKS)
"""The prompt tasks (`<!-- memlab:task=… -->`) the offline model answers."""


def respond(
    messages: Sequence[Mapping[str, Any]], *, tools: Sequence[Mapping[str, Any]] | None = None
) -> OfflineAnswer:
    """The offline model's answer to a chat request."""
    text = "\n".join(_text_of(m) for m in messages)
    options = parse_header(text)
    task = options.get("task", "")
    if task not in _TASKS:
        names = {str((t.get("function") or {}).get("name")) for t in tools or []}
        task = "extract-tools" if ADD_MEMORY in names else "answer"
    return _TASKS[task](_Request(options, parse_blocks(text), list(messages)))


def _usage_text(messages: Sequence[Mapping[str, Any]], tools: Any) -> str:
    text = "\n".join(_text_of(m) for m in messages)
    return text + ("\n" + json.dumps(tools) if tools else "")


class OfflineModel(CustomLLM):
    """The litellm handler of provider `memlab` (model `memlab/offline`)."""

    def completion(self, model: str, messages: list[Any], *args: Any, **kwargs: Any) -> Any:
        """Answer synchronously."""
        return self._answer(messages, kwargs)

    async def acompletion(self, model: str, messages: list[Any], *args: Any, **kwargs: Any) -> Any:
        """Answer (there is nothing to wait for; the rules run in microseconds to milliseconds)."""
        return self._answer(messages, kwargs)

    def _answer(self, messages: list[Any], kwargs: Mapping[str, Any]) -> Any:
        params = kwargs.get("optional_params") or {}
        tools = params.get("tools")
        answer = respond(messages, tools=tools)
        calls = [
            ChatCompletionMessageToolCall(
                id=f"call_{i}", type="function", function=Function(name=name, arguments=arguments)
            )
            for i, (name, arguments) in enumerate(answer.tool_calls)
        ]
        response: Any = kwargs.get("model_response") or ModelResponse()
        response.choices = [
            Choices(
                index=0,
                finish_reason="tool_calls" if calls else "stop",
                message=Message(role="assistant", content=answer.text, tool_calls=calls or None),
            )
        ]
        tokens_in = count_tokens(_usage_text(messages, tools))
        tokens_out = count_tokens(answer.text or "") + sum(
            count_tokens(name) + count_tokens(arguments) for name, arguments in answer.tool_calls
        )
        response.usage = LiteUsage(
            prompt_tokens=tokens_in,
            completion_tokens=tokens_out,
            total_tokens=tokens_in + tokens_out,
        )
        response.model = "memlab/offline"
        return response
