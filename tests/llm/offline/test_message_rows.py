"""Messages read back from the store are what `model_construct` would build."""

from __future__ import annotations

from datetime import UTC, datetime

from memlab.db.rows import message_from_row, message_row
from memlab.schema import Message, ToolCall


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
