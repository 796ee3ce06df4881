"""The model layer: one litellm chokepoint (`LLM`), the offline baseline, versioned prompts.

Importing this package does not import litellm; the first model call does, with the cost map
read from disk so nothing touches the network.
"""

from memlab.llm.client import LLM
from memlab.llm.loader import OFFLINE_MODEL
from memlab.llm.network import block_network
from memlab.llm.parse import Parsed, complete_parsed
from memlab.llm.prompt import Prompt, get_prompt, load_prompt, register_prompt
from memlab.llm.qa import Judgement, answer_question, judge_answer
from memlab.llm.request import Completion
from memlab.tokens import count_tokens

__all__ = [
    "LLM",
    "OFFLINE_MODEL",
    "Completion",
    "Judgement",
    "Parsed",
    "Prompt",
    "answer_question",
    "block_network",
    "complete_parsed",
    "count_tokens",
    "get_prompt",
    "judge_answer",
    "load_prompt",
    "register_prompt",
]
