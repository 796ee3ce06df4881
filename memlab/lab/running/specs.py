"""The settings of an experiment's grid: dataset reference, ingest, summary, recall, stages.

Each is a frozen pydantic model that rejects unknown keys and unknown names (prompts,
strategies, triggers) with a message listing the known ones; `settings()` gives the
normalized settings a variant id is computed from (defaults filled in, settings that do not
apply to the kind dropped, labels left out).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from memlab.errors import ConfigError

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "OFFLINE",
    "AnswerSpec",
    "DatasetRef",
    "IngestSpec",
    "JudgeSpec",
    "Over",
    "RecallSpec",
    "SummarySpec",
    "check_name",
]

Over = Literal["memories", "messages", "summaries", "memories+summaries"]
OFFLINE = "memlab/offline"
"""The offline rule-based model, every stage's default."""

DEFAULT_MAX_TOKENS = {"extract": 1024, "summarize": 1024, "answer": 512, "judge": 256}
"""Each stage's output cap per call when its `max_tokens` is not set: a runaway generation
stops there instead of at the server's own limit (none, on some local servers)."""


def _one_or_list(value: Any) -> str:
    return "list[int]" if isinstance(value, list) else "int"


def _no_quoted_number(value: Any) -> Any:
    # Lax validation would read `k = "3"` as 3; a number in quotes is a typo worth reporting.
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip().lstrip("+-").isdigit():
            raise ValueError(f"{item!r} is text, not a number: write {item.strip()} without quotes")
    return value


OneOrList = Annotated[
    Annotated[int, Tag("int")] | Annotated[list[int], Tag("list[int]")],
    Discriminator(_one_or_list),
    BeforeValidator(_no_quoted_number),
]
"""A number or a sweep over numbers; errors speak of the form given, not of both."""


def _model_name(value: str) -> str:
    if not value.strip():
        raise ValueError(
            "a model is a litellm model string such as 'gpt-4o-mini', 'openai/<name>' (with "
            f"api_base) or {OFFLINE!r}, not an empty one"
        )
    return value


ModelName = Annotated[str, AfterValidator(_model_name)]
"""A litellm model string, checked not to be empty."""


def check_name(kind: str, name: str, known: list[str]) -> str:
    """Return `name` if it is in `known`, else raise a `ValueError` listing the known names."""
    if name not in known:
        raise ValueError(f"unknown {kind} {name!r}; known: {', '.join(sorted(known))}")
    return name


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatasetRef(_Spec):
    """Where the conversations come from, and which of them to replay."""

    path: str
    """The dataset file (native JSON Lines, LoCoMo or LongMemEval JSON)."""
    format: str = "auto"
    """The file's format: `auto` (from its content), `native`, `locomo`, `longmemeval`."""
    split: str | None = None
    """Only conversations of this split (`dev`, `test`); None for all."""
    limit: int | None = Field(default=None, ge=1)
    """At most this many conversations (after the split and the sample)."""
    sample: int | None = Field(default=None, ge=1)
    """Draw this many conversations at random (seeded by `seed`) instead of the first ones."""
    seed: int = 0
    """Seed of the sample."""
    strict: bool | None = None
    """True refuses a file with any problem; False skips the bad records and lists them;
    None (default): lenient for LoCoMo and LongMemEval files (their published files have
    broken evidence ids), strict for the native format (problems there are bugs)."""


class IngestSpec(_Spec):
    """How a conversation becomes memory."""

    kind: Literal["messages", "verbatim", "extract", "custom"] = "extract"
    """`messages` stores runs only; `verbatim` stores every turn as a memory; `extract` asks
    a `MemoryManager` for facts; `custom` replays into your own `MemorySystem` (`factory`)."""
    factory: str | None = None
    """For `custom`: `"package.module:function"`, a callable that takes `options` as keyword
    arguments and returns a `memlab.system.MemorySystem`."""
    options: dict[str, Any] = Field(default_factory=dict)
    """For `custom`: the keyword arguments of `factory` (part of the variant's id)."""
    model: ModelName = OFFLINE
    """The extraction model (litellm string), for `extract`."""
    prompt: str = "agno-v2"
    """The extraction strategy, for `extract` (`agno-v2`, `mem0-style`, `single-pass-json`)."""
    context: Literal["all", "top_k"] = "all"
    """Which stored memories an extraction prompt shows, for `extract`."""
    top_k: int = Field(default=20, ge=1)
    """How many, for `context = "top_k"`."""
    granularity: Literal["run", "session"] = "run"
    """Extract after every run, or once per session over all its messages."""
    include_assistant: bool = False
    """Also take facts from what the other speakers said."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Output cap per extraction call; None: 1024 (`DEFAULT_MAX_TOKENS`). Not sent to the
    offline model."""
    label: str | None = None
    """A name for tables and plots; does not change the id."""

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, value: str) -> str:
        from memlab.llm.extract import EXTRACTORS

        return check_name("extraction prompt", value, list(EXTRACTORS))

    @model_validator(mode="after")
    def _custom(self) -> IngestSpec:
        if self.kind == "custom":
            if not self.factory:
                raise ValueError(
                    "kind = 'custom' needs factory = 'package.module:function' (a callable "
                    "that returns your MemorySystem)"
                )
            from memlab.system import load_factory

            try:
                load_factory(self.factory)
            except ConfigError as exc:
                raise ValueError(str(exc)) from exc
        elif self.factory is not None or self.options:
            raise ValueError(f"factory and options are for kind = 'custom', not {self.kind!r}")
        return self

    def settings(self) -> dict[str, Any]:
        """The settings that define this ingest (only those that apply to its kind)."""
        if self.kind == "custom":
            return {"ingest": self.kind, "factory": self.factory, "options": self.options}
        if self.kind != "extract":
            return {"ingest": self.kind}
        out = {
            "ingest": self.kind,
            "model": self.model,
            "prompt": self.prompt,
            "context": self.context,
            "top_k": self.top_k if self.context == "top_k" else None,
            "granularity": self.granularity,
            "include_assistant": self.include_assistant,
        }
        if self.max_tokens is not None:  # absent otherwise, so ids without it do not change
            out["max_tokens"] = self.max_tokens
        return out


class SummarySpec(_Spec):
    """When and how sessions are summarized."""

    trigger: str = "never"
    """`never`, `every_n_runs`, `token_threshold` or `session_end`."""
    n: int | None = Field(default=None, ge=1)
    """Runs per summary, for `every_n_runs` (default 1)."""
    tokens: int | None = Field(default=None, ge=1)
    """Unsummarized tokens that trigger a summary, for `token_threshold` (default 2000)."""
    mode: Literal["full", "incremental"] = "full"
    """Summarize the whole session each time, or the previous summary plus the new runs."""
    model: ModelName = OFFLINE
    """The summary model."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Output cap per summary call; None: 1024. Not sent to the offline model."""
    label: str | None = None
    """A name for tables and plots; does not change the id."""

    @field_validator("trigger")
    @classmethod
    def _trigger(cls, value: str) -> str:
        from memlab.triggers import TRIGGERS

        return check_name("summary trigger", value, list(TRIGGERS))

    def trigger_options(self) -> dict[str, int]:
        """The keyword options of the trigger."""
        if self.trigger == "every_n_runs":
            return {"n": self.n or 1}
        if self.trigger == "token_threshold":
            return {"tokens": self.tokens or 2000}
        return {}

    def settings(self) -> dict[str, Any]:
        """The settings that define this summary policy."""
        if self.trigger == "never":
            return {"summary_trigger": "never"}
        out = {
            "summary_trigger": self.trigger,
            **{f"summary_{k}": v for k, v in self.trigger_options().items()},
            "summary_mode": self.mode,
            "summary_model": self.model,
        }
        if self.max_tokens is not None:
            out["summary_max_tokens"] = self.max_tokens
        return out


class RecallSpec(_Spec):
    """How a probe's question recalls memory: strategy, corpus, k (a list is a sweep)."""

    strategy: str = "last_n"
    """A registered recall strategy (`last_n`, `bm25`, `semantic`, `hybrid`, `agentic`, ...)."""
    over: Over = "memories"
    """What is recalled: memories, messages, summaries, or memories and summaries."""
    k: OneOrList = 10
    """Items recalled per probe; a list makes one variant per value."""
    embedder: str | None = None
    """The embedder of semantic strategies (`static`, `minilm`, ...); None for the default."""
    model: ModelName | None = None
    """The model of model-driven strategies (`agentic`); default the offline baseline."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Further keyword options of the strategy (e.g. `weights` of `hybrid`)."""
    label: str | None = None
    """A name for tables and plots (`{k}` is replaced by k); does not change the id."""
    budget_tokens: OneOrList | None = None
    """Context budget in tokens (cl100k, as the ledger counts): items are taken in rank order
    while they fit, at most k of them; a list makes one variant per budget. None: k alone."""
    ingest: list[Literal["messages", "verbatim", "extract"]] | None = None
    """Cross this setting only with these ingest kinds (e.g. recall over messages for the
    `messages` ingest only); None for every ingest whose corpus fits."""

    @field_validator("strategy")
    @classmethod
    def _strategy(cls, value: str) -> str:
        from memlab.recall.base import STRATEGIES

        return check_name("strategy", value, STRATEGIES.names())

    @field_validator("k")
    @classmethod
    def _k(cls, value: int | list[int]) -> int | list[int]:
        ks = value if isinstance(value, list) else [value]
        if not ks or any(k < 1 for k in ks):
            raise ValueError(
                f"k must be a positive integer or a non-empty list of them, got {value}"
            )
        return value

    @model_validator(mode="after")
    def _builds(self) -> RecallSpec:
        from memlab.recall.base import get_strategy

        if self.strategy == "agentic":
            if self.over != "memories":
                raise ValueError("strategy 'agentic' recalls over memories only")
            return self
        try:  # fail now, not after an hour of extraction
            budget = self.budgets()[0]
            extra = {} if budget is None else {"budget_tokens": budget}
            get_strategy(self.strategy, **self.strategy_options(), **extra)
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc
        return self

    @field_validator("budget_tokens")
    @classmethod
    def _budget(cls, value: int | list[int] | None) -> int | list[int] | None:
        budgets = value if isinstance(value, list) else [value] if value is not None else []
        if (isinstance(value, list) and not value) or any(b < 1 for b in budgets):
            raise ValueError(
                f"budget_tokens must be a positive integer or a non-empty list of them, got {value}"
            )
        return value

    def budgets(self) -> list[int | None]:
        """The budgets of the sweep ([None] when the spec sets none)."""
        if self.budget_tokens is None:
            return [None]
        return (
            list(self.budget_tokens)
            if isinstance(self.budget_tokens, list)
            else [self.budget_tokens]
        )

    def ks(self) -> list[int]:
        """The k values of the sweep."""
        return self.k if isinstance(self.k, list) else [self.k]

    def strategy_options(self) -> dict[str, Any]:
        """The keyword options the strategy is built with (the model is added by the runner)."""
        options = dict(self.options)
        if self.embedder is not None:
            options["embedder"] = self.embedder
        return options

    def settings(self, k: int, budget: int | None = None) -> dict[str, Any]:
        """The settings that define one variant of this recall spec."""
        out: dict[str, Any] = {"strategy": self.strategy, "over": self.over, "k": k}
        if budget is not None:  # absent otherwise, so ids without budgets do not change
            out["budget_tokens"] = budget
        if self.embedder is not None:
            out["embedder"] = self.embedder
        if self.strategy == "agentic":
            out["recall_model"] = self.model or OFFLINE
        for key, value in sorted(self.options.items()):
            out[f"opt_{key}"] = value
        return out


class AnswerSpec(_Spec):
    """The answer stage: a model answers the probe from the recalled context."""

    model: ModelName = OFFLINE
    """The answering model."""
    prompt: str = "answer"
    """The answer prompt's name."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Output cap per answer call; None: 512. Not sent to the offline model."""

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, value: str) -> str:
        return _known_prompt(value)


class JudgeSpec(_Spec):
    """The judge stage: a model grades the answer against the gold one."""

    model: ModelName = OFFLINE
    """The judge model (with `memlab/offline` it is the rule judge, a baseline)."""
    prompt: str = "judge"
    """The judge prompt's name."""
    sanity: bool = True
    """Also judge control answers wrong by construction, to measure false accepts."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Output cap per judge call; None: 256. Not sent to the offline model."""

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, value: str) -> str:
        return _known_prompt(value)


def _known_prompt(name: str) -> str:
    from memlab.llm.prompt import PROMPTS, get_prompt

    try:
        get_prompt(name)
    except ConfigError:
        raise ValueError(f"unknown prompt {name!r}; known: {', '.join(sorted(PROMPTS))}") from None
    return name
