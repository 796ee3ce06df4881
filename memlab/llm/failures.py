"""What went wrong in a failed model call, read from the exception chain.

litellm wraps every failure in an exception of its own and attaches a status code to it, often
one no server sent: a refused connection becomes "HTTP 500", a client-side timeout "HTTP 408",
a truncated body "HTTP 500" again. So the class and status litellm reports are ignored here; the
chain underneath (`openai.APIStatusError`, `httpx` transport errors, `json` decode errors,
socket errors) says what really happened, and a status is kept only when a server sent it.
"""

from __future__ import annotations

import ast
import json
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

__all__ = ["Failure", "FailureKind", "classify"]

FailureKind = Literal[
    "no_key", "connect", "disconnect", "timeout", "bad_body", "bad_shape", "http", "client"
]
"""What happened:

- `no_key`: no API key was found, so nothing was sent.
- `connect`: no connection could be opened (refused, unknown host).
- `disconnect`: a connection was opened but broke before a complete answer.
- `timeout`: no answer within the client's timeout.
- `bad_body`: a server answered, but its body is not valid JSON.
- `bad_shape`: a server answered with JSON that is not a chat completion (`null`, an array,
  an object without a `choices` list or with an empty one, or an error object in a 200).
- `http`: a server answered with an HTTP error status.
- `client`: the request failed inside the client (litellm or the SDK), not at a server.
"""

_RETRY_STATUS = frozenset({408, 409, 429})
# "litellm.InternalServerError: InternalServerError: OpenAIException - " and the like.
_LITELLM_PREFIX = re.compile(r"^(litellm\.\w+: )?(\w+Error: )?(\w+Exception - )?")
_KEY_WORDS = ("api_key", "api key", "credentials")
# litellm's words for a body the SDK parsed into something other than an object
# ("... Received: None. Check the reverse proxy or model server configuration.").
_NOT_AN_OBJECT = re.compile(
    r"Empty or invalid response from LLM endpoint\. Received: (?P<value>.*?)\. Check the ",
    re.DOTALL,
)
# litellm's function that turns a server's JSON object into a completion: an error raised
# inside it is about the body the server sent.
_CONVERTER = "convert_to_model_response_object"
_COMPLETION = "an object with a 'choices' list"


@dataclass(frozen=True)
class Failure:
    """One failed attempt, classified.

    Attributes:
        kind: What happened (see `FailureKind`).
        status: The HTTP status a server sent; None when no server sent one.
        server_message: The error text the server sent with `status` (or in a 200 body).
        retry_after_s: The server's `Retry-After`, in seconds, when it sent one.
        url: The URL the request went to, when the chain records it.
        detail: The innermost cause, as "Type: text", for the message's last words.
        body: The start of a body that could not be read as JSON, when known.
    """

    kind: FailureKind
    status: int | None = None
    server_message: str = ""
    retry_after_s: float | None = None
    url: str | None = None
    detail: str = ""
    body: str | None = None

    @property
    def retryable(self) -> bool:
        """True for what may pass by itself: rate limits, server errors, network trouble."""
        if self.kind == "http":
            return self.status is not None and (self.status in _RETRY_STATUS or self.status >= 500)
        return self.kind in ("connect", "disconnect", "timeout", "bad_body", "bad_shape")


def classify(exc: BaseException) -> Failure:
    """Classify a failed call from its exception chain, not from litellm's attached status."""
    try:
        return _classify(exc)
    except Exception:  # reading an odd chain must never hide the error it describes
        return Failure("client", detail=f"{type(exc).__name__}: {_first_line(str(exc))}")


def _classify(exc: BaseException) -> Failure:
    import httpx
    import openai

    everything = list(_chain(exc))
    # litellm's own exceptions subclass the SDK's (its InternalServerError is an
    # openai.APIStatusError with a made-up 500 response), so their types prove nothing.
    chain = [e for e in everything if not _from_litellm(e)]
    url = next((u for u in map(_url, chain) if u), None)
    root = everything[-1]
    detail = f"{type(root).__name__}: {_unwrapped(str(root))}"
    for item in chain:
        if isinstance(item, openai.APIStatusError):
            return _http(item.response, _server_message(item.body, item.message), url, detail)
        if isinstance(item, httpx.HTTPStatusError):
            return _http(item.response, _response_text(item.response), url, detail)
    if any(_is_timeout(item) for item in everything):
        return Failure("timeout", url=url, detail=detail)
    bad_json = next((e for e in chain if isinstance(e, json.JSONDecodeError)), None)
    if bad_json is not None:
        # The decoder's own words: the root of the chain can be an SDK internal
        # (a StopIteration for an HTML page), which tells the reader nothing.
        said = f"JSONDecodeError: {_first_line(str(bad_json))}"
        return Failure("bad_body", url=url, detail=said, body=bad_json.doc[:120])
    error_object = _error_object(everything)
    if error_object is not None:
        return Failure("bad_shape", url=url, server_message=error_object, detail=detail)
    shape = _bad_shape(everything)
    if shape is not None:
        lacked, body = shape
        return Failure("bad_shape", url=url, detail=lacked, body=body)
    if any(isinstance(e, httpx.ConnectError | ConnectionRefusedError) for e in chain) or any(
        type(e).__name__ in ("ClientConnectorError", "gaierror") for e in chain
    ):
        return Failure("connect", url=url, detail=detail)
    if any(
        isinstance(e, openai.APIConnectionError | httpx.TransportError | ConnectionError)
        for e in chain
    ):
        return Failure("disconnect", url=url, detail=detail)
    if any(_is_missing_key(e) for e in everything):
        return Failure("no_key", url=url, detail=detail)
    return Failure("client", url=url, detail=detail)


def _bad_shape(chain: list[BaseException]) -> tuple[str, str | None] | None:
    """What a JSON body lacked to be a chat completion, and its start; None if not that."""
    for item in chain:
        found = _NOT_AN_OBJECT.search(str(item))
        if found is not None:
            return _not_an_object(found.group("value"))
    for item in chain:
        text = str(item)
        if "no 'choices'" in text or "'choices' that is not a list" in text:
            return "a JSON object without a 'choices' list", None
    root = chain[-1]
    if any(frame.f_code.co_name == _CONVERTER for e in chain for frame, _ in _frames(e)):
        said = f"{type(root).__name__}: {_first_line(str(root))}"
        return f"a 'choices' list whose first item litellm could not read ({said})", None
    return None


def _error_object(chain: list[BaseException]) -> str | None:
    """The error a server sent in a 200 body instead of a completion (its message), if so.

    litellm drops that message from its exception; the body is still a local of its
    converter's frame.
    """
    for item in chain:
        for frame, _ in _frames(item):
            if frame.f_code.co_name != _CONVERTER:
                continue
            body = frame.f_locals.get("response_object")
            error = body.get("error") if isinstance(body, dict) else None
            if error:
                return _server_message({"error": error}, str(error))
    return None


def _not_an_object(shown: str) -> tuple[str, str | None]:
    """Describe the value litellm shows (a Python repr of the parsed body)."""
    try:
        value = ast.literal_eval(shown)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return f"{shown[:80]} instead of {_COMPLETION}", None
    if value is None:
        return f"JSON null instead of {_COMPLETION}", None
    if isinstance(value, list):
        array = f"a JSON array of {len(value)} items" if value else "an empty JSON array"
        return f"{array} instead of {_COMPLETION}", None
    if isinstance(value, str):  # a JSON string, or a body sent as text
        return f"a string instead of {_COMPLETION}", value[:120]
    return f"the JSON value {json.dumps(value)} instead of {_COMPLETION}", None


def _frames(exc: BaseException) -> Iterator[tuple[Any, int]]:
    return traceback.walk_tb(exc.__traceback__)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and its causes, outermost first (each once)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _from_litellm(exc: BaseException) -> bool:
    return type(exc).__module__.split(".", 1)[0] == "litellm"


def _http(response: Any, message: str, url: str | None, detail: str) -> Failure:
    return Failure(
        "http",
        status=int(response.status_code),
        server_message=message,
        retry_after_s=_retry_after(response.headers.get("retry-after")),
        url=url or _url(response),
        detail=detail,
    )


def _is_timeout(exc: BaseException) -> bool:
    import httpx
    import openai

    if _from_litellm(exc):  # its own timeout, raised when it stops waiting by itself
        return type(exc).__name__ == "Timeout"
    return isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError)


def _is_missing_key(exc: BaseException) -> bool:
    import openai

    text = str(exc).lower()
    if type(exc) is openai.OpenAIError:  # the SDK refuses to build a client without a key
        return any(word in text for word in _KEY_WORDS)
    # litellm checks some providers' keys itself and raises AuthenticationError before
    # sending; a server's 401 would have put an APIStatusError in the chain instead.
    return type(exc).__name__ == "AuthenticationError" and "key" in text


def _server_message(body: object, fallback: str) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return _first_line(str(message))
    elif isinstance(body, str) and body.strip():
        return _first_line(body)
    return _first_line(fallback)


def _response_text(response: Any) -> str:
    """The error message of a response body: its JSON `error.message`, else its first line."""
    try:
        text = str(response.text)
    except Exception:  # a streamed body that was never read: nothing to quote
        return ""
    try:
        body = json.loads(text)
    except ValueError:
        return _first_line(text)
    return _server_message(body, text)


def _unwrapped(text: str) -> str:
    """The text without the class names litellm prefixes to it."""
    return _first_line(_LITELLM_PREFIX.sub("", text.strip()))


def _retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds, from a number of seconds or an HTTP date."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _url(item: object) -> str | None:
    """The URL of the request an exception (or response) carries, without its query."""
    try:
        request = getattr(item, "request", None)
        url = getattr(request, "url", None)
    except RuntimeError:  # httpx raises when a response or error has no request attached
        return None
    if url is None:
        return None
    text = str(url)
    return text.split("?", 1)[0] or None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:300]
