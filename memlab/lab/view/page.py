"""Render the viewer: an HTML page with its index inline and its chunks inline or beside it.

The page makes no request outside its own folder. Its index (leaderboard, filters, where
each conversation lies) is a JSON document in a `<script>` element; the chunks of
conversations (`chunks.py`) are either more JSON elements of the same page, parsed when a
view needs them (`html`: one self-contained file, as a notebook's iframe needs), or
`chunk-N.js` files in a folder beside it that register their data when loaded (`files()`:
what `memlab view` serves, and what `save` writes for a big result). Script files, not
`fetch`, because browsers refuse `fetch` of `file://` addresses but run their scripts.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from memlab.lab.view.chunks import CHUNK_BYTES, ViewIndex, split_view
from memlab.lab.view.models import ViewData

__all__ = ["INLINE_LIMIT", "ViewPage", "render_page"]

INLINE_LIMIT = 8 * 1024 * 1024
"""`ViewPage.save` writes chunk files beside the page once the chunks exceed this many bytes."""

_INLINE_POLICY = "script-src 'unsafe-inline'"
# The chunk files are the page's own folder: 'self' (file:// pages need file: as well).
_FILES_POLICY = "script-src 'unsafe-inline' 'self' file:"


def _static(name: str) -> str:
    return (resources.files("memlab.lab.view") / "static" / name).read_text(encoding="utf-8")


def _json_in_script(text: str) -> str:
    # "</script" or "<!--" inside a script element would end or bend it; "<" only occurs in
    # JSON strings, where the escape \u003c is the same character.
    return text.replace("<", "\\u003c")


def _document(index: ViewIndex, chunks: str, policy: str) -> str:
    fills = {
        "/*STYLE*/": _static("viewer.css"),
        "/*SCRIPT*/": _static("viewer.js"),
        "{{POLICY}}": policy,
        "{{TITLE}}": html_lib.escape(f"memlab · {index.name}"),
        "{{DATA}}": _json_in_script(index.model_dump_json()),
        "{{CHUNKS}}": chunks,
    }
    # One pass over the template: a placeholder inside the data is text, never filled.
    pattern = "|".join(re.escape(k) for k in fills)
    return re.sub(pattern, lambda m: fills[m.group(0)], _static("viewer.html"))


def render_page(data: ViewData, *, chunk_bytes: int = CHUNK_BYTES) -> str:
    """The viewer page for `data`, as one HTML document with nothing to fetch."""
    return ViewPage.of(data, chunk_bytes=chunk_bytes).html


@dataclass(frozen=True)
class ViewPage:
    """A rendered viewer: its index and chunks; a notebook shows it in an iframe.

    Attributes:
        index: What the page reads first.
        chunks: Each chunk's JSON (`chunks.split_view`).
        height: The iframe's height in pixels.
    """

    index: ViewIndex
    chunks: tuple[str, ...]
    height: int = 640

    @classmethod
    def of(cls, data: ViewData, *, chunk_bytes: int = CHUNK_BYTES) -> ViewPage:
        """Split `data` into chunks of about `chunk_bytes` of JSON."""
        index, chunks = split_view(data, chunk_bytes=chunk_bytes)
        return cls(index=index, chunks=tuple(chunks))

    @property
    def html(self) -> str:
        """The self-contained page: the chunks are JSON elements inside it."""
        inline = "\n".join(
            f'<script id="memlab-chunk-{n}" type="application/json">{_json_in_script(c)}</script>'
            for n, c in enumerate(self.chunks)
        )
        return _document(self.index, inline, _INLINE_POLICY)

    def files(self, folder: str = "chunks") -> dict[str, str]:
        """The page (`index.html`) and its chunk files under `folder`, by relative path."""
        index = self.index.model_copy(update={"chunk_base": folder})
        out = {"index.html": _document(index, "", _FILES_POLICY)}
        for n, chunk in enumerate(self.chunks):
            # A JSON string for JSON.parse: browsers parse JSON several times faster than
            # the same data as a JavaScript literal.
            out[f"{folder}/chunk-{n}.js"] = f"memlabChunk({n},{json.dumps(chunk)});\n"
        return out

    def save(self, path: str | Path, *, split: bool | None = None) -> Path:
        """Write the page to `path` and return the path.

        Args:
            path: The HTML file.
            split: Write the chunks as files in `<stem>_files/` beside it (the page then
                needs that folder); None splits once the chunks exceed `INLINE_LIMIT` bytes.
        """
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        if split is None:
            split = sum(len(c) for c in self.chunks) > INLINE_LIMIT
        if not split:
            out.write_text(self.html, encoding="utf-8")
            return out
        folder = f"{out.stem}_files"
        for name, text in self.files(folder).items():
            target = out if name == "index.html" else out.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        # srcdoc keeps the page self-contained: the notebook fetches nothing either.
        return (
            f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ddd"></iframe>'
        )
