"""Checks on what an operator gives the command line, each failing with one precise line.

The CLI reports `InputError` as that line and exit code 2 (never a traceback), and a file
it writes appears whole or not at all.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from bot.ids import MAX_ID_DIGITS, parse_id


class InputError(ValueError):
    """One line naming the input and what is wrong with it."""


def record_id(text: str) -> int:
    """argparse type for family, contact and Telegram ids: ASCII digits, at most 16."""
    value = parse_id(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text[:30]!r} is not an id (1-{MAX_ID_DIGITS} digits 0-9)")
    return value


def os_error_line(exc: OSError) -> str:
    """`<what went wrong>: <file>`, e.g. "No space left on device: visits.csv"."""
    what = exc.strerror or str(exc)
    return f"{what}: {exc.filename}" if exc.filename else what


def writable_file(path: str | Path) -> Path:
    """A path a new file can be written to: its folder exists and it is not itself a folder."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target} is a folder; give a file name, e.g. {target / 'visits.csv'}")
    if not target.parent.is_dir():
        raise InputError(f"folder {target.parent} does not exist")
    if target.exists() and not target.is_file():  # a device or a pipe is never replaced by a file
        raise InputError(f"{target} is not a regular file")
    return target


@contextlib.contextmanager
def atomic_output(path: str | Path, encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO[str]]:
    """Write `path` through a temporary file (mode 0600) renamed into place on success, so a
    full disk or an error leaves no half-written file; raises InputError with one line."""
    target = writable_file(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise InputError(f"disk full while writing {target}; nothing was written") from None
        raise InputError(f"cannot write {target}: {os_error_line(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def database_path(path: Path) -> Path:
    """BOT_DATABASE must name a file (existing or to be created), never a folder."""
    if path.is_dir():
        raise InputError(f"setting BOT_DATABASE: {path} is a folder; give a file, e.g. {path / 'lianxin.sqlite3'}")
    return path
