"""A throwaway PostgreSQL cluster for the session, and a fresh schema (an empty store) per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from memlab.testing.postgres_server import PostgresServer

_SCHEMAS = itertools.count()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A server of its own on 127.0.0.1, stopped by PID and deleted after the session."""
    with PostgresServer() as server:
        yield server.dsn


@pytest.fixture
def fresh_schema() -> Iterator[str]:
    """A schema name no other test uses (the store creates it)."""
    yield f"t{next(_SCHEMAS)}"
