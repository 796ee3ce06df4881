"""The viewer's server: one page on 127.0.0.1, 404 elsewhere, stopped cleanly."""

from __future__ import annotations

import socket
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from memlab.lab.view import ViewServer

PAGE = "<!doctype html><title>t</title><p>héllo</p>"


def test_serves_the_page_on_loopback() -> None:
    with ViewServer(PAGE) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urlopen(server.url) as response:
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert response.read().decode("utf-8") == PAGE
        with urlopen(Request(server.url, method="HEAD")) as response:
            assert response.read() == b""
            assert int(response.headers["Content-Length"]) == len(PAGE.encode("utf-8"))


@pytest.mark.parametrize(
    "path", [pytest.param("data.json", id="other"), pytest.param("..", id="up")]
)
def test_anything_else_is_404(path: str) -> None:
    with ViewServer(PAGE) as server, pytest.raises(HTTPError) as caught:
        urlopen(server.url + path)
    assert caught.value.code == 404


def test_close_frees_the_port() -> None:
    server = ViewServer(PAGE)
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    server.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
