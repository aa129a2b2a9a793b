"""A reply as data: what the conversation says, for any channel to render.

The conversation (`dialogs.conversation`) decides every word; a channel only lays the parts
out (Telegram HTML and inline keyboards, numbered lines in the terminal, cards and buttons
on the phone page, WeChat text and menus) and turns a pressed choice back into its `id`.
Nothing here knows a platform: ids are short ASCII strings (<= 64 bytes, Telegram's
callback limit) that only the conversation reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogs.interview import Question
    from dialogs.result_summary import ResultView
    from knowledge.eligibility import Assessment

MAX_CHOICE_ID = 64


@dataclass(frozen=True)
class Choice:
    """One button (or numbered line, or menu item): what it says and what pressing it sends."""

    id: str
    label: str
    role: str = "main"  # main | unknown | back | done: where a channel puts it and how it looks

    def __post_init__(self) -> None:
        if len(self.id.encode()) > MAX_CHOICE_ID or not self.id.isascii():
            raise ValueError(f"choice id {self.id!r} is not short ASCII")


@dataclass(frozen=True)
class Paragraphs:
    """Plain words: everyday replies, notes, the city question."""

    lines: tuple[str, ...]
    kind: str = "text"


@dataclass(frozen=True)
class Care:
    """The reply to despair: warmth, the numbers to call (each once, in the order named,
    with what it is for) and the city's own psychological-care clause."""

    lines: tuple[str, ...]
    calls: tuple[tuple[str, str], ...] = ()
    kind: str = "distress"


@dataclass(frozen=True)
class AnswerHead:
    """The opening of an answer: the question and city, a place note, the money lead or the
    document's facts, or an honest "not found"."""

    lines: tuple[str, ...]
    kind: str = "answer"


@dataclass(frozen=True)
class Heading:
    """A heading between clause cards (other cities' clauses, for reference only)."""

    text: str
    kind: str = "heading"


@dataclass(frozen=True)
class ClauseCard:
    """One clause: title, document number and printed path, the verbatim key sentence, the
    responsible units, and the document's date and status. `full_text` is the choice that
    shows the whole clause."""

    clause_id: str
    rank: int
    lines: tuple[str, ...]
    full_text: Choice
    kind: str = "clause"


@dataclass(frozen=True)
class FullText:
    """A whole clause: its document, number, path, date or draft status, and the text."""

    clause_id: str
    head: str
    status: str
    text: str
    kind: str = "full_text"


@dataclass(frozen=True)
class Step:
    """One interview question: progress, the question, its options (the choices of the
    reply), which checklist boxes are ticked, whether a typed age answers it."""

    question: Question
    progress: str
    text: str
    intro: str | None = None
    ticked: tuple[str, ...] = ()
    typed_age: bool = False
    can_back: bool = False
    kind: str = "question"


@dataclass(frozen=True)
class Review:
    """The answers to confirm before the result; each row can be changed on its own."""

    rows: tuple[tuple[int, str, str], ...]  # (step index, question, answer)
    header: str = ""
    prompt: str = ""
    kind: str = "summary"


@dataclass(frozen=True)
class Result:
    """The result: summary first (money first), each section one choice away."""

    view: ResultView
    assessment: Assessment
    note: str = ""
    kind: str = "result"


@dataclass(frozen=True)
class SectionText:
    """One section of the last result, whole."""

    key: str
    text: str
    kind: str = "section"


Part = Paragraphs | Care | AnswerHead | Heading | ClauseCard | FullText | Step | Review | Result | SectionText


@dataclass
class Reply:
    """What the conversation says to one message or press, in order, and the choices it
    offers. `refusal` is a short note for a press that cannot be used (an expired or
    replayed button): a channel may show it as a toast instead of a message. `step` marks
    an interview step a channel may draw in place of the previous one."""

    parts: list[Part] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    refusal: str | None = None
    step: bool = False
    city: str | None = None  # the conversation's city after this turn
    ended: bool = False  # the conversation has nothing more to offer (the interview ended elsewhere)

    def kinds(self) -> list[str]:
        return [p.kind for p in self.parts]

    def clause_ids(self) -> list[str]:
        return [p.clause_id for p in self.parts if isinstance(p, ClauseCard | FullText)]

    def text(self) -> str:
        """Every paragraph as plain text, blank lines between parts: the terminal's view
        and what tests read."""
        return "\n\n".join(part_text(p) for p in self.parts)

    def as_json(self) -> dict[str, Any]:
        return {"parts": [{"kind": p.kind, "text": part_text(p)} for p in self.parts],
                "choices": [{"id": c.id, "label": c.label, "role": c.role} for c in self.choices],
                "refusal": self.refusal}


def part_text(part: Part) -> str:
    """A part as plain lines (no markup)."""
    if isinstance(part, Paragraphs | Care | AnswerHead | ClauseCard):
        return "\n".join(part.lines)
    if isinstance(part, Heading):
        return part.text
    if isinstance(part, FullText):
        return f"{part.head}{part.status}\n\n{part.text}"
    if isinstance(part, Step):
        return "\n".join(x for x in (part.intro, f"{part.progress}{part.text}") if x)
    if isinstance(part, Review):
        from dialogs import check_templates as ct

        rows = [ct.SUMMARY_LINE.format(n=n, question=what, answer=label) for n, (_, what, label) in
                enumerate(part.rows, start=1)]
        return "\n".join([part.header, *rows, part.prompt]).strip()
    if isinstance(part, Result):
        return part.view.summary + (f"\n\n{part.note}" if part.note else "")
    return part.text
