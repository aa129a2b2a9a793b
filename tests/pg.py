"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, started by
pg_ctl on a free port with its unix socket in that folder, stopped and removed at the end.

PostgreSQL refuses to run as root; as root (CI, this machine) the server runs as the
`postgres` user through `runuser` (Debian's package creates that user), the folder handed
to it. Nothing is mocked: the tests talk to a real server. No server is a failure with one
clear line, never a skip (`.ci/run` installs Debian's `postgresql` when initdb is missing).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN_DIRS = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin",
               "/usr/local/bin", "/usr/bin")


class NoPostgres(RuntimeError):
    pass


def _tool(name: str) -> str:
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise NoPostgres(f"PostgreSQL's {name} was not found (apt-get install postgresql; .ci/run does it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One server; `url(name)` makes a fresh database on it and returns its URL."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="lianxin-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise NoPostgres("running as root and there is no 'postgres' user to run the server as") from None
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o755)
            self._as = ["runuser", "-u", "postgres", "--"]
        self.user = "lianxin"

    def _run(self, *cmd: str) -> None:
        done = subprocess.run([*self._as, *cmd], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise NoPostgres(f"{' '.join(cmd[:2])} failed: {(done.stderr or done.stdout).strip()[-400:]}")

    def start(self, durable: bool = False) -> PgServer:
        """`durable=True` keeps PostgreSQL's own defaults (fsync, synchronous_commit and
        full_page_writes on), as a deployment runs it: for benchmarks. The tests turn them off."""
        self._run(_tool("initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(NoPostgres):
            self._run(_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def url(self, name: str | None = None) -> str:
        """A new, empty database on this server."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url(name)


def start_server(durable: bool = False) -> PgServer:
    """A running server, or NoPostgres with one line saying why."""
    return PgServer().start(durable)
