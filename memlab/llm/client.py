"""`LLM`: the one chokepoint every model call of memlab passes through.

Each call is answered from the DuckDB cache when the same request was made before; otherwise it
is checked against the budgets and the network block, sent through litellm with retries, and
cached. Every outcome, failures included, writes one row to the `llm_calls` ledger. Ledger and
cache live in the store the call serves (the `Memory`'s, passed per call as `ledger=`), unless
the LLM was given a store of its own, so one LLM can serve several stores. The core is async
(`acomplete`); the sync surface (`complete`) runs the same coroutine on memlab's background
loop.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from memlab.errors import ConfigError, ModelCallError
from memlab.llm.budget import Budget
from memlab.llm.caching import (
    CACHE_BYPASS,
    CacheMode,
    CachePolicy,
    UnusableOutput,
    cache_note,
    cache_policy,
    check_cache_mode,
)
from memlab.llm.embedded import lift_tool_calls
from memlab.llm.failures import Failure, classify
from memlab.llm.keys import PYTHON_ADVICE, KeyAdvice, local_default_key
from memlab.llm.loader import OFFLINE_MODEL, warm
from memlab.llm.network import check_allowed
from memlab.llm.request import (
    Completion,
    completion_from_response,
    request_hash,
    usage_from_response,
)
from memlab.llm.retry import (
    REAL_CLOCK,
    Clock,
    RetryPolicy,
    Target,
    describe_failure,
    describe_long_wait,
    key_variables,
)
from memlab.llm.sync import run_sync

if TYPE_CHECKING:
    from memlab.llm.embed import Embeddings
from memlab.schema import LlmCall, Purpose, Usage

__all__ = [
    "CACHE_BYPASS",
    "LLM",
    "CacheMode",
    "CachePolicy",
    "LedgerStore",
    "NamesCalls",
    "PromptRef",
    "UnusableOutput",
    "Validator",
    "cache_note",
    "new_call_row",
]

Json = dict[str, Any]

Validator = Callable[[Completion], str | None]
"""Checks an answer's shape: None when usable, else why not (recorded in the ledger row)."""


@runtime_checkable
class LedgerStore(Protocol):
    """What the chokepoint needs from a store: the ledger and the response cache."""

    def record_llm_call(self, call: LlmCall) -> None:
        """Append one ledger row."""

    def cache_get(self, request_hash: str) -> Any:
        """(response JSON, input tokens, output tokens, cost) for a hash, or None."""

    def cache_put(
        self,
        request_hash: str,
        *,
        model: str,
        response: str,
        input_tokens: int | None,
        output_tokens: int | None,
        cost_usd: float | None,
        replace: bool = False,
    ) -> None:
        """Store a response under its hash (the first answer wins unless `replace`)."""


@runtime_checkable
class NamesCalls(Protocol):
    """A ledger that names the calls it is about to record.

    The replay lab's ledger does: it derives each call's id from the unit, stage and probe
    the call serves, so reruns cite the same ids in their result rows. Other stores leave
    ids random.
    """

    def name_call(self, purpose: str) -> str | None:
        """The id of the next call made for `purpose`, or None for a random one."""


def new_call_row(store: LedgerStore, **fields: Any) -> LlmCall:
    """The ledger row of a call about to be made (`fields` as `LlmCall`'s), named by `store`.

    Made before the call, because its id is needed before the row is recorded: answers
    and errors cite it.
    """
    name = store.name_call(str(fields["purpose"])) if isinstance(store, NamesCalls) else None
    return LlmCall(**fields) if name is None else LlmCall(call_id=name, **fields)


class PromptRef(Protocol):
    """A named, versioned prompt (see `memlab.llm.prompt.Prompt`)."""

    @property
    def name(self) -> str:
        """Registered name."""

    @property
    def version(self) -> str:
        """Version of the wording."""


class LLM:
    """A configured model: any litellm model string, with ledger, cache, retries and budgets.

    Args:
        model: A litellm model string (`"gpt-4o-mini"`, `"anthropic/…"`, `"ollama/…"`,
            `"openai/<name>"` with `api_base` for vLLM or llama.cpp) or `"memlab/offline"`,
            the rule-based baseline.
        db: This LLM's own store of the ledger and cache, used by every call. None: each
            call's row and cache entries go to the store it serves (`acomplete(ledger=...)`,
            which `MemoryManager`, `SessionSummarizer` and the agentic strategy pass for the
            store they work on), and a call that names none, or a store that keeps no ledger,
            to an in-memory store of this LLM's own (`db`), opened on first use.
        api_base: The server to call (local OpenAI-compatible servers).
        api_key: The key, when not taken from the provider's environment variable. None with
            an `api_base` on this machine (127.0.0.1, localhost, ::1) sends the placeholder
            "none" unless the provider's variable is set, as local servers want no key.
        temperature: Sampling temperature; None leaves the provider's default.
        timeout_s: Per-attempt timeout.
        max_retries: Retries of 429, 5xx, timeouts and connection errors.
        retry_base_delay_s: First backoff ceiling (doubles per retry, full jitter).
        max_retry_after_s: The longest `Retry-After` honoured; a server that asks for a
            longer wait fails the call at once, with a message giving both numbers.
        max_concurrency: Calls in flight at once (per event loop).
        max_cost_usd: Budget in USD over the calls this object sends; checked before each.
        max_tokens: Budget of input plus output tokens over the calls this object sends.
        cache: True answers repeated requests from `llm_cache` (unusable answers included,
            so a replay reproduces a failure); "refresh" re-asks the model and overwrites the
            entry; False neither reads nor writes the cache.
        params: Further litellm completion parameters (`top_p`, `seed`, `max_tokens`, ...).
        clock: What the waits between retries sleep with (`memlab.testing.FakeClock` in
            tests, so a back-off costs no real time and its waits can be asserted).
        key_advice: How the user gives a key where this LLM was configured (a CLI flag, an
            experiment key), for the messages of a missing or refused key; None speaks of
            `LLM(api_key=...)`.
    """

    def __init__(
        self,
        model: str = OFFLINE_MODEL,
        *,
        db: LedgerStore | None = None,
        api_base: str | None = None,
        api_key: str | None = None,
        temperature: float | None = 0.0,
        timeout_s: float = 60.0,
        max_retries: int = 3,
        retry_base_delay_s: float = 0.5,
        max_retry_after_s: float = 60.0,
        max_concurrency: int = 8,
        max_cost_usd: float | None = None,
        max_tokens: int | None = None,
        cache: CacheMode = True,
        params: Mapping[str, Any] | None = None,
        clock: Clock = REAL_CLOCK,
        key_advice: KeyAdvice | None = None,
    ) -> None:
        if not isinstance(model, str) or not model.strip():
            raise ConfigError(f"model must be a litellm model string, got {model!r}")
        if max_concurrency < 1:
            raise ConfigError(f"max_concurrency must be >= 1, got {max_concurrency}")
        if timeout_s <= 0:
            raise ConfigError(f"timeout_s must be > 0, got {timeout_s}")
        check_cache_mode(cache, "LLM(cache=...)")
        self.model = model
        self._db = db
        self._fallback: LedgerStore | None = None
        self.api_base = api_base
        self._api_key = api_key
        self.key_advice = key_advice or PYTHON_ADVICE
        self.schema_refused = False
        """True once the server refused a JSON schema: structured calls then ask for plain
        JSON mode (see `memlab.llm.schemas`)."""
        self.temperature = temperature
        self.timeout_s = timeout_s
        self.retry = RetryPolicy(
            max_retries=max_retries,
            base_delay_s=retry_base_delay_s,
            max_retry_after_s=max_retry_after_s,
            clock=clock,
        )
        self.max_concurrency = max_concurrency
        self.budget = Budget(model, max_cost_usd=max_cost_usd, max_tokens=max_tokens)
        self.cache: CacheMode = cache
        self.params: Json = dict(params or {})
        self._lock = threading.Lock()
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._semaphores = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        base = f", api_base={self.api_base!r}" if self.api_base else ""
        return f"LLM({self.model!r}{base})"

    @property
    def is_baseline(self) -> bool:
        """True for memlab's rule-based offline model, which is not an LLM."""
        return self.model.startswith("memlab/")

    @property
    def db(self) -> LedgerStore:
        """This LLM's own store: its `db`, else an in-memory one opened on first use.

        It holds the calls that named no store; calls made for a `Memory` are in its store.
        """
        if self._db is not None:
            return self._db
        with self._lock:
            if self._fallback is None:
                from memlab.db.duckdb_store import DuckDbMemoryDb

                self._fallback = DuckDbMemoryDb(":memory:")
            return self._fallback

    def ledger_for(self, db: object | None) -> LedgerStore:
        """The store a call made for the data in `db` writes its ledger row and cache to.

        This LLM's own `db` when it was given one; else `db`, when it keeps a ledger and a
        response cache (a `LedgerStore`, as `DuckDbMemoryDb`); else (None, or a store
        without them) this LLM's own store, `self.db`.
        """
        if self._db is not None:
            return self._db
        if isinstance(db, LedgerStore):
            return db
        return self.db

    def cache_policy(self, use_cache: CacheMode | None = None) -> CachePolicy:
        """How a call uses `llm_cache`: this LLM's `cache`, or a per-call `use_cache`."""
        return cache_policy(self.cache if use_cache is None else use_cache)

    @property
    def spent(self) -> Usage:
        """Tokens and cost of the calls this object sent to a model (cache hits excluded)."""
        return self.budget.spent

    def config(self) -> Json:
        """The settings that rebuild this model (no credentials), for experiment records."""
        return {
            "model": self.model,
            "api_base": self.api_base,
            "temperature": self.temperature,
            "params": dict(self.params),
        }

    # ----------------------------------------------------------------- calls
    def embed(self, texts: Sequence[str], **options: Any) -> Embeddings:
        """Sync form of `aembed`."""
        return run_sync(self.aembed(texts, **options))

    async def aembed(
        self,
        texts: Sequence[str],
        *,
        user_id: str | None = None,
        use_cache: bool | None = None,
        ledger: LedgerStore | None = None,
    ) -> Embeddings:
        """Embed texts with an embedding model, e.g. "text-embedding-3-small".

        Ledgered with purpose "embed" and cached like completions (in the store `ledger`
        names, as for `acomplete`); the vectors are float32.

        Raises:
            ConfigError: the model is memlab's offline model, which does not embed.
            ModelCallError: the call failed (see `acomplete`).
        """
        from memlab.llm.embed import aembed

        return await aembed(self, texts, user_id=user_id, use_cache=use_cache, ledger=ledger)

    def complete(self, messages: Sequence[Mapping[str, Any]], **options: Any) -> Completion:
        """Sync form of `acomplete`, safe inside a running event loop (e.g. Jupyter)."""
        return run_sync(self.acomplete(messages, **options))

    async def acomplete(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        purpose: Purpose,
        prompt: PromptRef | None = None,
        tools: Sequence[Mapping[str, Any]] | None = None,
        response_format: Mapping[str, Any] | None = None,
        user_id: str | None = None,
        session_id: str | None = None,
        run_id: str | None = None,
        memory_id: str | None = None,
        use_cache: CacheMode | None = None,
        validate: Validator | None = None,
        ledger: LedgerStore | None = None,
    ) -> Completion:
        """Send one chat request and return the answer; every outcome writes a ledger row.

        Args:
            messages: The chat messages (OpenAI format).
            purpose: What the call is for (extract, update, summarize, search, answer, judge).
            prompt: The prompt template used, recorded and part of the cache key.
            tools: Tools offered to the model.
            response_format: e.g. `{"type": "json_object"}`.
            user_id: The user the call serves (ledger context; so are the next three).
            session_id: The session the call serves.
            run_id: The run the call serves.
            memory_id: The memory the call serves.
            use_cache: Override the LLM's `cache` setting for this call (True, "refresh",
                False).
            validate: Checks the answer's shape before it is recorded; an unusable answer is
                recorded with the reason as its error and raised as `UnusableOutput`.
            ledger: The store the call serves (the memories' store): its ledger row and cache
                entries go there, unless this LLM has a `db` of its own (see `ledger_for`).
                None: this LLM's own store.

        Raises:
            UnusableOutput: `validate` rejected the answer (an `ExtractionError`).
            BudgetExceeded: the call would pass `max_cost_usd` or `max_tokens`.
            ModelCallError: the call was blocked, failed after retries, failed fast (400, 401,
                404), or came back with no choices. `call_id` names the ledger row.
        """
        params: Json = dict(self.params)
        if self.temperature is not None:
            params["temperature"] = self.temperature
        label = f"{prompt.name}@{prompt.version}" if prompt else None
        key = request_hash(
            model=self.model,
            messages=messages,
            tools=tools,
            response_format=response_format,
            params=params,
            prompt=label,
        )
        store = self.ledger_for(ledger)
        row = new_call_row(
            store,
            purpose=purpose,
            model=self.model,
            request_hash=key,
            prompt_name=prompt.name if prompt else None,
            prompt_version=prompt.version if prompt else None,
            user_id=user_id,
            session_id=session_id,
            run_id=run_id,
            memory_id=memory_id,
            tools_requested=bool(tools),
        )
        started = time.perf_counter()
        caching = self.cache_policy(use_cache)
        if caching.read:
            hit = store.cache_get(key)  # a point read: cheaper inline than on a thread
            if hit is not None:
                return await self._replay(store, row, hit, started, validate)
        try:
            self.budget.check(messages, tools, call_id=row.call_id)
            check_allowed(self.model, self.api_base, call_id=row.call_id)
        except ModelCallError as exc:
            await self._record(store, row, started, attempts=0, error=str(exc))
            raise
        kwargs: Json = {"model": self.model, "messages": list(messages), **params}
        kwargs.update(timeout=self.timeout_s, max_retries=0, num_retries=0)
        optional = {
            "tools": list(tools) if tools else None,
            "api_base": self.api_base,
            "response_format": dict(response_format) if response_format else None,
            "api_key": self.request_key(),
        }
        kwargs.update({k: v for k, v in optional.items() if v})
        async with self._semaphore():
            started = time.perf_counter()  # time on the wire, not in the queue
            response, attempts = await self._send(store, kwargs, row, started)
        done = completion_from_response(response, call_id=row.call_id, model=self.model)
        if done is None:
            empty = Failure("bad_shape", detail="an empty 'choices' list, so no message")
            message = describe_failure(empty, self._target())
            usage = usage_from_response(response)  # the server may still count the prompt
            self.budget.add(usage)
            await self._record(
                store,
                row,
                started,
                attempts=attempts,
                error=message,
                input_tokens=usage.input_tokens or None,
                output_tokens=usage.output_tokens or None,
                cost_usd=usage.cost_usd,
            )
            raise ModelCallError(message, call_id=row.call_id)
        if tools:
            done = lift_tool_calls(done)
        self.budget.add(done.usage)
        if caching.write:  # cached even when unusable, so a re-run replays the same failure
            self._cache_put(store, key, done, at=row.created_at, replace=caching.replace)
        return await self._checked(store, row, done, started, validate, attempts=attempts)

    async def _send(
        self,
        store: LedgerStore,
        kwargs: Json,
        row: LlmCall,
        started: float,
        *,
        method: str = "acompletion",
    ) -> tuple[Any, int]:
        call = getattr(warm(sdk=not self.is_baseline), method)
        retries = 0 if self.is_baseline else self.retry.max_retries  # rules do not flake
        cap = self.retry.max_retry_after_s
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call(**kwargs), attempt
            except Exception as exc:  # classified below; nothing is swallowed
                failure = classify(exc)
                wait = failure.retry_after_s
                if self.is_baseline:
                    message = f"memlab's offline model failed, a bug in memlab: {exc}"
                elif not failure.retryable or attempt > retries:
                    message = describe_failure(failure, self._target(), attempts=attempt)
                elif wait is not None and wait > cap:
                    message = describe_long_wait(
                        failure, self._target(), cap_s=cap, attempts=attempt
                    )
                else:
                    await self.retry.wait(attempt, wait)
                    continue
                await self._record(store, row, started, attempts=attempt, error=message)
                raise ModelCallError(message, call_id=row.call_id) from exc

    def request_key(self) -> str | None:
        """The key a call sends: the one given, "none" for a local server, else None.

        None lets litellm read the provider's environment variable.
        """
        if self._api_key is not None or self.is_baseline:
            return self._api_key
        if self.api_base is None:
            return None
        return local_default_key(self.api_base, key_variables(self.model))

    def _target(self) -> Target:
        return Target(
            model=self.model,
            api_base=self.api_base,
            explicit_key=self._api_key is not None,
            timeout_s=self.timeout_s,
            local_key=self._api_key is None and self.request_key() is not None,
            advice=self.key_advice,
        )

    async def _replay(
        self,
        store: LedgerStore,
        row: LlmCall,
        hit: Any,
        started: float,
        validate: Validator | None,
    ) -> Completion:
        response, tokens_in, tokens_out, cost = hit
        usage = Usage(
            input_tokens=tokens_in or 0,
            output_tokens=tokens_out or 0,
            cost_usd=cost,
            calls=1,
            cached_calls=1,
        )
        done = Completion.from_cache_json(
            response, usage=usage, call_id=row.call_id, model=self.model
        )
        return await self._checked(store, row, done, started, validate, attempts=0, cached=True)

    async def _checked(
        self,
        store: LedgerStore,
        row: LlmCall,
        done: Completion,
        started: float,
        validate: Validator | None,
        **fields: Any,
    ) -> Completion:
        problem = validate(done) if validate else None
        if validate and done.refusal:  # a refusal is no empty result, whatever it parses to
            problem = f"the model refused: {done.refusal!r}"
        unusable = UnusableOutput(problem, completion=done) if problem else None
        reported = done.usage_reported
        await self._record(
            store,
            row,
            started,
            input_tokens=done.usage.input_tokens if reported else None,
            output_tokens=done.usage.output_tokens if reported else None,
            cost_usd=done.usage.cost_usd,
            tools_used=bool(done.tool_calls),
            error=f"unusable output: {unusable.reason}" if unusable else None,
            **fields,
        )
        if unusable:
            raise unusable
        return done

    async def _record(
        self, store: LedgerStore, row: LlmCall, started: float, **fields: Any
    ) -> None:
        fields["latency_ms"] = (time.perf_counter() - started) * 1000
        # The store buffers ledger rows (flushed in batches), so this costs microseconds and
        # stays on the event loop.
        store.record_llm_call(row.model_copy(update=fields))

    def _cache_put(
        self, store: LedgerStore, key: str, done: Completion, *, at: datetime, replace: bool
    ) -> None:
        # Two identical requests in flight can both miss; the store keeps the first answer
        # unless this call refreshes the entry.
        store.cache_put(
            key,
            model=self.model,
            response=done.to_cache_json(at=at),
            input_tokens=done.usage.input_tokens if done.usage_reported else None,
            output_tokens=done.usage.output_tokens if done.usage_reported else None,
            cost_usd=done.usage.cost_usd,
            replace=replace,
        )

    def _semaphore(self) -> asyncio.Semaphore:
        """The per-loop limit of calls in flight; taken right before a call's clock starts.

        The first call of a process imports litellm and the SDK here (seconds), so that
        one-off cost stays out of the ledger's `latency_ms`, which measures the call.
        """
        warm(sdk=not self.is_baseline)
        loop = asyncio.get_running_loop()
        with self._lock:
            sem = self._semaphores.get(loop)
            if sem is None:
                sem = self._semaphores[loop] = asyncio.Semaphore(self.max_concurrency)
        return sem
