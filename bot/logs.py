"""Logging for operators: text or JSON lines, and never personal data.

Handlers log update ids, kinds and error types only; message text, answers, names and
phone numbers never go to the log. httpx's request lines are silenced because their URLs
carry the bot token, and every line (tracebacks included) has the token blanked out, since
a library may print it (PTB's InvalidToken message quotes it).
"""

from __future__ import annotations

import json
import logging
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
               "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__
        return json.dumps(out, ensure_ascii=False)


class RedactingFormatter(logging.Formatter):
    """Another formatter's lines with each secret (and the part of a bot token after its
    colon, which alone is the secret part) replaced by `<redacted>`."""

    def __init__(self, inner: logging.Formatter, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.inner = inner
        parts = {s for s in secrets if s} | {s.partition(":")[2] for s in secrets if ":" in s}
        self.secrets = sorted((p for p in parts if len(p) >= 8), key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        for secret in self.secrets:
            line = line.replace(secret, "<redacted>")
        return line


class DropReported(logging.Filter):
    """Drops library records about an error the caller reports itself in one line (PTB logs
    a rejected token as a 50-line traceback before raising it)."""

    def __init__(self, exception_names: tuple[str, ...]) -> None:
        super().__init__()
        self.exception_names = exception_names

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (error is not None and type(error).__name__ in self.exception_names)


def configure_logging(fmt: str = "text", level: int = logging.INFO, secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(DropReported(("InvalidToken",)))
    inner = JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    handler.setFormatter(RedactingFormatter(inner, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines contain the token
