"""A throwaway PostgreSQL cluster on 127.0.0.1, for tests and benchmarks of the PostgreSQL store.

`PostgresServer` runs `initdb` into a fresh directory and `pg_ctl start` on a free port, then
stops the server by the PID in its `postmaster.pid` and deletes the directory. PostgreSQL
refuses to run as root, so when this process is root the cluster belongs to the `postgres`
OS user and its commands run through `runuser`. The binaries are found on PATH or under
`/usr/lib/postgresql/*/bin` (Debian's `postgresql` package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from memlab.errors import ConfigError, StoreError

__all__ = ["PostgresServer", "postgres_bin"]


def postgres_bin(name: str) -> Path:
    """The path of a PostgreSQL server program (`initdb`, `pg_ctl`).

    Raises:
        ConfigError: PostgreSQL is not installed; the message says how to install it.
    """
    found = shutil.which(name)
    if found:
        return Path(found)
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return Path(candidate)
    raise ConfigError(
        f"{name} was not found on PATH or under /usr/lib/postgresql/*/bin: install the "
        "PostgreSQL server (Debian: apt-get install -y postgresql)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A PostgreSQL cluster of its own, started on enter and removed on exit.

    Args:
        user: The database superuser the cluster is created with (trust authentication on
            127.0.0.1 only; the cluster is throwaway).
        start_timeout_s: How long to wait for the server to accept connections.
        bin_dir: Where `initdb` and `pg_ctl` are (another PostgreSQL build, e.g. the one
            with pgvector of `memlab.testing.pgvector_server`); None: PATH or Debian's.
    """

    def __init__(
        self, *, user: str = "memlab", start_timeout_s: float = 60.0, bin_dir: Path | None = None
    ) -> None:
        self.user = user
        self.bin_dir = bin_dir
        self.start_timeout_s = start_timeout_s
        self.port = 0
        self.pid: int | None = None
        self._dir: Path | None = None

    @property
    def dsn(self) -> str:
        """A libpq URL of the `postgres` database of this cluster."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str | Path) -> None:
        cmd = [str(a) for a in args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StoreError(
                f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
            )

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; return self once it accepts connections."""
        if self.bin_dir is not None:
            initdb, pg_ctl = self.bin_dir / "initdb", self.bin_dir / "pg_ctl"
        else:
            initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
        self._dir = Path(tempfile.mkdtemp(prefix="memlab-pg-"))
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self._dir, entry.pw_uid, entry.pw_gid)
        data, log = self._dir / "data", self._dir / "server.log"
        self._run(initdb, "-D", data, "-U", self.user, "-A", "trust", "-E", "UTF8", "--no-sync")
        self.port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories="
            f"{self._dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(pg_ctl, "-D", data, "-l", log, "-o", options, "-w", "-t",
                  str(int(self.start_timeout_s)), "start")  # fmt: skip
        pid_line = (data / "postmaster.pid").read_text().splitlines()[0]
        self.pid = int(pid_line)
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise StoreError(f"PostgreSQL did not accept connections; see {log}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (by its PID) and delete the cluster directory."""
        if self.pid is not None:
            # SIGINT is PostgreSQL's "fast shutdown": running sessions are rolled back.
            try:
                os.kill(self.pid, signal.SIGINT)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    os.kill(self.pid, 0)
                    time.sleep(0.05)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
