"""PostgreSQL backups: `pg_dump -Fc` (the custom format: compressed, restored table by table
with `pg_restore`), 0600 from its first byte; restore with `pg_restore --clean --if-exists
--single-transaction` (all or nothing), refused while another Lianxin process is connected.

The connection settings go to the tools through libpq's environment (PGHOST, PGPASSWORD,
...), never on the command line, where `ps` would show the password. The tools come from the
PATH or Debian's /usr/lib/postgresql/<version>/bin; pg_dump must be as new as the server."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from bot.storage.db import StorageError, open_private, shown_url

ENV_KEYS = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE",
            "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
            "connect_timeout": "PGCONNECT_TIMEOUT"}


def pg_tool(name: str) -> str:
    """The newest `name` (pg_dump, pg_restore) installed."""
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    found = shutil.which(name)
    if found is None:
        raise StorageError(f"{name} was not found (install PostgreSQL's client tools: postgresql-client)")
    return found


def tool_env(url: str) -> dict[str, str]:
    from psycopg.conninfo import conninfo_to_dict

    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in conninfo_to_dict(url).items():
        if key in ENV_KEYS and value is not None:
            env[ENV_KEYS[key]] = str(value)
    return env


def _run(cmd: list[str], url: str, what: str) -> str:
    done = subprocess.run(cmd, env=tool_env(url), capture_output=True, text=True, timeout=6 * 3600)
    if done.returncode:
        last = (done.stderr or done.stdout).strip().splitlines()
        raise StorageError(f"{what} of {shown_url(url)} failed: {last[-1] if last else done.returncode}")
    return done.stdout


def pg_dump_backup(url: str, target: Path) -> int:
    """`pg_dump -Fc` of the database to `target` (written as .partial, then renamed); its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    open_private(tmp, "wb").close()  # 0600 before pg_dump writes a byte into it
    try:
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}"], url,
             "pg_dump")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)
    return target.stat().st_size


def check_pg_backup(backup: Path, url: str) -> None:
    if not backup.is_file():
        raise StorageError(f"backup {backup} does not exist")
    if backup.stat().st_size == 0:
        raise StorageError(f"backup {backup} is empty (0 bytes)")
    try:
        listing = _run([pg_tool("pg_restore"), "--list", str(backup)], url, "reading the backup")
    except StorageError:
        raise StorageError(f"backup {backup} is not a pg_dump -Fc backup") from None
    if " TABLE public users " not in listing and " TABLE public users" not in listing:
        raise StorageError(f"backup {backup} is not a Lianxin database (no users table)")


def others_connected(url: str) -> int:
    """Lianxin processes connected to this database besides us (the bot, web workers)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, application_name="lianxin-restore") as con:
        row = con.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                          " AND pid <> pg_backend_pid() AND application_name = 'lianxin'").fetchone()
    return int(row[0]) if row else 0


def pg_restore_backup(backup: Path, url: str) -> None:
    """Replace the database's Lianxin tables with the backup's, in one transaction."""
    check_pg_backup(backup, url)
    try:
        busy = others_connected(url)
    except Exception as exc:
        raise StorageError(f"cannot connect to PostgreSQL at {shown_url(url)}: {exc}") from None
    if busy:
        raise StorageError(f"{busy} Lianxin connection(s) are open on {shown_url(url)} (the bot or the web"
                           " workers); stop them first")
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={tool_env(url).get('PGDATABASE', '')}", str(backup)], url, "pg_restore")
