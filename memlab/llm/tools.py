"""The memory-editing tools offered to a model, in the OpenAI function-calling format."""

from __future__ import annotations

from typing import Any

__all__ = ["ADD_MEMORY", "DELETE_MEMORY", "MEMORY_TOOLS", "UPDATE_MEMORY"]

ADD_MEMORY = "add_memory"
UPDATE_MEMORY = "update_memory"
DELETE_MEMORY = "delete_memory"

_TEXT = {"type": "string", "description": "The fact, one short third-person sentence."}
_TOPICS = {"type": "array", "items": {"type": "string"}, "description": "Short topic labels."}
_SOURCES = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Ids of the messages the fact comes from.",
}
_ID = {"type": "string", "description": "Id of a stored memory, from the list."}


def _tool(
    name: str, description: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


MEMORY_TOOLS: list[dict[str, Any]] = [
    _tool(
        ADD_MEMORY,
        "Store a new fact about the user.",
        {"memory": _TEXT, "topics": _TOPICS, "source_message_ids": _SOURCES},
        ["memory"],
    ),
    _tool(
        UPDATE_MEMORY,
        "Replace the text of a stored memory that the conversation changed.",
        {"memory_id": _ID, "memory": _TEXT, "topics": _TOPICS, "source_message_ids": _SOURCES},
        ["memory_id", "memory"],
    ),
    _tool(
        DELETE_MEMORY,
        "Delete a stored memory that is wrong or that the user wants forgotten.",
        {"memory_id": _ID},
        ["memory_id"],
    ),
]
"""add_memory, update_memory and delete_memory."""
