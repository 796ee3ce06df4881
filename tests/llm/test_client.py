"""The chokepoint: ledger rows, cache, budgets, the network switch, concurrency, sync surface."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import BudgetExceeded, ConfigError, ModelCallError
from memlab.llm import LLM, block_network, get_prompt
from memlab.llm.loader import litellm
from memlab.llm.sync import run_sync
from memlab.testing import OpenAIServer, Reply
from memlab.tokens import count_tokens

HttpLLM = Callable[..., LLM]

HELLO = [{"role": "user", "content": "Say hello to Ana."}]


def test_offline_call_writes_one_ledger_row_with_real_token_counts(db: DuckDbMemoryDb) -> None:
    llm = LLM(db=db)
    prompt = get_prompt("answer")
    messages = prompt.render(
        context="<context>\n[1] Ana lives in Lisbon.\n</context>",
        question="<question>\nWhere does Ana live?\n</question>",
    )
    done = llm.complete(messages, purpose="answer", prompt=prompt, user_id="u1", run_id="r1")

    rows = db.llm_calls_df()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["call_id"] == done.call_id
    assert (row["purpose"], row["model"], row["prompt_name"], row["prompt_version"]) == (
        "answer",
        "memlab/offline",
        "answer",
        prompt.version,
    )
    assert (row["user_id"], row["run_id"]) == ("u1", "r1")
    assert len(row["request_hash"]) == 64
    # Usage is the cl100k token count of the actual request and response text.
    assert row["input_tokens"] == count_tokens("\n".join(m["content"] for m in messages))
    assert row["output_tokens"] == count_tokens(done.text or "")
    assert row["cost_usd"] == 0.0
    assert bool(row["is_baseline"]) and not bool(row["cached"])
    assert row["attempts"] == 1 and row["error"] is None
    assert done.usage.input_tokens == row["input_tokens"]


def test_cache_hit_replays_answer_keeps_original_cost_and_skips_the_server(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    litellm().register_model(
        {
            "openai/priced-model": {
                "input_cost_per_token": 0.001,
                "output_cost_per_token": 0.002,
                "litellm_provider": "openai",
                "mode": "chat",
            }
        }
    )
    llm = LLM("openai/priced-model", db=db, api_base=server.base_url, api_key="sk-test")
    server.script(Reply("Hello Ana!", prompt_tokens=100, completion_tokens=10))
    first = llm.complete(HELLO, purpose="answer")
    second = llm.complete(HELLO, purpose="answer")

    assert len(server.requests) == 1
    assert second.text == first.text == "Hello Ana!"
    assert second.cached and not first.cached
    assert first.usage.cost_usd == pytest.approx(0.12)
    assert second.usage.cost_usd == pytest.approx(0.12)
    assert second.usage.cached_calls == 1
    rows = db.llm_calls_df()
    assert rows["cached"].tolist() == [False, True]
    assert rows["input_tokens"].tolist() == [100, 100]
    assert rows["cost_usd"].tolist() == pytest.approx([0.12, 0.12])
    assert rows["request_hash"].nunique() == 1
    # Only calls that reached the model count against budgets.
    assert llm.spent.calls == 1


def test_unknown_price_is_recorded_as_none_not_zero(http_llm: HttpLLM, db: DuckDbMemoryDb) -> None:
    done = http_llm().complete(HELLO, purpose="answer")
    assert done.usage.cost_usd is None
    assert db.llm_calls_df()["cost_usd"].isna().all()


def test_request_hash_changes_with_prompt_version_and_params(db: DuckDbMemoryDb) -> None:
    llm = LLM(db=db)
    llm.complete(HELLO, purpose="answer")
    LLM(db=db, temperature=0.7).complete(HELLO, purpose="answer")
    llm.complete(HELLO, purpose="answer", use_cache=False)
    rows = db.llm_calls_df()
    assert rows["request_hash"].nunique() == 2
    assert rows["cached"].tolist() == [False, False, False]


def test_token_budget_refuses_before_the_call_and_names_the_numbers(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    llm = http_llm(max_tokens=40)
    server.script(Reply("hi", prompt_tokens=30, completion_tokens=5))
    llm.complete(HELLO, purpose="answer")
    with pytest.raises(BudgetExceeded, match=r"35 tokens used so far .* max_tokens=40") as err:
        llm.complete([{"role": "user", "content": "And now something else."}], purpose="answer")
    assert len(server.requests) == 1
    row = db.llm_calls_df().iloc[-1]
    assert row["call_id"] == err.value.call_id
    assert row["attempts"] == 0 and "budget" in row["error"]


def test_cost_budget_needs_a_known_price(http_llm: HttpLLM, server: OpenAIServer) -> None:
    with pytest.raises(BudgetExceeded, match="cost of 'openai/test-model' is unknown"):
        http_llm(max_cost_usd=1.0).complete(HELLO, purpose="answer")
    assert server.requests == []


def test_cost_budget_with_a_priced_model(server: OpenAIServer, db: DuckDbMemoryDb) -> None:
    litellm().register_model(
        {
            "openai/budget-model": {
                "input_cost_per_token": 0.001,
                "output_cost_per_token": 0.001,
                "litellm_provider": "openai",
                "mode": "chat",
            }
        }
    )
    llm = LLM("openai/budget-model", db=db, api_base=server.base_url, api_key="k", max_cost_usd=0.1)
    server.script(Reply("ok", prompt_tokens=60, completion_tokens=30))
    llm.complete(HELLO, purpose="answer")
    with pytest.raises(BudgetExceeded, match=r"\$0\.090000 spent .* max_cost_usd=0\.1"):
        llm.complete([{"role": "user", "content": "More please, a longer one."}], purpose="answer")


def test_network_switch_blocks_public_providers_with_a_fix(db: DuckDbMemoryDb) -> None:
    # MEMLAB_BLOCK_NETWORK=1 is set for the whole suite (tests/conftest.py).
    with pytest.raises(ModelCallError, match="MEMLAB_BLOCK_NETWORK") as err:
        LLM("gpt-4o-mini", db=db).complete(HELLO, purpose="answer")
    row = db.llm_calls_df().iloc[0]
    assert row["call_id"] == err.value.call_id and row["attempts"] == 0
    with pytest.raises(ModelCallError, match="blocked"):
        LLM("openai/x", db=db, api_base="http://10.1.2.3:8000/v1").complete(HELLO, purpose="other")


def test_block_network_context_manager(
    monkeypatch: pytest.MonkeyPatch, http_llm: HttpLLM, db: DuckDbMemoryDb
) -> None:
    monkeypatch.delenv("MEMLAB_BLOCK_NETWORK")
    with block_network(), pytest.raises(ModelCallError, match="blocked"):
        LLM("anthropic/claude-3-5-haiku", db=db).complete(HELLO, purpose="answer")
    with block_network():  # loopback stays reachable
        assert http_llm().complete(HELLO, purpose="answer").text == "ok"


def test_sync_surface_works_inside_a_running_loop(db: DuckDbMemoryDb) -> None:
    llm = LLM(db=db)

    async def notebook_cell() -> str | None:
        return llm.complete(HELLO, purpose="answer").text  # as Jupyter would call it

    assert asyncio.run(notebook_cell()) == llm.complete(HELLO, purpose="answer").text


def test_max_concurrency_bounds_calls_in_flight(db: DuckDbMemoryDb) -> None:
    with OpenAIServer(latency_s=0.2) as slow:
        llm = LLM(
            "openai/test-model",
            db=db,
            api_base=slow.base_url,
            api_key="k",
            cache=False,
            max_concurrency=2,
        )

        async def four() -> None:
            await asyncio.gather(*(llm.acomplete(HELLO, purpose="answer") for _ in range(4)))

        run_sync(four())  # memlab's own loop, as the sync surface uses
    assert len(slow.requests) == 4
    assert slow.max_in_flight == 2  # two waves of two, never more at once


def test_constructor_checks_its_options() -> None:
    with pytest.raises(ConfigError, match="max_concurrency"):
        LLM(max_concurrency=0)
    with pytest.raises(ConfigError, match="model must be"):
        LLM("")
    assert LLM().is_baseline and not LLM("gpt-4o").is_baseline
    assert "api_key" not in LLM("gpt-4o", api_key="secret").config()


def test_cache_modes_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"cache=\.\.\.\) must be True .* 'refresh' .* or False"):
        LLM(cache="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="use_cache must be"):
        LLM().complete(HELLO, purpose="answer", use_cache="sometimes")
    with pytest.raises(ConfigError, match="retry settings must be >= 0"):
        LLM(max_retry_after_s=-1)
    assert LLM(cache="refresh").cache_policy() == (False, True, True)
    assert LLM().cache_policy(False) == (False, False, False)


def test_a_cache_hit_names_the_call_that_got_the_answer(
    http_llm: HttpLLM, server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    first = http_llm().complete(HELLO, purpose="answer")
    again = http_llm().complete(HELLO, purpose="answer")
    assert again.cached and again.origin is not None
    assert again.origin.call_id == first.call_id
    assert again.origin.at == db.llm_calls_df()["created_at"][0]
    # A refresh asks again and overwrites: the next hit names the refreshing call.
    refreshed = http_llm(cache="refresh").complete(HELLO, purpose="answer")
    assert not refreshed.cached and len(server.requests) == 2
    third = http_llm().complete(HELLO, purpose="answer")
    assert third.origin is not None and third.origin.call_id == refreshed.call_id
