"""`Registry`: objects of one kind by the names experiment configs and the CLI use.

memlab keeps six: recall strategies, embedders, extraction strategies, prompts, scorers and
summary triggers. Each is a `Registry` with its own public functions around it
(`register_strategy`, `get_strategy`, ...), so they share one behaviour: registration in
order, an unknown name answered with the known ones and how to add one, built-ins loaded on
first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar, cast

from memlab.errors import ConfigError

__all__ = ["Registry"]

T = TypeVar("T")
U = TypeVar("U")


class Registry(Generic[T]):
    """Named objects of one kind, in registration order.

    Reads like a read-only mapping (`name in registry`, `registry[name]`, iteration over the
    names); `get` and `registry[name]` raise a `ConfigError` that lists the known names.

    Args:
        kind: What the objects are, as error messages name them ("recall strategy").
        hint: What to do about an unknown name, appended to its error ("register one with
            @register_strategy(name)").
        loader: Registers the built-ins; runs once, before the first lookup or listing (not
            before a registration, so a user's object of a built-in's name replaces it only
            where replacing is allowed).
        replace: Whether registering a taken name replaces its object; when False, registering
            a different object under a taken name is a `ConfigError` (the same object again
            is fine, as when a module is imported twice).
    """

    def __init__(
        self,
        kind: str,
        *,
        hint: str,
        loader: Callable[[], None] | None = None,
        replace: bool = True,
    ) -> None:
        self.kind = kind
        self.hint = hint
        self.replace = replace
        self._items: dict[str, T] = {}
        self._loader = loader
        self._lock = threading.RLock()

    def register(self, name: str) -> Callable[[U], U]:
        """A decorator that registers its argument (a class or function) under `name`.

        Returns:
            The decorator; it returns its argument unchanged.

        Raises:
            ConfigError: the name is taken and this registry does not replace.
        """

        def decorate(item: U) -> U:
            self.add(name, cast(T, item))
            return item

        return decorate

    def add(self, name: str, item: T) -> T:
        """Register `item` under `name` and return it.

        Raises:
            ConfigError: the name is taken by a different object and this registry does not
                replace.
        """
        with self._lock:
            existing = self._items.get(name)
            if not self.replace and existing is not None and existing is not item:
                raise ConfigError(
                    f"{self.kind} name {name!r} is already registered to {existing!r}; "
                    "pick another name"
                )
            self._items[name] = item
        return item

    def remove(self, name: str) -> None:
        """Forget `name` (nothing happens when it is not registered)."""
        with self._lock:
            self._items.pop(name, None)

    def get(self, name: str) -> T:
        """The object registered as `name`.

        Raises:
            ConfigError: no object has that name; the message lists the known names and says
                how to add one.
        """
        self._load()
        found = self._items.get(name)
        if found is None:
            known = ", ".join(repr(n) for n in sorted(self._items)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r}; known: {known}; {self.hint}")
        return found

    def names(self) -> list[str]:
        """The registered names, in registration order."""
        self._load()
        return list(self._items)

    def values(self) -> list[T]:
        """The registered objects, in registration order."""
        self._load()
        return list(self._items.values())

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self._load()
        return len(self._items)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, names={list(self._items)})"

    def _load(self) -> None:
        loader = self._loader
        if loader is None:
            return
        with self._lock:
            if self._loader is None:
                return
            # Cleared before running: the loader registers through `add`, and a built-in
            # that looks names up while it loads must not start the loader again.
            self._loader = None
            try:
                loader()
            except BaseException:
                self._loader = loader
                raise
