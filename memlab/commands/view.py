"""`memlab view results.duckdb`: serve the probe viewer of a results file on 127.0.0.1."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from memlab.lab.view import ViewPage


def register(sub: Any) -> None:
    """Add the `view` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "view",
        help="browse a replay's results in a local web page (leaderboard, probes, diffs)",
        description="Serve a read-only page on 127.0.0.1: the leaderboard, every probe with "
        "what each design recalled, a two-design diff and memory timelines. The file is "
        "opened read-only and closed before serving. `memlab report --html` writes the same "
        "page to a file.",
    )
    parser.add_argument("db", help="results file written by `memlab replay`")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument(
        "--experiment", default=None, help="experiment id, when the file holds several"
    )
    parser.add_argument(
        "--dataset",
        default=None,
        help="dataset file, when the one the experiment names has moved",
    )
    parser.set_defaults(func=_run)


def load_page(db: str | Path, *, experiment: str | None, dataset: str | None) -> str:
    """The viewer of a results file as one self-contained page (`load_view`)."""
    return load_view(db, experiment=experiment, dataset=dataset).html


def load_view(db: str | Path, *, experiment: str | None, dataset: str | None) -> ViewPage:
    """Render the viewer of a results file, opening it read-only and closing it."""
    from memlab.db.duckdb_store import DuckDbMemoryDb
    from memlab.errors import StoreError
    from memlab.lab.analysis.results import Results
    from memlab.lab.data.dataset_io import load_dataset
    from memlab.lab.view import view_page

    if not Path(db).is_file():
        raise StoreError(f"{db}: no such results file; run `memlab replay ... --db {db}`")
    conversations = load_dataset(dataset) if dataset else None
    # Read-only, not `open_results`: that one migrates an older file in place.
    store = DuckDbMemoryDb(db, read_only=True)
    try:
        return view_page(Results(store, experiment), dataset=conversations)
    finally:
        store.close()


def _run(args: argparse.Namespace) -> int:
    from memlab.errors import ConfigError
    from memlab.lab.view import ViewServer

    # Served as a page and chunk files, so the page paints before the probes load.
    files = load_view(args.db, experiment=args.experiment, dataset=args.dataset).files()
    try:
        server = ViewServer(files, port=args.port)
    except OSError as exc:
        raise ConfigError(
            f"cannot serve on 127.0.0.1:{args.port} ({exc.strerror}); pass another --port, "
            "or --port 0 for any free one"
        ) from exc
    print(f"memlab view: serving {args.db} at {server.url} (Ctrl-C stops)", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
