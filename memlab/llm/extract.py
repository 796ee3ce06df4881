"""The extraction strategies: how a model turns a conversation into memory operations.

- `agno-v2`: the stored memories in the prompt, add/update/delete tools, one call.
- `mem0-style`: step 1 extracts candidate facts with no memories in the prompt; step 2 shows
  each fact with only its most similar stored memories and asks ADD/UPDATE/DELETE/NONE.
- `single-pass-json`: one call answering one JSON object with every op.

Prompts show short handles instead of stored ids (`m1` for messages, `k1` for memories; see
`memlab.llm.handles`) and date each conversation turn, so identical inputs make identical,
cacheable requests and the model can resolve "last Saturday". A strategy proposes ops written
with those handles; `MemoryManager` maps them back through `ExtractionRequest.handles`,
validates and applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from memlab.llm.client import LLM, LedgerStore
from memlab.llm.handles import Handles
from memlab.llm.parse import (
    Parsed,
    complete_parsed,
    ops_from_json,
    ops_from_tool_calls,
    parse_model,
)
from memlab.llm.prompt import Prompt, get_prompt
from memlab.llm.request import Completion
from memlab.llm.schemas import (
    decisions_response_format,
    facts_response_format,
    ops_response_format,
)
from memlab.llm.sections import clip, day_of, format_day, render_block, render_items, render_turns
from memlab.llm.tools import MEMORY_TOOLS
from memlab.registry import Registry
from memlab.schema import MemoryOp, Message, Usage, UserMemory

__all__ = [
    "EXTRACTORS",
    "ExtractionRequest",
    "Extractor",
    "Proposal",
    "get_extractor",
    "register_extractor",
]


class SimilarFn(Protocol):
    """Returns the stored memories a prompt shows for some texts (all, or the top k)."""

    def __call__(self, texts: Sequence[str], *, share: int = 1) -> list[UserMemory]:
        """The memories to show; `share` splits the top-k budget among that many prompts parts."""
        ...


@dataclass(frozen=True)
class ExtractionRequest:
    """What a strategy gets: the conversation, the memories to show, and ledger context.

    `handles` numbers the messages and memories the prompts show; the ops a strategy returns
    use those handles and the manager maps them back.
    """

    user_id: str
    messages: Sequence[Message]
    context: SimilarFn
    include_assistant: bool = False
    session_id: str | None = None
    run_id: str | None = None
    handles: Handles = field(default_factory=Handles)
    store: LedgerStore | None = None
    """Where the calls' ledger rows and cache entries go: the store of the memories."""

    def ledger(self) -> dict[str, Any]:
        """Ledger context for `LLM.acomplete`: whom the calls serve, and the store they go to."""
        return {
            "user_id": self.user_id,
            "session_id": self.session_id,
            "run_id": self.run_id,
            "ledger": self.store,
        }

    def values(self) -> dict[str, str]:
        """Prompt values shared by the strategies."""
        turns = [
            (self.handles.message(m.id), m.role, m.content, m.created_at)
            for m in self.messages
            if m.content.strip()
        ]
        note = (
            " or what the assistant reliably learned about them" if self.include_assistant else ""
        )
        return {
            "conversation": render_block("conversation", render_turns(turns)),
            "assistant_note": note,
        }

    def memories(self, memories: Sequence[UserMemory]) -> str:
        """The `[k<n>] text` lines of stored memories, under their handles."""
        return render_items((self.handles.memory(m.memory_id or ""), m.memory) for m in memories)

    def day_of_fact(self, sources: Sequence[str]) -> str:
        """The date of a fact's first cited message (else of the last message), as rendered."""
        dated = {m.id: m.created_at for m in self.messages}
        ids = [self.handles.message_id(h) for h in sources]
        cited = [dated[i] for i in ids if i is not None and i in dated]
        when = cited[0] if cited else self.messages[-1].created_at
        return format_day(day_of(when))


@dataclass(frozen=True)
class Proposal:
    """The ops a strategy proposes, the call that caused them, and what all calls used."""

    ops: list[MemoryOp]
    cause: str
    usage: Usage
    call_ids: tuple[str, ...]
    prompt: str


class Extractor(Protocol):
    """An extraction strategy."""

    name: str

    async def propose(self, llm: LLM, request: ExtractionRequest) -> Proposal:
        """Ask the model for ops."""
        ...


EXTRACTORS: Registry[Callable[[], Extractor]] = Registry(
    "extraction strategy", hint="register one with @memlab.llm.extract.register_extractor(name)"
)
"""Extraction strategies by name (the `prompt` of `MemoryManager`)."""

_E = TypeVar("_E", bound=Callable[[], Extractor])


def register_extractor(name: str) -> Callable[[_E], _E]:
    """Register an extraction strategy (a class whose instances are `Extractor`s) under `name`."""
    return EXTRACTORS.register(name)


def get_extractor(name: str) -> Extractor:
    """A new instance of the extraction strategy registered as `name`.

    Raises:
        ConfigError: no extraction strategy has that name.
    """
    return EXTRACTORS.get(name)()


def _texts(request: ExtractionRequest) -> list[str]:
    return [
        m.content
        for m in request.messages
        if m.role == "user" or (request.include_assistant and m.role == "assistant")
    ]


def _proposal(parsed: Parsed[list[MemoryOp]], prompt: Prompt) -> Proposal:
    return Proposal(parsed.value, parsed.call_id, parsed.usage, parsed.call_ids, prompt.label)


async def _one_call(
    llm: LLM,
    request: ExtractionRequest,
    prompt: Prompt,
    parse: Callable[[Completion], list[MemoryOp]],
    **options: Any,
) -> Proposal:
    messages = prompt.render(
        options={"include_assistant": request.include_assistant},
        memories=render_block("memories", request.memories(request.context(_texts(request)))),
        **request.values(),
    )
    parsed = await complete_parsed(
        llm, messages, parse, purpose=prompt.purpose, prompt=prompt, **options, **request.ledger()
    )
    return _proposal(parsed, prompt)


@register_extractor("agno-v2")
class AgnoV2:
    """All (or top-k) stored memories in the prompt; add/update/delete tool calls."""

    name = "agno-v2"

    async def propose(self, llm: LLM, request: ExtractionRequest) -> Proposal:
        """One call with the memory tools."""
        return await _one_call(
            llm, request, get_prompt("agno-v2"), ops_from_tool_calls, tools=MEMORY_TOOLS
        )


@register_extractor("single-pass-json")
class SinglePassJson:
    """One call answering `{"ops": [...]}`."""

    name = "single-pass-json"

    async def propose(self, llm: LLM, request: ExtractionRequest) -> Proposal:
        """One call in JSON mode."""
        return await _one_call(
            llm,
            request,
            get_prompt("single-pass-json"),
            ops_from_json,
            response_format=ops_response_format(),
        )


class _Fact(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str
    topics: list[str] = Field(default_factory=list)
    source_message_ids: list[str] = Field(default_factory=list)


class _Facts(BaseModel):
    model_config = ConfigDict(extra="ignore")
    facts: list[_Fact]


class _Decision(BaseModel):
    model_config = ConfigDict(extra="ignore")
    fact: int
    action: str
    memory_id: str | None = None
    text: str | None = None

    @field_validator("action")
    @classmethod
    def _action(cls, value: str) -> str:
        if value.strip().upper() not in ("ADD", "UPDATE", "DELETE", "NONE"):
            raise ValueError(f"action must be ADD, UPDATE, DELETE or NONE, not {value!r}")
        return value.strip().upper()


class _Decisions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    decisions: list[_Decision]


@register_extractor("mem0-style")
class Mem0Style:
    """Two steps: extract facts, then decide per fact against its most similar memories."""

    name = "mem0-style"

    async def propose(self, llm: LLM, request: ExtractionRequest) -> Proposal:
        """Up to two calls; no second call when step 1 finds no fact."""
        step1, step2 = get_prompt("mem0-style-facts"), get_prompt("mem0-style-update")
        facts = await complete_parsed(
            llm,
            step1.render(
                options={"include_assistant": request.include_assistant}, **request.values()
            ),
            lambda c: parse_model(_Facts, c.text, what='the {"facts": [...]} object').facts,
            purpose=step1.purpose,
            prompt=step1,
            response_format=facts_response_format(),
            **request.ledger(),
        )
        if not facts.value:
            return Proposal([], facts.call_id, facts.usage, facts.call_ids, step1.label)
        blocks = []
        for i, fact in enumerate(facts.value, start=1):
            # The top-k budget is per call: each fact gets its share, as mem0 shows few per fact.
            similar = request.context([fact.text], share=len(facts.value))
            blocks.append(
                render_block(
                    "fact",
                    clip(fact.text),
                    index=str(i),
                    sources=" ".join(fact.source_message_ids),
                    topics=",".join(fact.topics),
                    date=request.day_of_fact(fact.source_message_ids),
                )
            )
            blocks.append(render_block("similar", request.memories(similar), index=str(i)))
        decisions = await complete_parsed(
            llm,
            step2.render(facts="\n".join(blocks)),
            lambda c: (
                parse_model(_Decisions, c.text, what='the {"decisions": [...]} object').decisions
            ),
            purpose=step2.purpose,
            prompt=step2,
            response_format=decisions_response_format(max_decisions=len(facts.value)),
            **request.ledger(),
        )
        ops = [op for d in decisions.value if (op := _decision_op(d, facts.value)) is not None]
        return Proposal(
            ops,
            decisions.call_id,
            facts.usage + decisions.usage,
            facts.call_ids + decisions.call_ids,
            f"{step1.label}+{step2.label}",
        )


def _decision_op(decision: _Decision, facts: Sequence[_Fact]) -> MemoryOp | None:
    fact = facts[decision.fact - 1] if 1 <= decision.fact <= len(facts) else None
    text = decision.text or (fact.text if fact else None)
    sources = list(fact.source_message_ids) if fact else []
    topics = list(fact.topics) if fact else []
    if decision.action == "NONE":
        return None
    if decision.action == "ADD":
        return MemoryOp(op="add", memory=text, topics=topics, source_message_ids=sources)
    if decision.action == "UPDATE":
        return MemoryOp(
            op="update",
            memory_id=decision.memory_id,
            memory=text,
            topics=topics,
            source_message_ids=sources,
        )
    return MemoryOp(op="delete", memory_id=decision.memory_id, source_message_ids=sources)
