"""Every flag of every subcommand is checked when it is parsed, as its TOML key would be.

A bad flag is argparse's usage error (exit code 2) naming the flag, before anything runs: no
results file, no report, no converted dataset is written.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from memlab.cli import main

GE_1 = "Input should be greater than or equal to 1"
GE_0 = "Input should be greater than or equal to 0"
NOT_INT = "Input should be a valid integer, unable to parse string as an integer"
EMPTY_MODEL = "a model is a litellm model string such as 'gpt-4o-mini'"
NOT_URL = "give the URL of an OpenAI-compatible server, starting with http:// or https://"
EMPTY_PATH = "expected a path, got an empty string"
CONFIG = """
name = "flags"
[dataset]
path = "data.jsonl"
[[ingest]]
kind = "verbatim"
[[recall]]
strategy = "bm25"
"""


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "message"),
    [
        # `--limit -1` replayed all conversations but the last (a slice); 0 replayed none.
        pytest.param(
            "replay {toml} --limit -1", f"--limit: {GE_1}, got '-1'", id="replay-limit-negative"
        ),
        pytest.param(
            "replay {toml} --limit 0", f"--limit: {GE_1}, got '0'", id="replay-limit-zero"
        ),
        pytest.param(
            "replay {toml} --limit x", f"--limit: {NOT_INT}, got 'x'", id="replay-limit-text"
        ),
        pytest.param(
            "replay {toml} --concurrency 0",
            f"--concurrency: {GE_1}, got '0'",
            id="replay-concurrency",
        ),
        pytest.param(
            "replay {toml} --max-cost -1", f"--max-cost: {GE_0}, got '-1'", id="replay-max-cost"
        ),
        pytest.param(
            "replay {toml} --max-cost nan",
            f"--max-cost: {GE_0}, got 'nan'",
            id="replay-max-cost-nan",
        ),
        pytest.param(
            "replay {toml} --model ''", f"--model: {EMPTY_MODEL}", id="replay-model-empty"
        ),
        pytest.param(
            "replay {toml} --api-base localhost:8000/v1",
            f"--api-base: {NOT_URL}",
            id="replay-api-base",
        ),
        pytest.param(
            "replay {toml} --db {dir}",
            "--db: '{dir}' is a directory; give a file to write, e.g. '{dir}/results.duckdb'",
            id="replay-db-dir",
        ),
        pytest.param("replay {toml} --db ''", f"--db: {EMPTY_PATH}", id="replay-db-empty"),
        pytest.param(
            "replay {dir}",
            "CONFIG.toml: '{dir}' is a directory; give a file",
            id="replay-config-dir",
        ),
        pytest.param("demo --limit 0", f"--limit: {GE_1}, got '0'", id="demo-limit"),
        pytest.param("demo --model ' '", f"--model: {EMPTY_MODEL}", id="demo-model"),
        pytest.param(
            "demo --api-base 127.0.0.1:8000", f"--api-base: {NOT_URL}", id="demo-api-base"
        ),
        pytest.param(
            "demo --out {file}", "--out: '{file}' is a file; give a directory", id="demo-out-file"
        ),
        pytest.param(
            "demo --dataset {dir}",
            "--dataset: '{dir}' is a directory; give a file",
            id="demo-dataset-dir",
        ),
        pytest.param(
            "report --db {file} --n-boot -1", f"--n-boot: {GE_0}, got '-1'", id="report-n-boot"
        ),
        pytest.param("report --db {file} --seed -1", f"--seed: {GE_0}, got '-1'", id="report-seed"),
        pytest.param(
            "report --db {file} --out {file}",
            "--out: '{file}' is a file; give a directory",
            id="report-out-file",
        ),
        pytest.param("report --db ''", f"--db: {EMPTY_PATH}", id="report-db-empty"),
        pytest.param(
            "datasets stats {dir}",
            "path: '{dir}' is a directory; give a file",
            id="datasets-stats-dir",
        ),
        pytest.param("datasets validate ''", f"path: {EMPTY_PATH}", id="datasets-validate-empty"),
        pytest.param(
            "datasets convert {file} --to {dir}",
            "--to: '{dir}' is a directory; give a file to write, e.g. '{dir}/out.jsonl'",
            id="datasets-convert-to-dir",
        ),
    ],
)
def test_a_bad_flag_is_a_usage_error_before_anything_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("")
    (tmp_path / "exp.toml").write_text(CONFIG)
    names = {"{toml}": "exp.toml", "{dir}": "adir", "{file}": "afile"}
    for placeholder, name in names.items():
        command = command.replace(placeholder, name)
        message = message.replace(placeholder, name)
    argv = shlex.split(command)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    err = _usage_error(argv, capsys)
    assert f"error: argument {message}" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing was written


@pytest.mark.parametrize(
    ("flag", "value", "toml"),
    [
        pytest.param(
            "--limit", "-1", CONFIG.replace("[dataset]", "[dataset]\nlimit = -1"), id="limit"
        ),
        pytest.param("--concurrency", "0", "concurrency = 0\n" + CONFIG, id="concurrency"),
        pytest.param("--max-cost", "-2", "max_cost_usd = -2\n" + CONFIG, id="max-cost"),
        pytest.param("--api-base", "ftp://x", 'api_base = "ftp://x"\n' + CONFIG, id="api-base"),
        pytest.param("--model", " ", CONFIG + '[answer]\nmodel = " "\n', id="model"),
    ],
)
def test_a_flag_fails_with_the_words_of_its_toml_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    toml: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text(toml)
    Path("good.toml").write_text(CONFIG)
    from_toml = _usage_error(["replay", "bad.toml"], capsys)
    said = from_toml.strip().splitlines()[-1].partition(": ")[2]  # after the key path
    from_flag = _usage_error(["replay", "good.toml", flag, value], capsys)
    assert said and f"error: argument {flag}: {said}, got {value!r}" in from_flag
