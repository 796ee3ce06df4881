"""How the offline model and the lab's scorers grow with a LongMemEval-S-sized haystack.

One haystack (the first question of a LongMemEval-S-shaped file from `datasets/generate.py`)
at 1x, 2x and 4x a base number of sessions (50 sessions, ~800 turns at 1x). Per part, CPU
seconds at each size and the growth exponent (least-squares slope of log time on log turns:
1.0 is linear, 2.0 quadratic). Parts:

- extract: offline extraction per session (facts, then memory ops against every memory kept
  so far), as a replay's ingest step calls it;
- extract/call: the same, CPU milliseconds per session call;
- summary: one offline summary of the whole haystack, and incremental ones session by session;
- answer: the offline answerer over every memory, and over every turn;
- search: the offline memory picker over every memory;
- judge: the offline judge, one verdict per turn;
- scorers: every registered lab scorer on probes whose context and recalled ids grow;
- qa_score: LoCoMo token F1 with the whole context as prediction;
- stats: the cluster bootstrap over one value per turn.

    .venv/bin/python benchmarks/offline_scaling.py [--sessions 50] [--factors 1,2,4]

CPU time (`time.process_time`) is reported: on a machine shared with other work, wall time
grows with the load and CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from memlab.lab.analysis.qa_score import token_f1_locomo
from memlab.lab.analysis.scorers import ScoreInput, score_all
from memlab.lab.analysis.stats import cluster_bootstrap
from memlab.lab.data.dataset import Probe
from memlab.llm.offline.rules import answer, choose_ids, decide_ops, extract_facts, judge, summarize

ROOT = Path(__file__).resolve().parent.parent

Turn = tuple[str, str, str]  # (turn id, role, text)


def haystack(sessions: int) -> tuple[dict[str, Any], list[list[Turn]], list[datetime]]:
    """The first question of a generated LongMemEval-S-shaped file with `sessions` sessions."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lme.json"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "datasets" / "generate.py"),
                "--shape",
                "longmemeval-s",
                "--questions",
                "1",
                "--sessions",
                str(sessions),
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        item = json.loads(out.read_text())[0]
    turns = [
        [(f"s{i}:t{j}", t["role"], t["content"]) for j, t in enumerate(session)]
        for i, session in enumerate(item["haystack_sessions"])
    ]
    dates = [datetime.strptime(d[:10], "%Y/%m/%d") for d in item["haystack_dates"]]
    return item, turns, dates


def _cpu(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def measure(sessions: int) -> dict[str, float]:
    """CPU seconds per part for one haystack of `sessions` sessions."""
    item, turns, dates = haystack(sessions)
    flat = [t for session in turns for t in session]
    texts = [text for _, _, text in flat]
    memories: list[tuple[str, str]] = []

    def extract() -> None:
        for session, day in zip(turns, dates, strict=True):
            facts = extract_facts(
                session, times={tid: day for tid, _, _ in session}, keep_unparsed=True
            )
            for op in decide_ops(facts, memories):
                if op.op == "add" and op.memory:
                    memories.append((f"m{len(memories)}", op.memory))
                elif op.op == "update" and op.memory:
                    memories[:] = [(i, op.memory if i == op.memory_id else m) for i, m in memories]
                elif op.op == "delete":
                    memories[:] = [(i, m) for i, m in memories if i != op.memory_id]

    def incremental() -> None:
        previous: str | None = None
        for session in turns:
            previous = summarize([(r, t) for _, r, t in session], previous=previous)[0] or None

    question, gold = item["question"], str(item["answer"])
    context = "\n".join(texts)
    probe = Probe(id="q", question=question, answers=[gold], evidence=[flat[0][0]])
    ids = tuple(tid for tid, _, _ in flat)

    def scorers() -> None:
        for k in (10, 100, len(ids)):
            x = ScoreInput(probe, ids[:k], "\n".join(texts[:k]), answer=context[:2000])
            score_all(x)

    out = {"extract": _cpu(extract)}
    out["extract/call ms"] = 1000 * out["extract"] / len(turns)
    out["summary (whole)"] = _cpu(lambda: summarize([(r, t) for _, r, t in flat]))
    out["summary (incremental)"] = _cpu(incremental)
    out["answer (memories)"] = _cpu(lambda: answer(question, [m for _, m in memories]))
    out["answer (turns)"] = _cpu(lambda: answer(question, texts))
    out["search (memories)"] = _cpu(lambda: choose_ids(question, memories, limit=10))
    out["judge (per turn)"] = _cpu(lambda: [judge(question, gold, t) for t in texts])
    out["scorers"] = _cpu(scorers)
    out["qa_score (F1)"] = _cpu(lambda: token_f1_locomo(context, gold, category=4))
    values = np.arange(len(flat), dtype=float) % 2
    clusters = np.array([tid.split(":")[0] for tid in ids])
    out["stats (bootstrap)"] = _cpu(lambda: cluster_bootstrap(values, clusters))
    out["turns"] = float(len(flat))
    out["memories"] = float(len(memories))
    return out


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y on log x (NaN when a time is 0)."""
    if any(y <= 0 for y in ys):
        return float("nan")
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / den


def main() -> None:
    """Print CPU seconds per part and size, and the growth exponent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="sessions at 1x")
    parser.add_argument("--factors", default="1,2,4")
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]
    measure(2)  # warm caches and imports: not part of any size
    rows = [measure(args.sessions * f) for f in factors]
    sizes = [r["turns"] for r in rows]
    print(f"sessions: {', '.join(str(args.sessions * f) for f in factors)}")
    print(f"turns: {', '.join(f'{s:.0f}' for s in sizes)}")
    kept = [f"{r['memories']:.0f}" for r in rows]
    print(f"memories kept: {', '.join(kept)}")
    print(f"{'part':<24}" + "".join(f"{f'{f}x':>10}" for f in factors) + f"{'exponent':>10}")
    for part in rows[0]:
        if part in {"turns", "memories"}:
            continue
        ys = [r[part] for r in rows]
        unit = "" if part.endswith("ms") else " s"
        cells = "".join(f"{y:>8.3f}{unit or '  '}" for y in ys)
        # Per call cost should stay flat: its exponent is against turns too.
        print(f"{part:<24}{cells}{slope(sizes, ys):>10.2f}")


if __name__ == "__main__":
    main()
