"""Package exports loaded on first use (PEP 562), shared by the lab's package `__init__`s.

A worker process imports `memlab.lab.running.executors`; with eager exports that pulled the
whole lab (matplotlib, the report) into every worker. A package lists where each exported
name lives and installs `lazy_exports(...)` as its `__getattr__` and `__dir__`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports", "wing_exports"]


def lazy_exports(
    package: str, homes: Mapping[str, str], scope: dict[str, Any]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose exports live in the `homes` modules.

    Args:
        package: The package's `__name__`.
        homes: Exported name -> the module that defines it; a name whose home is the
            submodule `<package>.<name>` is that module itself.
        scope: The package's `globals()`; a loaded name is cached there, so each loads once.
    """

    def load(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(home)
        value = module if module.__name__ == f"{package}.{name}" else getattr(module, name)
        scope[name] = value
        return value

    def listing() -> list[str]:
        return sorted({*scope, *scope.get("__all__", ())})

    return load, listing


def wing_exports(
    package: str, wings: tuple[str, ...], scope: dict[str, Any]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, which re-exports what its `wings` export.

    A name in the package's `__all__` is looked up in each wing's `__all__` in order, so the
    package need not list again where each name lives; a wing is itself an attribute.

    Args:
        package: The package's `__name__`.
        wings: Subpackages whose `__all__` the package re-exports; cheapest to import first.
        scope: The package's `globals()`; a loaded name is cached there, so each loads once.
    """

    def load(name: str) -> object:
        for wing in wings:
            module = importlib.import_module(wing)
            if wing == f"{package}.{name}":
                value: object = module
            elif name in scope.get("__all__", ()) and name in getattr(module, "__all__", ()):
                value = getattr(module, name)
            else:
                continue
            scope[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def listing() -> list[str]:
        return sorted({*scope, *scope.get("__all__", ())})

    return load, listing
