"""Where a call's API key comes from, and how to tell a user to give one where they are.

A key is given explicitly (`LLM(api_key=...)`, `memlab replay --api-key`, an experiment's
`api_key_env`), or litellm reads the provider's environment variable. A server on this machine
(`api_base` on 127.0.0.1, localhost or ::1) usually wants no key at all, while the OpenAI SDK
refuses to send a request without one: for such a server memlab sends the placeholder `"none"`
unless a key was given or the provider's variable is set. Error messages name the fix in the
words of the surface the model was configured through (`KeyAdvice`): a CLI user is told about
`--api-key`, a TOML author about `api_key_env`, a Python caller about the argument.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["LOCAL_KEY", "PYTHON_ADVICE", "KeyAdvice", "is_loopback", "local_default_key"]

LOCAL_KEY = "none"
"""The key sent to a server on this machine when none was given."""

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


@dataclass(frozen=True)
class KeyAdvice:
    """How the user of one surface gives a key, in that surface's words, for error messages.

    Attributes:
        fix: What to do to give a key, e.g. "pass LLM(api_key=...)".
        none_key: How to give the placeholder key a server without keys takes.
        given_as: How a key given this way is named, e.g. "passed as LLM(api_key=...)".
    """

    fix: str
    none_key: str
    given_as: str


PYTHON_ADVICE = KeyAdvice(
    fix="pass LLM(api_key=...)",
    none_key="api_key='none'",
    given_as="passed as LLM(api_key=...)",
)
"""The advice for an `LLM` built in Python, the default."""


def is_loopback(api_base: str | None) -> bool:
    """True when `api_base` is a server on this machine (127.0.0.0/8, ::1, localhost)."""
    if not api_base:
        return False
    try:
        host = urlsplit(api_base).hostname
    except ValueError:  # a malformed URL is not this function's to judge
        return False
    if host is None:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_default_key(api_base: str | None, variables: list[str]) -> str | None:
    """The placeholder key for a local server when no key was given, else None.

    Args:
        api_base: Where the call goes.
        variables: The environment variables litellm would read this provider's key from;
            when one is set, litellm's own lookup is left alone.
    """
    if not is_loopback(api_base) or any(os.environ.get(v) for v in variables):
        return None
    return LOCAL_KEY
