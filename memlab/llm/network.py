"""A switch that refuses model calls leaving the machine: on in the test suite, off by default.

`LLM` asks `check_allowed()` before every call. The offline model never leaves the process, and
a call whose `api_base` is a loopback host (a local vLLM, llama.cpp or test server) is allowed;
anything else is refused with a `ModelCallError` that says how to unblock. The switch is on when
`MEMLAB_BLOCK_NETWORK=1` is set or inside `with block_network():`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import urlparse

from memlab.errors import ModelCallError

__all__ = ["ENV_VAR", "LOOPBACK_HOSTS", "block_network", "check_allowed", "network_blocked"]

ENV_VAR = "MEMLAB_BLOCK_NETWORK"
"""Environment variable that turns the block on for a whole process ("1", "true" or "yes")."""

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Hosts a blocked process may still reach."""

_lock = threading.Lock()
_stack: list[tuple[str, ...]] = []


@contextmanager
def block_network(allow: Sequence[str] = LOOPBACK_HOSTS) -> Iterator[None]:
    """Refuse model calls to any host not in `allow` while the block is active (nestable)."""
    with _lock:
        _stack.append(tuple(h.lower() for h in allow))
    try:
        yield
    finally:
        with _lock:
            _stack.pop()


def network_blocked() -> tuple[str, ...] | None:
    """The allowed hosts when the block is on, or None when calls may go anywhere."""
    with _lock:
        if _stack:
            return _stack[-1]
    if os.environ.get(ENV_VAR, "").strip().lower() in ("1", "true", "yes"):
        return LOOPBACK_HOSTS
    return None


def check_allowed(model: str, api_base: str | None, *, call_id: str | None = None) -> None:
    """Raise `ModelCallError` when the block is on and this call would leave the machine.

    Args:
        model: The litellm model string; `memlab/...` models run in-process and always pass.
        api_base: Where the call goes; None means the provider's public endpoint.
        call_id: The ledger row that records the refusal, for the error.
    """
    allowed = network_blocked()
    if allowed is None or model.startswith("memlab/"):
        return
    host = (urlparse(api_base).hostname or "").lower() if api_base else ""
    if host and host in allowed:
        return
    where = f"host {host!r}" if host else "the provider's public endpoint (no api_base given)"
    raise ModelCallError(
        f"real network model calls are blocked, so the call to {model!r} at {where} was refused. "
        f"Allowed hosts: {', '.join(allowed)}. Use model='memlab/offline', point api_base at a "
        f"local server (e.g. http://127.0.0.1:8000/v1), or unset {ENV_VAR} / leave the "
        "block_network() block to call the provider.",
        call_id=call_id,
    )
