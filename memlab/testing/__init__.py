"""Test doubles that ship with memlab, so tests exercise real code paths instead of mocks.

`OpenAIServer` is a local OpenAI-compatible HTTP server whose answers are scripted per request.
`FakeClock` is a retry clock that records its waits instead of sleeping.
`PlainMemoryDb` is a store with exactly the `MemoryDb` methods (recall's generic path).
`memlab.testing.store_suite` holds the `MemoryDb` contract as a pytest suite a backend runs
against itself; it imports pytest, so it is not imported here.
"""

from memlab.testing.clock import FakeClock
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
from memlab.testing.plain_store import PlainMemoryDb

__all__ = [
    "EmptyChoices",
    "FakeClock",
    "Hang",
    "OpenAIServer",
    "PlainMemoryDb",
    "Raw",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Status",
    "Step",
    "echo_responder",
]
