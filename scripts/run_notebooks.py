"""Execute notebooks top to bottom and save them with their outputs (what `make notebooks` runs).

Each notebook runs in a fresh kernel with `notebooks/` as its working directory, offline, and
is written back in place so the committed outputs are the ones a reader sees. A cell that
raises stops that notebook with the error and a non-zero exit; so does any output a reader
should not see (text on stderr, a warning), listed by `problems`.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

TIMEOUT_S = 600
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_WARNING = re.compile(r"warning\b|IProgress not found", re.IGNORECASE)


def execute(path: Path, *, write: bool = True) -> nbformat.NotebookNode:
    """Run every cell of the notebook at `path`; save it in place when `write` is true."""
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    freeze_progress_text(nb)
    if write:
        nbformat.write(nb, path)
    return nb


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Outputs a reader should not see: errors, anything on stderr, a warning printed."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif kind == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: stderr: {output.get('text', '')[:300]!r}")
            elif kind == "stream" and _WARNING.search(output.get("text", "")):
                found.append(f"cell {index}: warning: {output.get('text', '')[:300]!r}")
    return found


def freeze_progress_text(nb: nbformat.NotebookNode) -> None:
    """Give each tqdm progress widget the text of its final state.

    A tqdm bar in Jupyter is a widget whose text fallback is the bar as first drawn
    ("0/6"); viewers that do not run widgets (GitHub, nbviewer, a terminal) show that
    fallback. The widget state nbclient saved holds the final bar, so the fallback is
    rebuilt from it.
    """
    state: dict[str, Any] = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            text = _progress_text(state, view.get("model_id", ""))
            if text is not None:
                output["data"]["text/plain"] = text


def _progress_text(state: dict[str, Any], model_id: str) -> str | None:
    box = state.get(model_id, {})
    if box.get("model_name") != "HBoxModel":
        return None
    children = [state.get(ref.removeprefix("IPY_MODEL_"), {}) for ref in box["state"]["children"]]
    if [c.get("model_name") for c in children] != ["HTMLModel", "FloatProgressModel", "HTMLModel"]:
        return None
    left, bar, right = (c["state"] for c in children)
    done = bar.get("value", 0) / bar["max"] if bar.get("max") else 0.0
    filled = round(10 * done)
    drawn = "█" * filled + " " * (10 - filled)

    def plain(value: str) -> str:
        return html.unescape(value).replace("\u2007", " ")

    return f"{plain(left.get('value', ''))}|{drawn}|{plain(right.get('value', ''))}"


def main(argv: list[str] | None = None) -> int:
    """Execute the notebooks named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = False
    for path in args.notebooks:
        start = time.perf_counter()
        nb = execute(path)
        print(f"{path}: executed in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        for problem in problems(nb):
            failed = True
            print(f"{path}: {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
