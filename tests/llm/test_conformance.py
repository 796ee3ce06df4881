"""Provider conformance: answer shapes real servers send, replayed through litellm and HTTP.

Each body is written by hand from the providers' public documentation: OpenAI's chat
completion (tool calls, `content: null`, `refusal`, `finish_reason: "length"`, usage with
`prompt_tokens_details.cached_tokens`), Hermes/Qwen chat templates that write tool calls into
the text as `<tool_call>{...}</tool_call>`, models that wrap JSON in a markdown fence or put a
sentence before it, Ollama-style answers without `usage`, an empty `choices` list, and a 200
whose body is an error object. For each: the outcome (parsed ops, an error with a true
message, or a repair) and the ledger row's tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import ExtractionError, ModelCallError
from memlab.llm import LLM
from memlab.llm.parse import complete_parsed, ops_from_json, ops_from_tool_calls
from memlab.llm.request import Completion
from memlab.llm.sync import run_sync
from memlab.llm.tools import MEMORY_TOOLS
from memlab.schema import MemoryOp
from memlab.testing import OpenAIServer, Raw, Reply

HttpLLM = Callable[..., LLM]
REQUEST = [{"role": "user", "content": "Remember: Ana moved to Lisbon."}]
LISBON = {"memory": "Ana lives in Lisbon", "source_message_ids": ["m1"]}
CAT = {"memory": "Ana has a cat named Bolt", "source_message_ids": ["m1"]}
OPS_JSON = json.dumps({"ops": [{"op": "add", **LISBON}]})


def chat(
    message: dict[str, Any],
    *,
    finish: str = "stop",
    usage: dict[str, Any] | None = None,
    choices: list[Any] | None = None,
) -> Raw:
    """An OpenAI `chat.completion` body (usage None leaves the key out, as Ollama-style)."""
    body: dict[str, Any] = {
        "id": "chatcmpl-conformance",
        "object": "chat.completion",
        "created": 1767225600,
        "model": "test-model",
        "choices": choices
        if choices is not None
        else [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
    }
    if usage is not None:
        body["usage"] = usage
    return Raw(json.dumps(body))


def usage(prompt: int, completion: int, **extra: Any) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        **extra,
    }


def tool_call(number: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"call_{number}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }


def hermes(*calls: dict[str, Any]) -> str:
    return "\n".join(f"<tool_call>\n{json.dumps(c)}\n</tool_call>" for c in calls)


@dataclass(frozen=True)
class Shape:
    steps: tuple[Raw | Reply, ...]
    tools: bool
    """Ask with the memory tools (agno-v2 style) or for JSON (single-pass-json style)."""
    memories: tuple[str, ...] = ()
    """The ops' memory texts, when the answer parses."""
    error: str | None = None
    """The start of the error raised, when it does not."""
    tokens: tuple[tuple[int | None, int | None], ...] = ()
    """(input, output) tokens of each ledger row, in order."""
    used: tuple[bool | None, ...] = field(default=())
    """`tools_used` of each ledger row, when asked with tools."""


SHAPES = [
    pytest.param(
        Shape(
            (
                chat(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [tool_call(0, "add_memory", LISBON)],
                    },
                    finish="tool_calls",
                    usage=usage(52, 14),
                ),
            ),
            tools=True,
            memories=("Ana lives in Lisbon",),
            tokens=((52, 14),),
            used=(True,),
        ),
        id="openai-tool-call-content-null",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            tool_call(0, "add_memory", LISBON),
                            tool_call(1, "add_memory", CAT),
                        ],
                    },
                    finish="tool_calls",
                    usage=usage(52, 31),
                ),
            ),
            tools=True,
            memories=("Ana lives in Lisbon", "Ana has a cat named Bolt"),
            tokens=((52, 31),),
            used=(True,),
        ),
        id="openai-parallel-tool-calls",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {
                        "role": "assistant",
                        "content": hermes(
                            {"name": "add_memory", "arguments": LISBON},
                            {"name": "add_memory", "arguments": CAT},
                        ),
                    },
                    usage=usage(60, 48),
                ),
            ),
            tools=True,
            memories=("Ana lives in Lisbon", "Ana has a cat named Bolt"),
            tokens=((60, 48),),
            used=(True,),
        ),
        id="hermes-qwen-tool-calls-in-text",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {"role": "assistant", "content": "Nothing new to remember."}, usage=usage(40, 5)
                ),
            ),
            tools=True,
            memories=(),
            tokens=((40, 5),),
            used=(False,),
        ),
        id="text-answer-to-a-tool-request",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {"role": "assistant", "content": f"```json\n{OPS_JSON}\n```"},
                    usage=usage(70, 22),
                ),
            ),
            tools=False,
            memories=("Ana lives in Lisbon",),
            tokens=((70, 22),),
        ),
        id="json-in-a-markdown-fence",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {
                        "role": "assistant",
                        "content": f"Here are the memory operations:\n{OPS_JSON}",
                    },
                    usage=usage(70, 27),
                ),
            ),
            tools=False,
            memories=("Ana lives in Lisbon",),
            tokens=((70, 27),),
        ),
        id="json-after-a-preamble",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {"role": "assistant", "content": "Sure! Ana lives in Lisbon."},
                    usage=usage(70, 6),
                ),
                chat({"role": "assistant", "content": OPS_JSON}, usage=usage(120, 20)),
            ),
            tools=False,
            memories=("Ana lives in Lisbon",),
            tokens=((70, 6), (120, 20)),
        ),
        id="prose-then-repair",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {
                        "role": "assistant",
                        "content": None,
                        "refusal": "I'm sorry, I can't help with that request.",
                    },
                    usage=usage(70, 11),
                ),
            ),
            tools=False,
            error="openai/test-model answered unusably (call ",
            tokens=((70, 11),),
        ),
        id="refusal",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {
                        "role": "assistant",
                        "content": '{"ops": [{"op": "add", "memory": "Ana lives in Lis',
                    },
                    finish="length",
                    usage=usage(70, 400),
                ),
            ),
            tools=False,
            error="openai/test-model answered unusably (call ",
            tokens=((70, 400),),
        ),
        id="cut-at-max-tokens",
    ),
    pytest.param(
        Shape(
            (chat({}, choices=[], usage=usage(70, 0)),),
            tools=False,
            error="the server at {base} answered 'openai/test-model' with a body that is not a "
            "chat completion: an empty 'choices' list, so no message.",
            tokens=((70, None),),
        ),
        id="empty-choices",
    ),
    pytest.param(
        Shape(
            (chat({"role": "assistant", "content": OPS_JSON}),),
            tools=False,
            memories=("Ana lives in Lisbon",),
            tokens=((None, None),),
        ),
        id="ollama-without-usage",
    ),
    pytest.param(
        Shape(
            (
                chat(
                    {"role": "assistant", "content": OPS_JSON},
                    usage=usage(1200, 20, prompt_tokens_details={"cached_tokens": 1024}),
                ),
            ),
            tools=False,
            memories=("Ana lives in Lisbon",),
            tokens=((1200, 20),),
        ),
        id="usage-with-cached-prompt-tokens",
    ),
    pytest.param(
        Shape(
            (
                Raw(
                    json.dumps(
                        {
                            "error": {
                                "message": "The server is overloaded, please try again later.",
                                "type": "server_error",
                                "code": 503,
                            }
                        }
                    )
                ),
            ),
            tools=False,
            error="the server at {base} answered 'openai/test-model' with HTTP 200 but an error "
            "instead of a completion: 'The server is overloaded, please try again later.': "
            "check the server's logs",
            tokens=((None, None),),
        ),
        id="http-200-with-an-error-object",
    ),
]


def parse(tools: bool) -> Callable[[Completion], list[MemoryOp]]:
    return ops_from_tool_calls if tools else ops_from_json


@pytest.mark.parametrize("shape", SHAPES)
def test_shape(shape: Shape, http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb) -> None:
    server.script(*shape.steps)
    llm = http_llm(max_retries=0)
    options: dict[str, Any] = {"purpose": "extract"}
    if shape.tools:
        options["tools"] = MEMORY_TOOLS
    else:
        options["response_format"] = {"type": "json_object"}
    if shape.error is None:
        parsed = run_sync(complete_parsed(llm, REQUEST, parse(shape.tools), **options))
        assert tuple(op.memory for op in parsed.value) == shape.memories
        assert all(op.op == "add" for op in parsed.value)
    else:
        with pytest.raises(ModelCallError) as err:
            run_sync(complete_parsed(llm, REQUEST, parse(shape.tools), **options))
        assert str(err.value).startswith(shape.error.format(base=server.base_url))
    assert len(server.requests) == len(shape.steps)  # no retry beyond the script
    calls = db.llm_calls_df()
    tokens = [
        (None if pd.isna(i) else int(i), None if pd.isna(o) else int(o))  # NA is unknown
        for i, o in zip(calls["input_tokens"], calls["output_tokens"], strict=True)
    ]
    assert tuple(tokens) == shape.tokens
    assert calls["tools_requested"].tolist() == [shape.tools] * len(calls)
    if shape.used:
        assert tuple(calls["tools_used"]) == shape.used


def test_a_refusal_is_an_error_that_quotes_it(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    refusal = "I'm sorry, I can't help with that request."
    server.script(
        chat({"role": "assistant", "content": None, "refusal": refusal}, usage=usage(9, 9))
    )
    with pytest.raises(ExtractionError) as err:
        run_sync(complete_parsed(http_llm(), REQUEST, ops_from_json, purpose="extract"))
    call_id = db.llm_calls_df()["call_id"].iloc[0]
    assert str(err.value) == (
        f"openai/test-model answered unusably (call {call_id}: the model refused: {refusal!r}); "
        "not retried: the model declined the request; try another model or prompt. The raw "
        "answer is on this error's .raw; the call is in llm_calls."
    )
    assert err.value.raw == f"refusal: {refusal}"
    assert db.llm_calls_df()["error"].tolist() == [
        f"unusable output: the model refused: {refusal!r}"
    ]


def test_a_truncated_answer_is_an_error_record_not_a_repair(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    cut = '{"ops": [{"op": "add", "memory": "Ana lives in Lis'
    server.script(
        chat({"role": "assistant", "content": cut}, finish="length", usage=usage(70, 400))
    )
    with pytest.raises(ExtractionError) as err:
        run_sync(complete_parsed(http_llm(), REQUEST, ops_from_json, purpose="extract"))
    call_id = db.llm_calls_df()["call_id"].iloc[0]
    problem = (
        "the answer was cut at the output cap after 400 tokens (finish_reason 'length'), so it "
        "is incomplete"
    )
    assert str(err.value) == (
        f"openai/test-model answered unusably (call {call_id}: {problem}); not retried: a "
        "repair prompt would run into the same cap; raise the output cap (a replay stage's "
        "max_tokens, or LLM(params={'max_tokens': N})) or use a prompt whose answer is "
        "shorter. The raw "
        "answer is on this error's .raw; the call is in llm_calls."
    )
    assert err.value.raw == cut
    assert len(server.requests) == 1
    assert db.llm_calls_df()["error"].tolist() == [f"unusable output: {problem}"]


def test_tool_calls_in_text_are_cached_as_tool_calls(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    text = hermes({"name": "add_memory", "arguments": LISBON})
    server.script(chat({"role": "assistant", "content": text}, usage=usage(60, 20)))
    llm = http_llm()
    first = llm.complete(REQUEST, purpose="extract", tools=MEMORY_TOOLS)
    again = llm.complete(REQUEST, purpose="extract", tools=MEMORY_TOOLS)
    assert len(server.requests) == 1 and again.cached
    for done in (first, again):
        assert [(c.name, json.loads(c.arguments)) for c in done.tool_calls] == [
            ("add_memory", LISBON)
        ]
        assert done.text is None and done.finish_reason == "tool_calls"
    assert db.llm_calls_df()["tools_used"].tolist() == [True, True]
