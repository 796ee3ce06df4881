"""Render the viewer as one self-contained HTML page: markup, style, script and data inline.

The page makes no network request: its data is a JSON document in a `<script>` element, and
its style and script are the package's static files, inlined. The server sends these bytes;
`memlab report --html` writes them to a file; `Results.view()` shows them in an iframe.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from memlab.lab.view.models import ViewData

__all__ = ["ViewPage", "render_page"]


def _static(name: str) -> str:
    return (resources.files("memlab.lab.view") / "static" / name).read_text(encoding="utf-8")


def render_page(data: ViewData) -> str:
    """The viewer page for `data`, as one HTML document with nothing to fetch."""
    # "</script" or "<!--" inside a script element would end or bend it; "<" only occurs in
    # JSON strings, where the escape \u003c is the same character.
    payload = data.model_dump_json().replace("<", "\\u003c")
    return (
        _static("viewer.html")
        .replace("/*STYLE*/", _static("viewer.css"))
        .replace("/*SCRIPT*/", _static("viewer.js"))
        .replace("{{TITLE}}", html.escape(f"memlab · {data.name}"))
        .replace("{{DATA}}", payload)
    )


@dataclass(frozen=True)
class ViewPage:
    """A rendered viewer page; a notebook shows it in an iframe.

    Attributes:
        html: The self-contained page.
        height: The iframe's height in pixels.
    """

    html: str
    height: int = 640

    def save(self, path: str | Path) -> Path:
        """Write the page to `path` and return the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.html, encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        # srcdoc keeps the page self-contained: the notebook fetches nothing either.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ddd"></iframe>'
        )
