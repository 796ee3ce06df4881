"""The demo: replay a short embedded conversation into `Memory` and show what it stored.

It is what `make demo` runs. Everything is offline and deterministic: the conversation ships
in the package, and the store is a DuckDB file (default `out/demo.duckdb`) that a notebook can
open afterwards with `DuckDbMemoryDb(path, read_only=True)`.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.memory import Memory
from memlab.schema import Message, Run

__all__ = ["load_demo_conversation", "run_demo"]


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


def run_demo(*, db_path: str | Path = "out/demo.duckdb", out: TextIO | None = None) -> Memory:
    """Replay the demo conversation into a fresh store at `db_path` and print a report."""
    import sys

    write = (out or sys.stdout).write
    path = Path(db_path)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    data = load_demo_conversation()
    memory = Memory(DuckDbMemoryDb(path), user_id=data["user_id"])
    for run in _runs(data):
        memory.add_run(run.session_id, run)
        for m in run.messages:
            if m.role == "user":
                # Without a model, the demo stores every user turn verbatim: the
                # "remember everything" baseline that extraction strategies are measured against.
                memory.add_user_memory(m.content)
    write(f"memlab demo: replayed {len(memory.get_runs())} runs for user {data['user_id']!r}\n")
    write(f"store: {path}\n\n")
    frame = memory.db.memories_df(user_id=data["user_id"])[["memory", "updated_at"]]
    write(frame.to_string(index=False) + "\n\n")
    for probe in data["probes"]:
        hits = memory.recall(probe["question"], strategy="last_n", limit=3)
        found = any(probe["answer"].lower() in h.text.lower() for h in hits)
        write(f"{probe['question']:<42} last_n@3 holds {probe['answer']!r}: {found}\n")
    return memory
