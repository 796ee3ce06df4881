"""The offline model's extraction on a corpus written apart from its rules, and its speed.

Every case of `tests/llm/data/extraction_corpus.json` is extracted through the real pipeline:
`Memory(model="memlab/offline")` → `MemoryManager` (agno-v2 prompt) → the `LLM` chokepoint
(litellm, ledger and cache in DuckDB) → the offline provider, one call per message (one per case
when the case says `together`), each message with its own `created_at`. Printed:

- fact recall: expected facts (key words) held by some memory at the end of their case;
- precision: must-not checks passed (nothing stored from chit-chat, questions, requests,
  hypotheticals; no one else's fact attributed to the user);
- stale left current: facts an update sequence made stale that a memory still states;
- calls/s: whole `create_user_memories` calls (model call plus the store applying the ops), with
  the response cache on (the default: every request is new, so a miss plus a cache write) and
  off; and the extraction calls alone through `LLM.complete` (ledger row, no store writes);
- the same figures straight from the rules (`extract_facts` + `decide_ops`), which shows what
  the prompt loses (for example the message dates);
- big inputs: seconds for one extraction with a stored memory of N bytes, and for a message of
  N bytes, through `Memory`; then each rule task alone on an N-byte text (issue 7: a 1 MB
  memory or message must cost <= 1 s).

Targets (issue 9): recall >= 0.85, precision >= 0.95, stale left <= 5 %, >= 100 calls/s.

    .venv/bin/python benchmarks/offline_extraction.py [--misses] [--big 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.llm import LLM
from memlab.llm.offline.eval import (
    CorpusCase,
    CorpusScore,
    load_corpus,
    rules_memories,
    score_corpus,
)
from memlab.llm.offline.rules import answer, decide_ops, extract_facts, summarize
from memlab.llm.prompt import get_prompt
from memlab.llm.sections import render_block, render_items, render_turns
from memlab.llm.tools import MEMORY_TOOLS
from memlab.manager import MemoryManager
from memlab.schema import Message

CORPUS = (
    Path(__file__).resolve().parent.parent / "tests" / "llm" / "data" / "extraction_corpus.json"
)


class Chokepoint:
    """Runs cases through `Memory` with the offline model and counts the calls."""

    def __init__(self, *, cache: bool = True) -> None:
        self.db = DuckDbMemoryDb(":memory:")
        llm = LLM("memlab/offline", db=self.db, cache=cache)
        self.memory = Memory(self.db, model=llm, manager=MemoryManager(llm))
        self.calls = 0
        self.seconds = 0.0

    def __call__(self, case: CorpusCase) -> list[str]:
        batches = [case.messages] if case.together else [(m,) for m in case.messages]
        for batch in batches:
            messages = [Message(role="user", content=text, created_at=at) for at, text in batch]
            started = time.perf_counter()
            self.memory.create_user_memories(messages=messages, user_id=case.id)
            self.seconds += time.perf_counter() - started
            self.calls += 1
        return [m.memory for m in self.memory.get_user_memories(user_id=case.id)]


def chokepoint_only(cases: list[CorpusCase], memories: dict[str, list[str]]) -> None:
    """Calls/s of the extraction calls alone: prompt in, ledgered answer out, no store writes.

    Each corpus message is sent as an agno-v2 prompt showing its case's stored memories
    (`k1`, `k2` …) through `LLM.complete` with the response cache off, so the offline model
    runs every time and every call writes its `llm_calls` row.
    """
    db = DuckDbMemoryDb(":memory:")
    llm = LLM("memlab/offline", db=db, cache=False)
    prompt = get_prompt("agno-v2")
    requests = []
    for case in cases:
        shown = render_items((f"k{i + 1}", m) for i, m in enumerate(memories[case.id]))
        for n, (at, text) in enumerate(case.messages):
            requests.append(
                prompt.render(
                    options={"include_assistant": False},
                    memories=render_block("memories", shown),
                    conversation=render_block(
                        "conversation", render_turns([(f"m{n + 1}", "user", text, at)])
                    ),
                    assistant_note="",
                )
            )
    llm.complete(requests[0], purpose="extract", tools=MEMORY_TOOLS)  # warm-up
    started = time.perf_counter()
    for request in requests:
        llm.complete(request, purpose="extract", tools=MEMORY_TOOLS)
    took = time.perf_counter() - started
    print(
        f"throughput   {len(requests) / took:.1f} calls/s through the chokepoint alone "
        f"(LLM.complete, ledger on, cache off; {len(requests)} calls in {took:.2f} s)"
    )
    db.close()


def report(name: str, score: CorpusScore) -> None:
    print(
        f"{name:<12} recall {score.recall:.3f} ({score.facts_found}/{score.facts})"
        f"  precision {score.precision:.3f} ({score.checks_passed}/{score.checks})"
        f"  stale left {score.stale_left:.1%} ({score.stale_current}/{score.stale})"
    )


def rule_tasks(blob: str) -> dict[str, Callable[[], object]]:
    """Each rule task alone on one text, as zero-argument calls to time."""
    return {
        "extract_facts": lambda: extract_facts(
            [("m", "user", blob)], times={"m": datetime(2023, 5, 8)}, keep_unparsed=True
        ),
        "decide_ops": lambda: decide_ops(
            extract_facts([("m", "user", "I moved to Lisbon.")]), [("k1", blob)]
        ),
        "summarize": lambda: summarize([("user", blob)], previous=blob),
        "answer": lambda: answer("Where did the user go?", [blob]),
    }


def big_inputs(sizes: list[int]) -> None:
    # Run-on first-person text with many "and"s and no verb the rules share after them: the
    # shape that made a lazy regex quadratic (issue 7).
    rng = random.Random(3)
    words = [
        "went",
        "to",
        "the",
        "market",
        "and",
        "bought",
        "bread",
        "with",
        "Ana",
        "on",
        "Tuesday",
        "and",
        "then",
    ]
    for size in sizes:
        blob = "I"
        while len(blob) < size:
            blob += " " + " ".join(rng.choice(words) for _ in range(10)) + " and I"
        blob = blob[:size]
        for what in ("memory", "message"):
            db = DuckDbMemoryDb(":memory:")
            memory = Memory(db, model=LLM("memlab/offline", db=db, cache=False))
            if what == "memory":
                memory.add_user_memory(blob, user_id="u")
                message = "I moved to Lisbon."
            else:
                message = "I moved to Lisbon. " + blob
            started = time.perf_counter()
            memory.create_user_memories(message=message, user_id="u")
            took = time.perf_counter() - started
            print(f"  {size:>9,} byte {what:<7}: {took:7.3f} s per create_user_memories call")
            db.close()
        # The rules alone, on the whole text (the prompt quotes at most 4,000 characters of an
        # item; the rules themselves read at most MAX_READ_CHARS of one text).
        timings = rule_tasks(blob)
        for name, call in timings.items():
            started = time.perf_counter()
            call()
            took = time.perf_counter() - started
            print(f"  {size:>9,} byte text, rules alone, {name:<13}: {took:7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--big", default="10000,100000,1000000", help="sizes in bytes, or ''")
    args = parser.parse_args()
    cases = load_corpus(CORPUS)
    print(
        f"corpus: {len(cases)} cases, {sum(len(c.messages) for c in cases)} user messages, "
        f"{sum(len(c.facts) for c in cases)} facts, {sum(len(c.stale) for c in cases)} stale"
    )
    warm = Chokepoint()  # imports litellm and builds its clients once, outside the timing
    warm(cases[0])
    runner = Chokepoint()
    chokepoint = score_corpus(cases, runner)
    report("chokepoint", chokepoint)
    uncached = Chokepoint(cache=False)
    score_corpus(cases, uncached)
    try:
        direct = score_corpus(cases, rules_memories)
        report("rules", direct)
    except TypeError as exc:  # rules without date support (before issue 9)
        direct = None
        print(f"rules        (not run: {exc})")
    for name, run in (("cache on", runner), ("cache off", uncached)):
        print(
            f"throughput   {run.calls / run.seconds:.1f} calls/s of create_user_memories, {name} "
            f"(model call and store writes; {run.calls} calls in {run.seconds:.2f} s)"
        )
    stored = {
        c.id: [m.memory for m in runner.memory.get_user_memories(user_id=c.id)] for c in cases
    }
    chokepoint_only(cases, stored)
    if args.big:
        print("big inputs (issue 7: <= 1 s):")
        big_inputs([int(s) for s in args.big.split(",") if s])
    if args.misses:
        for line in (direct or chokepoint).misses:
            print(" ", line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
