"""Throughput of the LLM chokepoint against a local server with injected latency.

200 calls through `LLM.acomplete` (litellm → openai SDK → HTTP, each call ledgered in DuckDB)
at concurrency 1, 8 and 32, against `memlab.testing.OpenAIServer(latency_s=0.2)` running in a
child process (in-process, its handler threads would compete with the client for the GIL,
which a remote model server does not). For comparison, the same calls made with bare
`litellm.acompletion` under a semaphore: litellm's own ceiling on this machine. Then the same
200 requests again, all answered from `llm_cache`.

Targets (issue 3): throughput >= 0.8 x concurrency / latency up to 32; a fully cached run at
least 50x faster than the first run. The last column sends the same requests with a bare httpx
client, which shows how much of any shortfall is litellm's own per-call CPU rather than the
server or memlab.

    .venv/bin/python benchmarks/llm_throughput.py [--calls 200] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import time
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from memlab.db import DuckDbMemoryDb
from memlab.llm import LLM
from memlab.llm.loader import litellm

CONCURRENCY = (1, 8, 32)


def serve(queue: Any, latency: float) -> None:
    from memlab.testing import OpenAIServer

    server = OpenAIServer(latency_s=latency).start()
    queue.put(server.base_url)
    while True:
        time.sleep(3600)


def messages(tag: str, i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"{tag}: question number {i}"}]


async def through_memlab(llm: LLM, calls: int, tag: str) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(llm.acomplete(messages(tag, i), purpose="other") for i in range(calls)))
    return time.perf_counter() - started


async def bare_litellm(base_url: str, calls: int, concurrency: int, tag: str) -> float:
    lib = litellm()
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await lib.acompletion(
                model="openai/bench-model",
                api_base=base_url,
                api_key="sk-bench",
                messages=messages(tag, i),
                max_retries=0,
                timeout=60,
            )

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(calls)))
    return time.perf_counter() - started


async def raw_http(base_url: str, calls: int, concurrency: int, tag: str) -> float:
    """The same requests with a bare httpx client: the ceiling of the server and loopback."""
    import httpx

    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def one(i: int) -> None:
            async with gate:
                body = {"model": "bench-model", "messages": messages(tag, i)}
                response = await client.post(f"{base_url}/chat/completions", json=body)
                response.json()

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(calls)))
        return time.perf_counter() - started


def use(llm: LLM, concurrency: int) -> LLM:
    llm.max_concurrency = concurrency
    llm._semaphores.clear()
    return llm


async def main(base_url: str, calls: int, latency: float) -> None:
    print(
        f"{calls} calls per run, server latency {latency * 1000:.0f} ms (server in a child "
        f"process), {os.cpu_count()} CPUs\n"
    )
    db = DuckDbMemoryDb(":memory:")
    llm = LLM("openai/bench-model", db=db, api_base=base_url, api_key="sk-bench")
    await through_memlab(llm, 4, "warm-up")  # imports litellm, opens its clients
    await bare_litellm(base_url, 4, 4, "warm-up")
    heads = ("concurrency", "target/s", "memlab/s", "ratio", "litellm/s", "ratio", "httpx/s")
    widths = (11, 9, 9, 6, 10, 6, 8)
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    first: dict[int, float] = {}
    for concurrency in CONCURRENCY:
        ideal = concurrency / latency
        seconds = await through_memlab(use(llm, concurrency), calls, f"c{concurrency}")
        first[concurrency] = seconds
        bare = await bare_litellm(base_url, calls, concurrency, f"bare{concurrency}")
        raw = await raw_http(base_url, calls, concurrency, f"raw{concurrency}")
        print(
            f"{concurrency:>11} {0.8 * ideal:>9.1f} {calls / seconds:>9.1f} "
            f"{calls / seconds / ideal:>6.2f} {calls / bare:>10.1f} {calls / bare / ideal:>6.2f}"
            f" {calls / raw:>8.1f}"
        )
    print("\nsecond run of the same requests, all answered from llm_cache:")
    for concurrency in (1, 32):
        seconds = await through_memlab(use(llm, concurrency), calls, f"c{concurrency}")
        print(
            f"  concurrency {concurrency:>2}: {seconds:.3f} s ({seconds / calls * 1000:.2f} ms per "
            f"call), {first[concurrency] / seconds:.0f}x faster than its first run "
            f"({first[concurrency]:.2f} s)"
        )
    ledger = db.llm_calls_df()
    print(f"\nledger rows: {len(ledger)} ({int(ledger['cached'].sum())} cached)")
    db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=serve, args=(queue, args.latency), daemon=True)
    child.start()
    try:
        asyncio.run(main(queue.get(timeout=60), args.calls, args.latency))
    finally:
        child.terminate()
