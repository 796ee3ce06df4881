"""The README's code runs: its Python blocks execute and its commands succeed.

Paths the README writes to (`agent.duckdb`, `results/`) are redirected into a temporary
directory, and `locomo10.json` (which users download) is replaced by a hand-written fixture
in LoCoMo's format.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LOCOMO_FIXTURE = ROOT / "tests" / "lab" / "data" / "locomo_quirks.json"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def _commands() -> list[str]:
    lines = [
        line.split("  #")[0].strip() for block in _blocks("bash") for line in block.splitlines()
    ]
    return [line for line in lines if line]


def _redirect(text: str, tmp: Path) -> str:
    return (
        text.replace("results/", f"{tmp}/results/")
        .replace("locomo10.jsonl", "\0")
        .replace("locomo10.json", str(LOCOMO_FIXTURE))
        .replace("\0", str(tmp / "locomo10.jsonl"))
    )


def _run(command: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(_redirect(command, tmp))
    if argv[0].startswith(".venv/bin/"):
        argv[0] = str(Path(sys.executable).parent / Path(argv[0]).name)
    env = {**os.environ, "MEMLAB_BLOCK_NETWORK": "1"}
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)


def test_the_memory_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = next(b for b in _blocks("python") if "from memlab import" in b)
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert (tmp_path / "agent.duckdb").exists()


def test_every_command_is_known() -> None:
    commands = _commands()
    assert commands, "the README has no commands"
    for command in commands:
        argv = shlex.split(command)
        if argv[0] == "make":
            makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
            assert re.search(rf"^{argv[1]}:", makefile, flags=re.MULTILINE), command
        elif argv[0].endswith("/python"):
            assert (ROOT / argv[1]).is_file(), command
        else:
            assert argv[0] in {".venv/bin/memlab"}, command


def test_the_dataset_commands_run(tmp_path: Path) -> None:
    for command in _commands():
        if " datasets " in command:
            done = _run(command, tmp_path)
            assert done.returncode == 0, (command, done.stderr)
    assert (tmp_path / "locomo10.jsonl").exists()


@pytest.mark.slow
def test_the_experiment_commands_and_notebook_code_run(tmp_path: Path) -> None:
    for command in _commands():
        if " replay " in command or " report " in command:
            done = _run(command, tmp_path)
            assert done.returncode == 0, (command, done.stderr)
    assert (tmp_path / "results" / "demo-report" / "report.md").exists()
    block = next(b for b in _blocks("python") if "open_results" in b)
    scope: dict[str, object] = {}
    exec(compile(_redirect(block, tmp_path), "README.md", "exec"), scope)


def test_the_toml_example_is_a_valid_experiment(tmp_path: Path) -> None:
    from memlab.lab import load_experiment

    toml = next(b for b in _blocks("toml"))
    path = ROOT / "examples" / "experiments" / "readme-example.toml"
    copy = tmp_path / "examples" / "experiments" / path.name
    copy.parent.mkdir(parents=True)
    copy.write_text(toml, encoding="utf-8")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "memlab-synthetic-v2.jsonl").symlink_to(
        ROOT / "datasets" / "memlab-synthetic-v2.jsonl"
    )
    experiment = load_experiment(copy)
    assert len(experiment.variants()) == 2 * 3
