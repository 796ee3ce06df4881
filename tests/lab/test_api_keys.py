"""API keys from the CLI and TOML reach a server that requires one; the key is never stored.

The server is `OpenAIServer(api_key=...)`: it answers 401 to a request whose Authorization
header lacks that key, so each test checks the header the server received.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.errors import ConfigError
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Dataset
from memlab.lab.data.dataset_io import save_dataset
from memlab.lab.running.experiment import load_experiment
from memlab.lab.running.runner import replay
from memlab.testing import OpenAIServer

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")

KEY = "sk-local-secret-4711"
CONFIG = """
name = "keys"
api_base = "{base}"
{extra}
[dataset]
path = "tiny.jsonl"
[[ingest]]
kind = "verbatim"
[[recall]]
strategy = "bm25"
k = 1
[answer]
model = "openai/test-model"
"""


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(api_key=KEY) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_provider_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _config(tmp_path: Path, base: str, extra: str = "") -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from replay_fixtures import agent_conversation

    save_dataset(
        Dataset(name="tiny", conversations=[agent_conversation("a")]), tmp_path / "tiny.jsonl"
    )
    config = tmp_path / "exp.toml"
    config.write_text(CONFIG.format(base=base, extra=extra))
    return config


def _authorizations(server: OpenAIServer) -> set[str | None]:
    return {
        next((v for k, v in r.headers.items() if k.lower() == "authorization"), None)
        for r in server.requests
    }


def test_api_key_flag_reaches_the_server_and_is_not_stored(
    tmp_path: Path, server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, server.base_url)
    db = tmp_path / "r.duckdb"
    main(["replay", str(config), "--db", str(db), "--quiet", "--api-key", KEY])
    assert "(0 errors)" in capsys.readouterr().out
    assert server.requests and _authorizations(server) == {f"Bearer {KEY}"}
    results = open_results(db)
    try:
        assert results.provenance()["api_key"] == "given (not stored)"
        assert "api_key" not in results.config()
    finally:
        results.close()
    assert KEY.encode() not in db.read_bytes()


def test_api_key_env_names_the_variable_and_stores_only_its_name(
    tmp_path: Path, server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMLAB_TEST_KEY", KEY)
    config = _config(tmp_path, server.base_url, 'api_key_env = "MEMLAB_TEST_KEY"')
    results = replay(config, db=tmp_path / "r.duckdb", quiet=True)
    try:
        assert (results.probes_df()["status"] == "ok").all()
        assert results.provenance()["api_key"] == "from $MEMLAB_TEST_KEY"
        assert results.config()["api_key_env"] == "MEMLAB_TEST_KEY"
    finally:
        results.close()
    assert _authorizations(server) == {f"Bearer {KEY}"}
    monkeypatch.delenv("MEMLAB_TEST_KEY")
    with pytest.raises(ConfigError) as err:
        replay(config, db=tmp_path / "other.duckdb", quiet=True)
    assert str(err.value) == (
        "api_key_env = 'MEMLAB_TEST_KEY', but the environment variable MEMLAB_TEST_KEY is not "
        "set: export MEMLAB_TEST_KEY=<your key> before the replay, or name another variable"
    )


def test_a_local_server_gets_none_and_a_refusal_names_the_cli_flag(
    tmp_path: Path, server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, server.base_url)
    db = tmp_path / "r.duckdb"
    with pytest.raises(SystemExit):
        main(["replay", str(config), "--db", str(db), "--quiet"])
    capsys.readouterr()
    assert _authorizations(server) == {"Bearer none"}
    results = open_results(db)
    try:
        errors = set(results.calls_df()["error"].dropna())
    finally:
        results.close()
    assert errors == {
        f"the server at {server.base_url} refused the placeholder key 'none' that memlab "
        "sends to a server on this machine when no key is given, for 'openai/test-model' "
        "(HTTP 401: Incorrect API key provided (scripted HTTP 401 from the memlab test "
        "server).): this server wants a key: pass --api-key KEY (or set "
        f'api_key_env = "NAME" in {config}, next to api_base)'
    }


def test_a_python_replay_of_a_toml_file_names_the_toml_key(
    tmp_path: Path, server: OpenAIServer
) -> None:
    results = replay(_config(tmp_path, server.base_url), db=":memory:", quiet=True)
    errors = set(results.calls_df()["error"].dropna())
    assert len(errors) == 1
    assert next(iter(errors)).endswith(
        f'this server wants a key: set api_key_env = "NAME" in {tmp_path / "exp.toml"} '
        "(next to api_base) and export NAME"
    )


def test_a_key_written_into_the_toml_file_is_refused(tmp_path: Path) -> None:
    config = _config(tmp_path, "http://127.0.0.1:9/v1", f'api_key = "{KEY}"')
    with pytest.raises(ConfigError) as err:
        load_experiment(config)
    assert str(err.value) == (
        f"{config}: api_key: an experiment file must not hold a key (it travels with the "
        'results): set api_key_env = "NAME" and export NAME, or pass --api-key KEY to '
        "memlab replay"
    )
    assert KEY not in str(err.value)


def test_api_key_env_must_be_a_name_not_a_key(tmp_path: Path) -> None:
    config = _config(tmp_path, "http://127.0.0.1:9/v1", 'api_key_env = "sk-abc/123"')
    with pytest.raises(ConfigError) as err:
        load_experiment(config)
    assert "api_key_env: 'sk-abc/123' is not the name of an environment variable" in str(err.value)
