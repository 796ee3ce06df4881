"""Checks of the public API's arguments, each failing with a `ConfigError` that names it.

Python's own errors for a wrong argument (`'NoneType' object is not iterable`, an attribute
missing three calls down, a DuckDB conversion error) say neither which argument was wrong nor
what it should have been; worse, some wrong values pass silently (a string where a list of
memories belongs is stored one character per memory). These checks run first, at the door.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, get_args

from memlab.db.text import check_text
from memlab.errors import ConfigError
from memlab.schema import Role

__all__ = ["check_flag", "check_instance", "check_items", "check_optional_text", "check_role"]

T = TypeVar("T")

_ROLES: tuple[str, ...] = get_args(Role)


def _shown(value: object) -> str:
    return "None" if value is None else f"{type(value).__name__} {value!r}"[:120]


def check_items(name: str, value: object, what: str) -> list[Any]:
    """`value` as a list, when it is a list-like of items (not None, a string or a mapping).

    Args:
        name: The argument's name, for the message.
        value: The argument.
        what: What the argument should be, e.g. "a list of messages".

    Raises:
        ConfigError: `value` is None, a string, bytes, a mapping, or not iterable; a string
            would otherwise become one item per character and a mapping one per key.
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ConfigError(f"{name} must be {what}, got {_shown(value)}")
    return list(value)


def check_optional_text(name: str, value: object) -> str | None:
    """`value` when it is None or a non-empty string the store can keep.

    Raises:
        ConfigError: `value` is another type, blank, or holds a lone surrogate.
    """
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a non-empty string or None, got {_shown(value)}")
    check_text(name, value)
    return value


def check_flag(name: str, value: object) -> bool:
    """`value` when it is a bool: a truthy string must not clear every user's data.

    Raises:
        ConfigError: `value` is not `True` or `False`.
    """
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {_shown(value)}")
    return value


def check_role(name: str, value: object, *, optional: bool = False) -> Any:
    """`value` when it is a message role (or None, when `optional`).

    Raises:
        ConfigError: `value` is not one of the roles.
    """
    if (value is None and optional) or (isinstance(value, str) and value in _ROLES):
        return value
    allowed = f"one of {list(_ROLES)}" + (" or None" if optional else "")
    raise ConfigError(f"{name} must be {allowed}, got {_shown(value)}")


def check_instance(name: str, value: object, kind: type[T], hint: str) -> T:
    """`value` when it is a `kind`.

    Args:
        name: The argument's name, for the message.
        value: The argument.
        kind: The class (or runtime-checkable protocol) it must be an instance of.
        hint: How to make one, appended to the message.

    Raises:
        ConfigError: `value` is something else.
    """
    if not isinstance(value, kind):
        raise ConfigError(f"{name} must be a {kind.__name__}, got {_shown(value)}; {hint}")
    return value
