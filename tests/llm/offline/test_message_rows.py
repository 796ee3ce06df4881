"""Messages read back from the store are what `model_construct` would build."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from memlab.db.rows import message_from_row, message_row, run_from_row
from memlab.schema import Message, Run, ToolCall


def test_message_from_row_equals_model_construct() -> None:
    messages = [
        Message(role="user", content="I moved to Porto.", name="Ana"),
        Message(
            role="assistant",
            content="",
            tool_calls=[ToolCall(id="c1", name="add_memory", arguments='{"memory": "x"}')],
            created_at=datetime(2023, 5, 7, 12, tzinfo=UTC),
        ),
        Message(role="tool", content="ok", tool_call_id="c1", from_history=True),
    ]
    for message in messages:
        read = message_from_row(message_row(message))
        assert read == message
        assert (
            read.__pydantic_fields_set__
            == Message.model_construct(**message.model_dump()).__pydantic_fields_set__
        )
        assert read.model_dump() == message.model_dump()
        # A built message stays a normal, validated-on-assignment model.
        read.content = "changed"
        assert read.content == "changed" and message.content != "changed"


def test_run_from_row_equals_a_validated_run() -> None:
    messages = [Message(role="user", content="I moved to Porto.")]
    created = datetime(2023, 5, 7, 12, 30)  # as the store returns it: naive UTC
    row = ("r1", "s1", "error", created)
    read = run_from_row(row, "u1", messages)
    validated = Run(
        run_id="r1",
        session_id="s1",
        user_id="u1",
        status="error",
        created_at=created,
        messages=messages,
    )
    assert read == validated
    assert read.created_at == datetime(2023, 5, 7, 12, 30, tzinfo=UTC)
    assert read.__pydantic_fields_set__ == validated.__pydantic_fields_set__
    assert read.model_dump() == validated.model_dump()
    # A built run stays a normal, validated-on-assignment model.
    read.status = "completed"
    assert read.status == "completed"
    with pytest.raises(ValidationError):
        read.status = "lost"  # type: ignore[assignment]
