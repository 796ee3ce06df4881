"""A scriptable OpenAI-compatible HTTP server on 127.0.0.1, for tests and benchmarks.

Tests that exercise the real HTTP path (litellm → openai SDK → httpx → socket) point a model
`openai/<name>` at `OpenAIServer.base_url` and script what each request gets back: a reply with
chosen token counts, tool calls, an HTTP error, a hang past the client's timeout, broken JSON or
an empty `choices` list. Every request is recorded so a test can assert what was sent.

Only the standard library is used: a `ThreadingHTTPServer` serves each request on its own daemon
thread, so slow requests (`Hang`, `latency_s`) never hold up the others.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import threading
import time
from collections import deque
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

from memlab.errors import ConfigError
from memlab.testing.steps import (
    EmptyChoices,
    Hang,
    Raw,
    RecordedRequest,
    Reply,
    Responder,
    Status,
    Step,
    completion_payload,
    count_words,
    echo_responder,
    error_payload,
)

__all__ = [
    "EmptyChoices",
    "Hang",
    "OpenAIServer",
    "Raw",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Status",
    "Step",
    "echo_responder",
]


class OpenAIServer:
    """A local OpenAI-compatible server whose answers are scripted per request.

    Serves `POST /v1/chat/completions` (scripted), `POST /v1/embeddings` (deterministic
    pseudo-embeddings from a hash of each text) and `GET /v1/models`. Streaming is refused with
    a 400. Use it as a context manager:

        with OpenAIServer() as server:
            server.script(Reply("hi", prompt_tokens=12), Status(429, headers={"Retry-After": "1"}))
            litellm.completion(model="openai/test-model", api_base=server.base_url, ...)

    Args:
        latency_s: A fixed delay added to every request, e.g. to measure client concurrency.
        default: Answers chat requests when the script is empty; None replies "ok".
        embedding_dim: The length of the vectors `/v1/embeddings` returns.
        api_key: When set, a request without `Authorization: Bearer <api_key>` gets a 401
            worded like OpenAI's, as a server with a key configured answers; None accepts any.
    """

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        default: Responder | None = None,
        embedding_dim: int = 8,
        api_key: str | None = None,
    ) -> None:
        if latency_s < 0:
            raise ConfigError(f"OpenAIServer(latency_s={latency_s}): use a delay >= 0 seconds")
        if embedding_dim < 1:
            raise ConfigError(f"OpenAIServer(embedding_dim={embedding_dim}): use a length >= 1")
        self.latency_s = latency_s
        self.default: Responder = default or _default_responder
        self.embedding_dim = embedding_dim
        self.api_key = api_key
        self._lock = threading.Lock()
        self._steps: deque[Step] = deque()
        self._requests: list[RecordedRequest] = []
        self._counter = 0
        self._in_flight = 0
        self._max_in_flight = 0
        self._waited: list[float] = []
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound TCP port (raises RuntimeError before `start()`)."""
        if self._httpd is None:
            raise RuntimeError(
                "OpenAIServer is not running: call start() or use `with OpenAIServer() as s:`"
            )
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The URL to pass as litellm's `api_base` for a model `openai/<name>`."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def pending(self) -> int:
        """How many scripted steps have not been used yet."""
        with self._lock:
            return len(self._steps)

    def script(self, *steps: Step) -> None:
        """Queue steps; each chat-completion request consumes the next one, in order."""
        with self._lock:
            self._steps.extend(steps)

    def start(self) -> OpenAIServer:
        """Bind a free port on 127.0.0.1 and serve on a daemon thread."""
        if self._httpd is not None:
            raise RuntimeError("OpenAIServer is already running; call stop() first")
        self._stopping.clear()
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"memlab-openai-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end pending waits (`Hang`, latency) and close the socket."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- called from handler threads -------------------------------------------------------

    def _record(self, request: RecordedRequest) -> int:
        with self._lock:
            self._requests.append(request)
            self._counter += 1
            return self._counter

    def _next_step(self, body: dict[str, Any]) -> Step:
        with self._lock:
            step = self._steps.popleft() if self._steps else None
        return step if step is not None else self.default(body)

    @property
    def max_in_flight(self) -> int:
        """The most requests this server has held in their `latency_s` delay at once.

        Tests of client concurrency assert on it instead of on wall-clock time.
        """
        return self._max_in_flight

    @property
    def waited_s(self) -> list[float]:
        """The seconds of each `Hang` and `latency_s` delay that ran its full length.

        In the order they ended; a delay cut short by `stop` is not in it. Tests check that
        the server really held a request, or that a client gave up before it answered, on
        this list instead of on wall-clock time.
        """
        with self._lock:
            return list(self._waited)

    def _delay(self) -> bool:
        """Hold a request for `latency_s`, counting it in flight; False when stopping."""
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        try:
            return self._wait(self.latency_s)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; False when the server is stopping."""
        if seconds <= 0:
            return not self._stopping.is_set()
        finished = not self._stopping.wait(seconds)
        if finished:
            with self._lock:
                self._waited.append(seconds)
        return finished

    def _embed(self, text: str) -> list[float]:
        digest = b""
        block = 0
        while len(digest) < 4 * self.embedding_dim:
            digest += hashlib.sha256(f"{block}\x00{text}".encode()).digest()
            block += 1
        raw = struct.unpack(f"<{self.embedding_dim}I", digest[: 4 * self.embedding_dim])
        vector = [value / 2**31 - 1.0 for value in raw]
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


def _default_responder(body: dict[str, Any]) -> Step:
    return Reply()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    owner: OpenAIServer


class _Handler(BaseHTTPRequestHandler):
    server_version = "memlab-openai-test-server/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read `OpenAIServer.requests` instead of a log."""

    @property
    def owner(self) -> OpenAIServer:
        return cast(_HTTPServer, self.server).owner

    def do_GET(self) -> None:
        """Serve `/v1/models`."""
        owner = self.owner
        self._receive(None)
        if not owner._delay():
            return
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            model = {"id": "test-model", "object": "model", "created": 0, "owned_by": "memlab"}
            self._send_json(200, {"object": "list", "data": [model]})
        else:
            self._send_error(404, f"Unknown path {self.path}", "invalid_request_error")

    def do_POST(self) -> None:
        """Serve chat completions and embeddings."""
        owner = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed: Any = json.loads(raw) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            parsed = None
        body = parsed if isinstance(parsed, dict) else None
        number = self._receive(body)
        if not owner._delay():
            return
        path = self.path.split("?", 1)[0].rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/embeddings"):
            self._send_error(404, f"Unknown path {self.path}", "invalid_request_error")
            return
        if owner.api_key is not None and self.headers.get("Authorization") != (
            f"Bearer {owner.api_key}"
        ):
            self._send_status(Status(401))
            return
        if body is None:
            self._send_error(
                400, "The request body must be a JSON object.", "invalid_request_error"
            )
            return
        if path == "/v1/embeddings":
            self._send_embeddings(body)
            return
        if body.get("stream"):
            self._send_error(
                400,
                "The memlab test server does not stream: send the request with stream=false.",
                "invalid_request_error",
            )
            return
        try:
            step = owner._next_step(body)
        except Exception as exc:  # a failing responder is a bug in the test: show it to the client
            self._send_error(500, f"The responder raised {exc!r}", "server_error")
            return
        self._perform(step, body, number)

    def _receive(self, body: dict[str, Any] | None) -> int:
        return self.owner._record(
            RecordedRequest(
                method=self.command,
                path=self.path,
                headers=dict(self.headers.items()),
                body=body,
                time=time.monotonic(),
            )
        )

    def _perform(self, step: Step, body: dict[str, Any], number: int) -> None:
        if isinstance(step, Hang):
            if self.owner._wait(step.seconds):
                self._perform(step.then, body, number)
        elif isinstance(step, Reply):
            self._send_json(200, completion_payload(step, body, number))
        elif isinstance(step, Status):
            self._send_status(step)
        elif isinstance(step, Raw):
            self._send_bytes(step.status, step.body.encode(), step.content_type)
        elif isinstance(step, EmptyChoices):
            completion = completion_payload(Reply(""), body, number)
            completion["choices"] = []
            self._send_json(200, completion)
        else:  # a responder returned something that is not a step
            self._send_error(500, f"Not a step: {step!r}", "server_error")

    def _send_embeddings(self, body: dict[str, Any]) -> None:
        inputs = body.get("input")
        texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
        owner = self.owner
        data = [
            {"object": "embedding", "index": i, "embedding": owner._embed(str(text))}
            for i, text in enumerate(texts)
        ]
        tokens = sum(count_words(str(text)) for text in texts)
        self._send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model", "test-embedding"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    def _send_status(self, step: Status) -> None:
        headers = {"Content-Type": "application/json", **step.headers}
        if step.body is None:
            data = json.dumps(error_payload(step.code)).encode()
        elif isinstance(step.body, str):
            data = step.body.encode()
        else:
            data = json.dumps(dict(step.body)).encode()
        self._send_bytes(step.code, data, headers=headers)

    def _send_error(self, status: int, message: str, error_type: str) -> None:
        payload = {"error": {"message": message, "type": error_type, "param": None, "code": None}}
        self._send_json(status, payload)

    def _send_json(self, status: int, payload: Mapping[str, Any]) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json")

    def _send_bytes(
        self,
        status: int,
        data: bytes,
        content_type: str = "application/json",
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        all_headers = {"Content-Type": content_type, **(headers or {})}
        try:
            self.send_response(status)
            for name, value in all_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout ran out during a Hang)
