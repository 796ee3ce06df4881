"""memlab: measure long-term memory designs for LLM agents.

The public surface is small on purpose; submodules (`memlab.db`, `memlab.llm`,
`memlab.recall`, `memlab.errors`, `memlab.testing`) hold the rest.
"""

from memlab.db import DuckDbMemoryDb, MemoryDb
from memlab.errors import ConfigError, MemlabError, ModelCallError
from memlab.llm import LLM
from memlab.manager import MemoryManager
from memlab.memory import Memory
from memlab.schema import MemoryOp, Message, Run, SessionSummary, Usage, UserMemory
from memlab.summarizer import SessionSummarizer

__all__ = [
    "LLM",
    "ConfigError",
    "DuckDbMemoryDb",
    "MemlabError",
    "Memory",
    "MemoryDb",
    "MemoryManager",
    "MemoryOp",
    "Message",
    "ModelCallError",
    "Run",
    "SessionSummarizer",
    "SessionSummary",
    "Usage",
    "UserMemory",
]
