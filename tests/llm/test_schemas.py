"""Structured answers ask for a bounded JSON schema and fall back to JSON mode where refused."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import ModelCallError
from memlab.llm import LLM
from memlab.llm.parse import complete_parsed, ops_from_json
from memlab.llm.schemas import JSON_OBJECT, MAX_MEMORY_CHARS, MAX_OPS, ops_response_format
from memlab.llm.sync import run_sync
from memlab.testing import OpenAIServer, Reply, Status

HttpLLM = Callable[..., LLM]
REQUEST = [{"role": "user", "content": "Remember: Ana moved to Lisbon."}]
GOOD = json.dumps({"ops": [{"op": "add", "memory": "Ana lives in Lisbon"}]})


def _formats(server: OpenAIServer) -> list[str]:
    return [(r.body or {}).get("response_format", {}).get("type") for r in server.requests]


def test_the_schema_is_bounded() -> None:
    schema = ops_response_format()["json_schema"]["schema"]
    ops = schema["properties"]["ops"]
    assert ops["maxItems"] == MAX_OPS == 30
    assert ops["items"]["properties"]["memory"]["maxLength"] == MAX_MEMORY_CHARS == 300


def test_a_server_that_takes_schemas_gets_one(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    server.script(Reply(GOOD))
    llm = http_llm()
    parsed = run_sync(
        complete_parsed(
            llm, REQUEST, ops_from_json, purpose="extract", response_format=ops_response_format()
        )
    )
    assert [op.memory for op in parsed.value] == ["Ana lives in Lisbon"]
    sent = (server.requests[0].body or {})["response_format"]
    assert sent == ops_response_format() and not llm.schema_refused


def test_a_refused_schema_falls_back_to_json_mode_and_is_remembered(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    refusal = {"error": {"message": "response_format type json_schema is not supported"}}
    server.script(Status(400, body=refusal), Reply(GOOD), Reply(GOOD))
    llm = http_llm(cache=False)
    for _ in range(2):
        parsed = run_sync(
            complete_parsed(
                llm,
                REQUEST,
                ops_from_json,
                purpose="extract",
                response_format=ops_response_format(),
            )
        )
        assert [op.memory for op in parsed.value] == ["Ana lives in Lisbon"]
    assert llm.schema_refused
    # one refusal, then JSON mode, and the next call skips the schema
    assert _formats(server) == ["json_schema", "json_object", "json_object"]
    errors = db.llm_calls_df()["error"].tolist()
    assert errors[0].startswith(
        f"the server at {server.base_url} rejected the request for 'openai/test-model' as "
        "invalid (HTTP 400: response_format type json_schema is not supported)"
    )
    assert [e is None or e != e for e in errors[1:]] == [True, True]
    assert JSON_OBJECT == {"type": "json_object"}


def test_a_refused_key_is_no_schema_refusal(http_llm: HttpLLM, server: OpenAIServer) -> None:
    server.script(Status(401))
    llm = http_llm()
    schema = ops_response_format()
    with pytest.raises(ModelCallError):
        run_sync(
            complete_parsed(llm, REQUEST, ops_from_json, purpose="extract", response_format=schema)
        )
    assert not llm.schema_refused and len(server.requests) == 1
