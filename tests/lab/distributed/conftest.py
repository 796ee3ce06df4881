"""Fixtures of the distributed tests: the lab's replay fixtures, and a real Dask cluster.

The cluster is a `dask scheduler` and two `dask worker` processes started through their own
command lines on 127.0.0.1, without nannies (a killed worker stays dead, as a lost machine
does), and stopped by PID when the session ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))  # replay_fixtures

DASK = Path(sys.executable).parent / "dask"


@dataclass
class DaskCluster:
    """A running scheduler and its workers."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(n, timeout=120)


def start_worker(address: str, name: str, log: Path) -> subprocess.Popen[bytes]:
    """Start one `dask worker` process (single-threaded, no nanny) for `address`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                str(DASK),
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--name",
                name,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    """A fresh scheduler with two workers (fresh per test: a test may kill a worker)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = tmp_path / "dask.log"
    with log.open("ab") as out:
        scheduler = subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    workers: list[subprocess.Popen[bytes]] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if scheduler.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dask scheduler did not start: {log.read_text()}") from None
                time.sleep(0.2)
        workers = [start_worker(address, f"w{i}", log) for i in range(2)]
        _wait_for_workers(address, 2)
        yield DaskCluster(address, scheduler, workers)
    finally:
        for worker in workers:
            _stop(worker)
        _stop(scheduler)


@pytest.fixture(scope="session")
def local_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The compared rows of the small grid run on `local`."""
    import warnings

    from grid import small_grid
    from shard_rows import table_rows

    from memlab.lab.running.runner import HealthWarning, replay

    path = tmp_path_factory.mktemp("local") / "local.duckdb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthWarning)
        replay(small_grid(), db=path, quiet=True, concurrency=2, executor="local").close()
    return table_rows(path)
