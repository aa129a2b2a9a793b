"""How an operation says no: `Refused` with a `Problem` (code, English line, parameters), and
`EditConflict` when a family was saved by someone else since an edit began."""

from __future__ import annotations

from typing import Any

from bot.reminders.registry_csv import Problem, problem


class Refused(Exception):
    """An operation refused: `problem` says why. `str()` is the English line; the CLI adds
    the code and the Chinese sentence (`registry_csv.chinese_problem`), the console shows
    the Chinese sentence, Telegram answers by the code."""

    def __init__(self, refusal: Problem) -> None:
        super().__init__(str(refusal))
        self.problem = refusal


def refused(code: str, english: str, **params: Any) -> Refused:
    return Refused(problem(code, english, **params))


class EditConflict(Exception):
    """The family was saved by someone else since this edit began: `current` is what is stored
    now (with its version), for the console to show beside the edit."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__(f"family {current['id']} was changed meanwhile (now version {current['version']})")
        self.current = current
