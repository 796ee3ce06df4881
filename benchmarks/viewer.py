"""Size and time-to-interactive of the probe viewer, on a results file or a synthetic result.

    .venv/bin/python benchmarks/viewer.py --db results/demo.duckdb
    .venv/bin/python benchmarks/viewer.py --synthetic 2500 --probes 4 --designs 20

The synthetic result is LongMemEval-shaped: each conversation has `--turns` turns (long
texts), `--probes` probes, and every design recalls `--k` items citing two turns each, so the
document holds conversations x probes x designs result rows.

For each layout (the chunked page served on 127.0.0.1 as `memlab view` does, the same as
files opened from disk, and the self-contained file `memlab report --html` writes for small
results) it prints the bytes the browser reads before the first paint and, in headless
Chromium (Debian's chromium and chromedriver, driven by Selenium), the time from navigation
start until the leaderboard is drawn, then the time to search every chunk for the last
conversation's question and list it, then to open that probe.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from memlab.lab.view import ViewData, ViewPage, ViewServer
from memlab.lab.view.models import Design, Interval, Item, ProbeInfo, ProbeResult, TurnInfo

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
)
WORDS = [
    "the",
    "a",
    "user",
    "said",
    "that",
    "she",
    "moved",
    "to",
    "lisbon",
    "last",
    "spring",
    "and",
    "loves",
    "sushi",
    "with",
    "friends",
]


def synthetic(n_conv: int, n_probes: int, n_designs: int, n_turns: int, k: int) -> ViewData:
    """A LongMemEval-shaped document: long conversations, few probes each, many designs."""
    rng = random.Random(0)
    scores = ["evidence_recall_any", "token_f1", "judge"]

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    designs = [
        Design(
            variant_id=f"v{d}",
            label=f"design {d} · bm25@{k}",
            ingest_id=f"i{d % 4}",
            scores={s: Interval(mean=0.5, lo=0.4, hi=0.6, n=n_conv * n_probes) for s in scores},
            n_probes=n_conv * n_probes,
            n_errors=0,
            tokens_per_probe=100.0 + d,
            context_tokens_per_probe=50.0,
            pareto=d % 3 == 0,
        )
        for d in range(n_designs)
    ]
    probes: list[ProbeInfo] = []
    results: list[ProbeResult] = []
    items: list[Item] = []
    turns: dict[str, dict[str, TurnInfo]] = {}
    for c in range(n_conv):
        cid = f"c{c}"
        turns[cid] = {
            f"s{t // 10}:t{t}": TurnInfo(
                speaker="user", text=text(60), session=f"s{t // 10}", date="2024-01-01T00:00:00"
            )
            for t in range(n_turns)
        }
        ids = list(turns[cid])
        first = len(items)
        items += [
            Item(id=f"{cid}-m{i}", text=text(12), turn_ids=rng.sample(ids, 2)) for i in range(40)
        ]
        for p in range(n_probes):
            probes.append(
                ProbeInfo(
                    conversation_id=cid,
                    probe_id=f"q{p}",
                    question=f"question {c}-{p}: {text(10)}?",
                    answers=[text(3)],
                    evidence=rng.sample(ids, 2),
                    category=rng.choice(["single-hop", "temporal", "multi-hop"]),
                    abstention=False,
                )
            )
            for d in designs:
                results.append(
                    ProbeResult(
                        variant_id=d.variant_id,
                        conversation_id=cid,
                        probe_id=f"q{p}",
                        repeat=0,
                        status="ok",
                        error=None,
                        scores={s: float(rng.random() < 0.5) for s in scores},
                        recalled=[first + i for i in rng.sample(range(40), k)],
                        recalled_turn_ids=None,
                        context=None,
                        context_tokens=12 * k,
                        answer=text(4),
                        judge_model="memlab/offline",
                    )
                )
    return ViewData(
        experiment_id="e-synthetic",
        name="synthetic",
        baseline_only=True,
        dataset="synthetic",
        score="judge",
        scores=scores,
        designs=designs,
        probes=probes,
        turns=turns,
        items=items,
        results=results,
    )


def from_db(db: str) -> ViewData:
    from memlab.db.duckdb_store import DuckDbMemoryDb
    from memlab.lab.analysis.results import Results
    from memlab.lab.view import build_view_data

    store = DuckDbMemoryDb(db, read_only=True)
    try:
        return build_view_data(Results(store))
    finally:
        store.close()


def chrome() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_page_load_timeout(600)
    driver.set_script_timeout(600)
    return driver


WAIT_READY = """
const [hash, done] = [arguments[0], arguments[arguments.length - 1]];
const start = performance.now();
const app = document.getElementById("app");
location.hash = hash;
const poll = () => app.hasAttribute("data-ready") && app.dataset.page === hash.split(/[/?]/)[1]
  ? done(performance.now() - start) : setTimeout(poll, 5);
setTimeout(poll, 5);
"""


def measure(driver: Any, url: str, question: str, conversation: str, probe: str) -> str:
    driver.get(url)
    while driver.execute_script("return window.memlabRendered") is None:
        time.sleep(0.01)
    paint = driver.execute_script("return window.memlabRendered")
    search = driver.execute_async_script(WAIT_READY, "#/probes?q=" + question)
    rows = driver.execute_script("return document.querySelectorAll('#probes tbody tr').length")
    opened = driver.execute_async_script(WAIT_READY, f"#/probe/{conversation}/{probe}")
    return (
        f"leaderboard drawn {paint:7.0f} ms after navigation; search of every chunk "
        f"{search:7.0f} ms ({rows} rows); open the probe {opened:5.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="results file (e.g. results/demo.duckdb)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="N synthetic conversations")
    parser.add_argument("--probes", type=int, default=4, help="probes per conversation")
    parser.add_argument("--designs", type=int, default=20)
    parser.add_argument("--turns", type=int, default=500, help="turns per conversation")
    parser.add_argument("--k", type=int, default=10, help="items recalled per probe")
    parser.add_argument("--no-browser", action="store_true", help="sizes only")
    args = parser.parse_args()
    if bool(args.db) == bool(args.synthetic):
        parser.error("pass --db or --synthetic")

    started = time.perf_counter()
    if args.db:
        data = from_db(args.db)
    else:
        data = synthetic(args.synthetic, args.probes, args.designs, args.turns, args.k)
    built = time.perf_counter() - started
    started = time.perf_counter()
    page = ViewPage.of(data)
    split = time.perf_counter() - started
    whole = len(data.model_dump_json())
    files = page.files()
    inline = page.html
    print(
        f"{len(data.results):,} result rows, {len(data.probes):,} probes, "
        f"{len(page.chunks)} chunks (largest {max(len(c) for c in page.chunks) / 1e6:.2f} MB); "
        f"built in {built:.1f} s, split in {split:.1f} s"
    )
    print(f"  every row in one document (the page before chunking): {whole / 1e6:8.2f} MB")
    print(
        f"  chunked page, read before the first paint:           "
        f"{len(files['index.html'].encode()) / 1e6:8.2f} MB"
    )
    print(
        f"  chunk files together:                                "
        f"{sum(len(v.encode()) for k, v in files.items() if k != 'index.html') / 1e6:8.2f} MB"
    )
    print(
        f"  self-contained file (chunks inline):                 "
        f"{len(inline.encode()) / 1e6:8.2f} MB"
    )
    if args.no_browser:
        return
    last = data.probes[-1] if data.probes else None
    target = (last.question, last.conversation_id, last.probe_id) if last else ("", "", "")
    driver = chrome()
    try:
        with tempfile.TemporaryDirectory() as folder:
            with ViewServer(files) as server:
                print("  served (memlab view):     " + measure(driver, server.url, *target))
            saved = page.save(Path(folder) / "split.html", split=True)
            print("  chunk files from disk:    " + measure(driver, saved.as_uri(), *target))
            one = page.save(Path(folder) / "one.html", split=False)
            print("  one file from disk:       " + measure(driver, one.as_uri(), *target))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
