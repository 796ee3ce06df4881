"""Optional test dependencies: skipped with the install hint on a developer's machine, failed in CI.

`make test` installs every extra, so a missing one in CI (`CI` set by `.ci/run`) is a broken
set-up, never a reason to test less.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def require(module: str, *, install: str) -> ModuleType:
    """Import `module`; where it is missing, fail in CI and skip elsewhere, naming the install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        why = f"{module} is not installed: {install} (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must test this: {why}")
        pytest.skip(why)
