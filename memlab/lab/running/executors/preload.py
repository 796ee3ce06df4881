"""What the `processes` fork server imports once, so that every worker forked from it is warm.

Importing this module imports the worker's code and litellm (with the offline model
registered) and loads the tokenizer: a few seconds of CPU that each worker would otherwise
spend before its first model call, paid once, in the fork server, while the driver sets up.
litellm starts no thread on import, so forking after it is safe.
"""

from __future__ import annotations

from memlab.lab.running.executors import worker
from memlab.llm.loader import litellm
from memlab.tokens import tokenizer

__all__ = ["worker"]

litellm()
tokenizer()
