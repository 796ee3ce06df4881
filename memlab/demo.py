"""The demo: replay a short embedded conversation through memory and measure recall.

It is what `make demo` runs, offline and deterministic. Each run of the conversation goes
through the real pipeline: `add_run`, fact extraction by the model (`create_user_memories`), a
session summary when a session ends, then every probe question is recalled with several
strategies over the extracted memories and over the raw messages, and scored by whether the
answer is in the recalled text. The model is memlab's offline rule-based baseline (not an
LLM); every call is in the `llm_calls` ledger with its tokens. The store is a DuckDB file
(default `out/demo.duckdb`) that a notebook can open afterwards.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.llm import OFFLINE_MODEL
from memlab.memory import Memory
from memlab.recall.base import Corpus
from memlab.schema import Message, Run

__all__ = ["load_demo_conversation", "run_demo", "score_recall"]

STRATEGIES = ("last_n", "bm25", "semantic", "hybrid")
CORPORA: tuple[Corpus, ...] = ("memories", "messages")


def load_demo_conversation() -> dict[str, Any]:
    """The embedded demo conversation (JSON, format `memlab-conversation/1`)."""
    text = resources.files("memlab.data").joinpath("demo_conversation.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _runs(data: dict[str, Any]) -> list[Run]:
    runs: list[Run] = []
    for session in data["sessions"]:
        at = datetime.fromisoformat(session["date"].replace("Z", "+00:00"))
        for turns in session["runs"]:
            messages = [Message(role=role, content=text, created_at=at) for role, text in turns]
            runs.append(
                Run(
                    session_id=session["session_id"],
                    user_id=data["user_id"],
                    messages=messages,
                    created_at=at,
                )
            )
    return runs


def replay(memory: Memory, data: dict[str, Any]) -> None:
    """Feed every run to `memory`: store it, extract facts, summarize ended sessions."""
    runs = _runs(data)
    for i, run in enumerate(runs):
        memory.add_run(run.session_id, run)
        memory.create_user_memories(
            messages=run.messages, session_id=run.session_id, run_id=run.run_id
        )
        if i + 1 == len(runs) or runs[i + 1].session_id != run.session_id:
            memory.end_session(run.session_id)


def score_recall(memory: Memory, probes: list[dict[str, str]], *, limit: int = 3) -> pd.DataFrame:
    """Share of probes whose answer is in the top `limit` recalled texts.

    One row per (corpus, strategy); a string match, the cheapest judge that needs no model.
    """
    rows = []
    for corpus in CORPORA:
        for strategy in STRATEGIES:
            found = 0
            for probe in probes:
                hits = memory.recall(probe["question"], strategy=strategy, limit=limit, over=corpus)
                found += any(probe["answer"].lower() in h.text.lower() for h in hits)
            rows.append(
                {
                    "corpus": corpus,
                    "strategy": strategy,
                    f"answer in top {limit}": found / len(probes),
                }
            )
    return pd.DataFrame(rows)


def run_demo(*, db_path: str | Path = "out/demo.duckdb", out: TextIO | None = None) -> Memory:
    """Replay the demo conversation into a fresh store at `db_path` and print a report."""
    write = (out or sys.stdout).write
    path = Path(db_path)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    data = load_demo_conversation()
    memory = Memory(
        DuckDbMemoryDb(path),
        user_id=data["user_id"],
        model=OFFLINE_MODEL,
        summary_trigger="session_end",
    )
    replay(memory, data)
    db = memory.db
    user = data["user_id"]
    write(f"memlab demo: {len(memory.get_runs())} runs of user {user!r} replayed into {path}\n")
    write(f"model: {OFFLINE_MODEL} (memlab's rule-based offline baseline, not an LLM)\n\n")
    write("memories extracted (what a later session can recall):\n")
    memories = db.memories_df(user_id=user)[["memory", "topics"]]
    write(memories.to_string(index=False) + "\n\n")
    events = db.events_df(user_id=user)
    changes = events.groupby(["op", "status"]).size().rename("events").reset_index()
    write("memory history (memory_events):\n" + changes.to_string(index=False) + "\n\n")
    write("session summaries:\n")
    for s in memory.get_session_summaries():
        write(f"  {s.session_id}: {s.summary}\n")
    write("\nrecall: is each probe's answer in the top 3? (share of probes)\n")
    table = score_recall(memory, data["probes"])
    write(table.pivot(index="strategy", columns="corpus").round(2).to_string() + "\n\n")
    calls = db.llm_calls_df(user_id=user)
    ledger = calls.groupby("purpose").agg(
        calls=("call_id", "count"),
        input_tokens=("input_tokens", "sum"),
        output_tokens=("output_tokens", "sum"),
        cost_usd=("cost_usd", "sum"),
    )
    write("token ledger (llm_calls):\n" + ledger.to_string() + "\n")
    return memory
