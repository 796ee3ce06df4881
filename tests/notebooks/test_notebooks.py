"""Every notebook runs offline top to bottom, with nothing a reader should not see.

Each `notebooks/*.ipynb` is executed in a fresh kernel with `notebooks/` as its working
directory (as `make notebooks` does, through the same `scripts/run_notebooks.py`), without
writing it back. A cell that raises fails the test; so does any text on stderr or a printed
warning (e.g. tqdm's "IProgress not found" when ipywidgets is missing).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from requires import require

require("nbclient", install="pip install -e '.[notebooks]'")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "run_notebooks", ROOT / "scripts" / "run_notebooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_notebooks_are_there() -> None:
    assert {p.name for p in NOTEBOOKS} >= {"01_quickstart.ipynb", "05_memory_analysis.ipynb"}


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in NOTEBOOKS])
def test_notebook_runs_cleanly(path: Path) -> None:
    runner = _runner()
    nb = runner.execute(path, write=False)
    assert runner.problems(nb) == []
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "every code cell ran"


def test_problems_lists_errors_stderr_and_warnings() -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook(
        cells=[
            new_code_cell("1", outputs=[new_output("stream", name="stdout", text="fine\n")]),
            new_code_cell(
                "2",
                outputs=[
                    new_output("stream", name="stderr", text="TqdmWarning: IProgress not found.\n")
                ],
            ),
            new_code_cell(
                "3", outputs=[new_output("stream", name="stdout", text="warning: unit x\n")]
            ),
            new_code_cell(
                "4", outputs=[new_output("error", ename="ValueError", evalue="bad", traceback=[])]
            ),
        ]
    )
    found = _runner().problems(nbformat.from_dict(nb))
    assert [f.split(":")[0] for f in found] == ["cell 1", "cell 2", "cell 3"]


def test_progress_widgets_get_their_final_text() -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    view = {"model_id": "box", "version_major": 2, "version_minor": 0}
    nb = new_notebook(
        cells=[
            new_code_cell(
                "replay(...)",
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "application/vnd.jupyter.widget-view+json": view,
                            "text/plain": "replay:   0%|          | 0/4",
                        },
                    )
                ],
            )
        ]
    )

    def model(name: str, **state: object) -> dict[str, object]:
        return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}

    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {
                "box": model("HBoxModel", children=["IPY_MODEL_l", "IPY_MODEL_b", "IPY_MODEL_r"]),
                "l": model("HTMLModel", value="replay:\u2007100%"),
                "b": model("FloatProgressModel", value=4.0, max=4.0),
                "r": model("HTMLModel", value="\u20074/4\u2007[00:02&lt;00:00]"),
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    nb = nbformat.from_dict(nb)
    _runner().freeze_progress_text(nb)
    text = nb.cells[0].outputs[0]["data"]["text/plain"]
    assert text == "replay: 100%|██████████| 4/4 [00:02<00:00]"
