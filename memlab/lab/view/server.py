"""Serve the viewer page on 127.0.0.1 with the standard library's HTTP server.

The page is rendered once, before serving, and the results file is closed by then: the
server holds bytes, not the file, so it can never write to it. It answers `GET /` (and
`HEAD /`) with the page, `GET /chunks/chunk-N.js` with the chunks the page loads on demand
(`ViewPage.files`), and 404 for anything else; it binds loopback only, so no login is
needed.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["ViewServer"]


class _Handler(BaseHTTPRequestHandler):
    server: _PageServer

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        name = self.path.split("?", 1)[0].lstrip("/") or "index.html"
        page = self.server.files.get(name)
        if page is None:
            self.send_error(404, "the viewer's page is /")
            return
        kind = "text/javascript" if name.endswith(".js") else "text/html"
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(page)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a request log would bury the URL the command printed."""


class _PageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, files: dict[str, bytes], port: int) -> None:
        self.files = files
        super().__init__(("127.0.0.1", port), _Handler)


class ViewServer:
    """The viewer page served on 127.0.0.1 from a background thread.

    Args:
        html: The page to serve (`ViewPage.html`), or the page and its chunk files by
            relative path (`ViewPage.files()`, whose `index.html` is served at `/`).
        port: The port; 0 picks a free one.

    Use it as a context manager, or call `close()`; `url` says where it listens.
    """

    def __init__(self, html: str | Mapping[str, str], *, port: int = 0) -> None:
        files = {"index.html": html} if isinstance(html, str) else dict(html)
        self._server = _PageServer({k: v.encode("utf-8") for k, v in files.items()}, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="memlab-view", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The page's address, `http://127.0.0.1:PORT/`."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in a terminal)."""
        self._thread.join()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> ViewServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
