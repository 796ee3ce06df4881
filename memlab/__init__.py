"""memlab: measure long-term memory designs for LLM agents.

The public surface is small on purpose; submodules (`memlab.db`, `memlab.recall`, ...) hold
the rest.
"""

from memlab.db import DuckDbMemoryDb, MemoryDb
from memlab.errors import ConfigError, MemlabError, ModelCallError, StoreError
from memlab.memory import Memory
from memlab.schema import Message, MemoryOp, Run, SessionSummary, Usage, UserMemory

__all__ = [
    "ConfigError",
    "DuckDbMemoryDb",
    "MemlabError",
    "Memory",
    "MemoryDb",
    "MemoryOp",
    "Message",
    "ModelCallError",
    "Run",
    "SessionSummary",
    "StoreError",
    "Usage",
    "UserMemory",
]
