"""Replay lab throughput (issue 10): four figures, each printed with what it measures.

1. `grid`: offline, the bundled dataset: probes/s and turns/s for 2 ingest (verbatim,
   extract) × 6 recall variants, recall scored without an answer stage; then `fanout`: the wall
   time of 1 extract ingest × 12 recall variants against 1 × 1 (target <= 1.5x: ingest once,
   recall many).
2. `concurrency`: the answer stage against `memlab.testing.OpenAIServer` (200 ms injected
   latency, in a child process so its threads do not compete for the GIL): speed-up of
   concurrency 16 over concurrency 1 (target >= 10x).
3. `cached`: the same replay again (`force=True`, same file): every answer from the cache
   (target >= 50x faster than the first run).
4. `locomo`: a generated LoCoMo-format file (~6,000 turns, 2,000 probes): verbatim ingest ×
   bm25/semantic/hybrid × k in {5, 10}, offline (moonshot: <= 60 s on 2 cores).

    .venv/bin/python benchmarks/replay.py [grid fanout concurrency cached locomo] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("OPENAI_API_KEY", "none")  # the local test server takes any key

from memlab.lab.analysis.results import Results
from memlab.lab.analysis.scorers import token_f1_locomo
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import replay
from memlab.llm.client import LLM

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "datasets" / "memlab-synthetic-v1.jsonl"
SIX_RECALLS = [
    {"strategy": "last_n", "k": 10},
    {"strategy": "bm25", "k": [5, 10]},
    {"strategy": "semantic", "k": 10},
    {"strategy": "hybrid", "k": 10},
    {"strategy": "bm25", "over": "messages", "k": 10},
]
TWELVE_RECALLS = [{"strategy": s, "k": [1, 3, 5, 10]} for s in ("bm25", "last_n", "semantic")]


def _exp(name: str, dataset: dict[str, Any], **fields: Any) -> Experiment:
    return build_experiment({"name": name, "dataset": dataset, **fields})


def _timed(exp: Experiment, db: Path, **options: Any) -> tuple[float, Results]:
    started = time.perf_counter()
    results = replay(exp, db=db, quiet=True, **options)
    return time.perf_counter() - started, results


def _counts(results: Results) -> tuple[int, int]:
    units = results.units_df()
    return int(units["n_turns"].sum()), len(results.probes_df())


def bench_grid(tmp: Path, limit: int) -> None:
    data = {"path": str(BUNDLED), "limit": limit}
    exp = _exp("grid", data, ingest=[{"kind": "verbatim"}, {"kind": "extract"}], recall=SIX_RECALLS)
    seconds, results = _timed(exp, tmp / "grid.duckdb")
    turns, rows = _counts(results)
    turns //= 2  # each conversation is replayed once per ingest variant
    print(
        f"grid 2 ingest x 6 recall, {limit} conversations: {seconds:.1f} s; "
        f"{rows / seconds:.0f} probe-variant rows/s, {2 * turns / seconds:.0f} turns/s ingested "
        f"({rows} rows, {turns} turns)"
    )
    results.close()


def bench_fanout(tmp: Path, limit: int) -> None:
    data = {"path": str(BUNDLED), "limit": limit}
    ingest = [{"kind": "extract"}]
    one = _exp("fanout1", data, ingest=ingest, recall=[{"strategy": "bm25", "k": 5}])
    many = _exp("fanout12", data, ingest=ingest, recall=TWELVE_RECALLS)
    t1, r1 = _timed(one, tmp / "one.duckdb")
    t12, r12 = _timed(many, tmp / "twelve.duckdb")
    print(
        f"fanout 1 extract x 1 recall: {t1:.1f} s; 1 x 12 recall: {t12:.1f} s; "
        f"ratio {t12 / t1:.2f}x (target <= 1.5x)"
    )
    r1.close()
    r12.close()


def _serve(queue: Any, latency: float) -> None:
    from memlab.testing import OpenAIServer

    server = OpenAIServer(latency_s=latency).start()
    queue.put(server.base_url)
    while True:
        time.sleep(3600)


def bench_concurrency(tmp: Path, limit: int, latency: float) -> None:
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=_serve, args=(queue, latency), daemon=True)
    child.start()
    base_url = queue.get(timeout=60)
    try:
        exp = _exp(
            "served",
            {"path": str(BUNDLED), "limit": limit},
            ingest=[{"kind": "messages"}],
            recall=[{"strategy": "bm25", "over": "messages", "k": 5}],
            answer={"model": "openai/bench"},
            api_base=base_url,
        )
        t1, r1 = _timed(exp, tmp / "c1.duckdb", concurrency=1)
        rows = len(r1.probes_df())
        errors = int((r1.probes_df()["status"] == "error").sum())
        answer_1 = r1.calls_df()["latency_ms"].sum() / 1000  # time on the wire, from the ledger
        r1.close()
        t16, r16 = _timed(exp, tmp / "c16.duckdb", concurrency=16)
        print(
            f"concurrency ({rows} answer calls, {latency * 1000:.0f} ms latency, {errors} "
            f"errors): c=1 {t1:.1f} s, c=16 {t16:.1f} s, speed-up {t1 / t16:.1f}x (target >= 10x)"
        )
        r16.close()
        tc, rc = _timed(exp, tmp / "c1.duckdb", concurrency=1, force=True)
        cached = bool(rc.calls_df()["cached"].all())
        answer_c = rc.calls_df()["latency_ms"].sum() / 1000
        print(
            f"cached re-run at c=1 (force: ingest and recall redone; all answers cached="
            f"{cached}): {tc:.2f} s, {t1 / tc:.0f}x faster than the first c=1 run (target >= "
            f"50x); model calls (ledger latency) {answer_1:.1f} s -> {answer_c:.3f} s "
            f"({answer_1 / max(answer_c, 1e-9):.0f}x)"
        )
        rc.close()
    finally:
        child.terminate()


def _locomo_file(path: Path, *, samples: int, sessions: int, turns: int, probes: int) -> None:
    rng = random.Random(7)
    words = [
        "trip",
        "garden",
        "guitar",
        "painting",
        "camping",
        "book",
        "recipe",
        "concert",
        "puppy",
        "museum",
        "bike",
    ]
    out = []
    for s in range(samples):
        conv: dict[str, Any] = {"speaker_a": "Caroline", "speaker_b": "Melanie"}
        ids = []
        for n in range(1, sessions + 1):
            conv[f"session_{n}_date_time"] = f"1:{10 + n % 50:02d} pm on {1 + n % 28} May, 2023"
            rows = []
            for t in range(1, turns + 1):
                who = "Caroline" if t % 2 else "Melanie"
                thing = rng.choice(words)
                text = f"I went to the {thing} thing number {rng.randint(1, 999)} in town {n}."
                rows.append({"speaker": who, "dia_id": f"D{n}:{t}", "text": text})
                ids.append((f"D{n}:{t}", text))
            conv[f"session_{n}"] = rows
        qa = []
        for _ in range(probes):
            dia, text = rng.choice(ids)
            number = text.split("number ")[1].split()[0]
            category = rng.choice([1, 2, 3, 4, 4, 4, 5])
            item = {
                "question": f"Which number was the {text.split()[4]} thing?",
                "category": category,
            }
            item["answer" if category != 5 else "adversarial_answer"] = number
            item["evidence"] = [dia]
            qa.append(item)
        out.append({"sample_id": f"gen-{s}", "conversation": conv, "qa": qa})
    path.write_text(json.dumps(out))


def bench_locomo(tmp: Path) -> None:
    path = tmp / "locomo-generated.json"
    _locomo_file(path, samples=10, sessions=20, turns=30, probes=200)
    exp = _exp(
        "locomo",
        {"path": str(path), "format": "locomo"},
        ingest=[{"kind": "verbatim"}],
        recall=[{"strategy": s, "k": [5, 10]} for s in ("bm25", "semantic", "hybrid")],
    )
    seconds, results = _timed(exp, tmp / "locomo.duckdb", concurrency=2)
    turns, rows = _counts(results)
    print(
        f"locomo-sized ({turns} turns, {rows // 6} probes x 6 variants): {seconds:.1f} s "
        f"(moonshot <= 60 s)"
    )
    results.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "which", nargs="*", default=["grid", "fanout", "concurrency", "cached", "locomo"]
    )
    parser.add_argument("--limit", type=int, default=14, help="bundled conversations to replay")
    parser.add_argument("--served-limit", type=int, default=8, help="conversations, served run")
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    # Import litellm, nltk's stemmer and the offline model once, so no figure pays for them.
    LLM("memlab/offline").complete([{"role": "user", "content": "hi"}], purpose="other")
    token_f1_locomo("warm up", "warm up", category=None)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "grid" in args.which:
            bench_grid(tmp, args.limit)
        if "fanout" in args.which:
            bench_fanout(tmp, args.limit)
        if "concurrency" in args.which or "cached" in args.which:
            bench_concurrency(tmp, args.served_limit, args.latency)
        if "locomo" in args.which:
            bench_locomo(tmp)


if __name__ == "__main__":
    main()
