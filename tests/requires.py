"""Optional test dependencies: skipped with the install hint on a developer's machine, failed in CI.

`make test` installs every extra, so a missing one in CI (`CI` set by `.ci/run`) is a broken
set-up, never a reason to test less.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest


def require(module: str, *, install: str) -> ModuleType:
    """Import `module`; where it is missing, fail in CI and skip elsewhere, naming the install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        unavailable(f"{module} is not installed: {install} (make test installs it)")


def unavailable(why: str) -> NoReturn:
    """A test's real dependency (a module, a browser, a server build) is missing: say `why`.

    Fails in CI, where `make test` must have installed it; skips on a developer's machine.
    """
    if os.environ.get("CI"):
        pytest.fail(f"CI must test this: {why}")
    pytest.skip(why)
