"""Run memlab's async core from sync code, including inside a running loop (Jupyter).

Every sync call is sent to one long-lived event loop on a daemon thread. One loop (rather than
`asyncio.run` per call) keeps litellm's HTTP clients, which are bound to the loop that made
them, alive across calls, and works the same whether or not the caller has a loop running.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="memlab-llm-loop", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion on memlab's background loop and return its result.

    Raises whatever the coroutine raises. Interrupting the wait (Ctrl-C) cancels the coroutine.
    Must not be called from memlab's own loop thread, which would deadlock; that is a bug in
    memlab, reported as a RuntimeError.
    """
    loop = _background_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        coro.close()
        raise RuntimeError("run_sync() was called from memlab's loop thread; await instead")
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result()
    except BaseException:
        future.cancel()
        raise
