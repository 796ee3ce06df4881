"""Test doubles that ship with memlab, so tests exercise real code paths instead of mocks.

`OpenAIServer` is a local OpenAI-compatible HTTP server whose answers are scripted per request.
"""

from memlab.testing.openai_server import (
    EmptyChoices,
    Hang,
    OpenAIServer,
    Raw,
    RecordedRequest,
    Reply,
    Responder,
    Status,
    Step,
    echo_responder,
)

__all__ = [
    "EmptyChoices",
    "Hang",
    "OpenAIServer",
    "Raw",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Status",
    "Step",
    "echo_responder",
]
