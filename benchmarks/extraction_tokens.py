"""Input tokens per extraction call as a user's stored memories grow, `all` vs `top_k`.

agno's design puts every stored memory in every extraction prompt, so input tokens grow
linearly with the store. `MemoryManager(context="top_k")` shows a bounded number. The figures
are the `input_tokens` of the `llm_calls` rows (cl100k_base over the actual request, tools
included), made with the offline model through the real chokepoint; a real model sees the same
request. Target (issue 3): `top_k` <= 2,000 input tokens per call at 10,000 memories.

Two more checks follow the table (issue 7):
- identical inputs make identical requests: the same message extracted for two users with the
  same stored memories gives one request hash, the same input tokens, and a cache hit the
  second time (prompts show short handles, not random UUIDs, and the date, not the time);
- one huge input does not make a call take minutes: a 1 MB stored memory and a 1 MB message
  are each quoted up to `MAX_ITEM_CHARS` characters, so the call's input tokens and time stay
  bounded.

    .venv/bin/python benchmarks/extraction_tokens.py [--top-k 20]
"""

from __future__ import annotations

import argparse
import os
import random
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import pandas as pd

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.llm import LLM
from memlab.manager import MemoryManager

SIZES = (10, 100, 1_000, 10_000)
MESSAGE = "I moved to Lisbon last month, and I started working as a nurse at Santa Maria hospital."

_PLACES = ["Porto", "Madrid", "Kyoto", "Oslo", "Lima", "Accra", "Hanoi", "Quebec", "Tbilisi"]
_THINGS = ["sushi", "jazz", "hiking", "chess", "pottery", "cycling", "opera", "tango", "baking"]
_PEOPLE = ["Maria", "Joao", "Aiko", "Lars", "Nia", "Omar", "Chen", "Ines", "Tomas", "Priya"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def synthetic_memories(n: int, seed: int = 7) -> list[str]:
    """Varied third-person facts, like a long-lived user's store."""
    rng = random.Random(seed)
    templates = [
        lambda: (
            f"User visited {rng.choice(_PLACES)} in {rng.choice(_MONTHS)} {rng.randint(1, 28)}."
        ),
        lambda: f"User's friend {rng.choice(_PEOPLE)} likes {rng.choice(_THINGS)}.",
        lambda: f"User enjoys {rng.choice(_THINGS)} on weekends with {rng.choice(_PEOPLE)}.",
        lambda: f"User read a book about {rng.choice(_THINGS)} set in {rng.choice(_PLACES)}.",
        lambda: f"User plans to see {rng.choice(_PEOPLE)} in {rng.choice(_PLACES)} soon.",
    ]
    return [rng.choice(templates)() + f" (note {i})" for i in range(n)]


CONFIGS = [
    ("agno-v2", "all"),
    ("agno-v2", "top_k"),
    ("single-pass-json", "top_k"),
    ("mem0-style", "top_k"),
]


def main(top_k: int) -> None:
    db = DuckDbMemoryDb(":memory:")
    llm = LLM(db=db, cache=False)
    store = synthetic_memories(max(SIZES))
    rows = []
    for size in SIZES:
        for prompt, context in CONFIGS:
            user = f"{prompt}-{context}-{size}"
            # "User lives in Porto." sits among the others: the update the message should cause.
            texts = [*store[: size - 1], "User lives in Porto."]
            db.import_memories_df(pd.DataFrame({"memory": texts}), user_id=user)
            manager = MemoryManager(llm, prompt=prompt, context=context, top_k=top_k)  # type: ignore[arg-type]
            memory = Memory(db, model=llm, manager=manager)
            started = time.perf_counter()
            result = memory.create_user_memories(MESSAGE, user_id=user)
            seconds = time.perf_counter() - started
            calls = db.llm_calls_df(user_id=user)
            updated = any(op.op == "update" for op in result.ops)
            rows.append(
                {
                    "memories": size,
                    "strategy": prompt,
                    "context": context if context == "all" else f"top_k={top_k}",
                    "calls": len(calls),
                    "input_tokens_per_call": int(calls["input_tokens"].max()),
                    "input_tokens_total": int(calls["input_tokens"].sum()),
                    "found_update": updated,
                    "seconds": round(seconds, 3),
                }
            )
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 140)
    print("Input tokens per extraction call (offline baseline model, cl100k_base on the request)")
    print(table.to_string(index=False))
    print("\nmax input tokens of one call, by store size:")
    print(
        table.pivot_table(
            index="memories", columns=["strategy", "context"], values="input_tokens_per_call"
        ).to_string()
    )
    worst = table[(table["memories"] == max(SIZES)) & (table["context"] != "all")]
    ok = bool((worst["input_tokens_per_call"] <= 2000).all())
    print(
        f"\ntarget top_k <= 2,000 input tokens per call at {max(SIZES):,} memories: "
        f"{'met' if ok else 'NOT met'} (max {int(worst['input_tokens_per_call'].max())})"
    )
    identical_requests(top_k)
    huge_inputs()
    db.close()


def identical_requests(top_k: int) -> None:
    """The same message and memories, twice: one request hash, a cache hit, equal tokens."""
    print("\nidentical inputs, two users (cache on):")
    db = DuckDbMemoryDb(":memory:")
    llm = LLM(db=db)
    texts = [*synthetic_memories(99), "User lives in Porto."]
    for prompt, context in CONFIGS:
        hashes, tokens, cached = [], [], []
        for user in ("twin-a", "twin-b"):
            user = f"{user}-{prompt}-{context}"
            db.import_memories_df(pd.DataFrame({"memory": texts}), user_id=user)
            manager = MemoryManager(llm, prompt=prompt, context=context, top_k=top_k)  # type: ignore[arg-type]
            Memory(db, model=llm, manager=manager).create_user_memories(MESSAGE, user_id=user)
            calls = db.llm_calls_df(user_id=user)
            hashes.append(tuple(calls["request_hash"]))
            tokens.append(int(calls["input_tokens"].sum()))
            cached.append(int(calls["cached"].sum()))
        print(
            f"  {prompt:<17} {context:<6} same request: {hashes[0] == hashes[1]}  "
            f"input tokens {tokens[0]} / {tokens[1]}  cache hits on the 2nd: {cached[1]}"
        )
    db.close()


def huge_inputs(size: int = 1_000_000) -> None:
    """A 1 MB stored memory, then a 1 MB message: input tokens and seconds of one call."""
    print(f"\none huge input ({size:,} characters), agno-v2, context=all:")
    db = DuckDbMemoryDb(":memory:")
    llm = LLM(db=db, cache=False)
    memory = Memory(db, model=llm, manager=MemoryManager(llm))
    words = (
        "I walked along the river and counted the boats that passed by the old mill. "
        * (size // 70 + 1)
    )[:size]
    memory.add_user_memory(words, user_id="huge-memory")
    cases = [
        (f"a {size:,}-char memory", "huge-memory", MESSAGE),
        (f"a {size:,}-char message", "huge-message", words),
    ]
    for label, user, message in cases:
        started = time.perf_counter()
        memory.create_user_memories(message, user_id=user)
        seconds = time.perf_counter() - started
        calls = db.llm_calls_df(user_id=user)
        print(
            f"  {label:<27} input tokens {int(calls['input_tokens'].max()):>7,}  "
            f"seconds {seconds:.2f}"
        )
    db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top-k", type=int, default=20)
    main(parser.parse_args().top_k)
