"""Placeholder until the full reader lands (text files in UTF-8 only)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DocumentReadError(ValueError):
    def __init__(self, code: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message_zh = message_zh


@dataclass(frozen=True)
class ReadDocument:
    text: str
    kind: str
    encoding: str | None
    sha256: str
    warnings: tuple[str, ...]


def read_document(data: bytes, filename: str) -> ReadDocument:
    return ReadDocument(data.decode("utf-8"), "text", "utf-8", hashlib.sha256(data).hexdigest(), ())


def read_document_file(path: Path) -> ReadDocument:
    return read_document(path.read_bytes(), path.name)
