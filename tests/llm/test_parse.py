"""Parsing model answers into typed values; the repair retry."""

from __future__ import annotations

import json

import pytest

from memlab.llm.parse import OutputError, json_object, ops_from_json, ops_from_tool_calls
from memlab.llm.request import Completion
from memlab.schema import ToolCall


def tools(*calls: tuple[str, str]) -> Completion:
    return Completion(
        None, tuple(ToolCall(id=f"c{i}", name=n, arguments=a) for i, (n, a) in enumerate(calls))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('{"a": 1}', {"a": 1}, id="plain"),
        pytest.param('```json\n{"a": 1}\n```', {"a": 1}, id="fenced"),
        pytest.param('Sure! Here it is: {"a": 1} Hope it helps.', {"a": 1}, id="chatty"),
    ],
)
def test_json_object_accepts_common_wrappings(text: str, expected: dict[str, int]) -> None:
    assert json_object(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(None, "is empty", id="none"),
        pytest.param("  ", "is empty", id="blank"),
        pytest.param('{"ops": [', "not valid JSON", id="truncated"),
        pytest.param("[1, 2]", "must be a JSON object, not list", id="list"),
    ],
)
def test_json_object_refuses_what_is_not_an_object(text: str | None, message: str) -> None:
    with pytest.raises(OutputError, match=message):
        json_object(text)


def test_tool_calls_become_ops() -> None:
    ops = ops_from_tool_calls(
        tools(
            (
                "add_memory",
                json.dumps(
                    {"memory": "Ana likes tea", "topics": "food", "source_message_ids": ["m1"]}
                ),
            ),
            ("update_memory", json.dumps({"memory_id": "x", "memory": "Ana lives in Lisbon"})),
            ("delete_memory", json.dumps({"memory_id": "y"})),
        )
    )
    assert [(o.op, o.memory_id, o.memory) for o in ops] == [
        ("add", None, "Ana likes tea"),
        ("update", "x", "Ana lives in Lisbon"),
        ("delete", "y", None),
    ]
    assert ops[0].topics == ["food"] and ops[0].source_message_ids == ["m1"]
    assert ops_from_tool_calls(Completion("nothing to remember")) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            ("forget_everything", "{}"), "unknown tool 'forget_everything'", id="unknown-tool"
        ),
        pytest.param(
            ("add_memory", '{"memory": "x"'),
            "arguments of add_memory is not valid JSON",
            id="bad-json",
        ),
        pytest.param(
            ("update_memory", '{"memory": "x"}'),
            "update_memory is missing memory_id",
            id="missing-arg",
        ),
        pytest.param(
            ("add_memory", '{"memory": 42}'),
            "memory: Input should be a valid string",
            id="wrong-type",
        ),
    ],
)
def test_invalid_tool_calls_fail_to_parse(call: tuple[str, str], message: str) -> None:
    with pytest.raises(OutputError, match=message):
        ops_from_tool_calls(tools(call))


def test_json_ops_accept_mem0_style_names() -> None:
    text = json.dumps(
        {"ops": [{"op": "ADD", "memory": "a"}, {"op": "NONE"}, {"op": "Delete", "memory_id": "z"}]}
    )
    assert [o.op for o in ops_from_json(Completion(text))] == ["add", "noop", "delete"]
    with pytest.raises(OutputError, match="op must be add, update, delete or noop"):
        ops_from_json(Completion(json.dumps({"ops": [{"op": "merge"}]})))
