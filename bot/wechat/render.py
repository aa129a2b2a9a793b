"""The conversation's reply as WeChat text: paragraphs split under WeChat's length limit
(numbered "(1/3)" when split, sent in order), and the choices as numbered lines the person
answers by typing the number. Which number meant which choice is kept with the person's
conversation (`Numbered`), so "2" still means the same after a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.ids import small_number
from dialogs import wechat_copy as wc
from dialogs.replies import Choice, Reply, Result, Step, part_text

# WeChat refuses a text over 2,048 bytes (about 680 Chinese characters)
MAX_BYTES = 2000
# a reply is one passive message and at most four customer-service ones: WeChat allows only a
# few customer-service messages per message received (five within 48 hours, official page)
MAX_PIECES = 5
_SPACES = re.compile(r"[\s,，、;；]+")


@dataclass
class Numbered:
    """The numbers offered by the last reply: ids in number order; for a checklist, the id
    that finishes it (picks are appended as the core expects: done|a.b)."""

    ids: list[str] = field(default_factory=list)
    checklist_done: str | None = None
    ticks: list[str] = field(default_factory=list)  # a checklist's option codes, in number order

    def to_json(self) -> dict[str, Any]:
        return {"ids": self.ids, "done": self.checklist_done, "ticks": self.ticks}

    @classmethod
    def from_json(cls, data: object) -> Numbered:
        if not isinstance(data, dict):
            return cls()
        ids = [i for i in data.get("ids") or [] if isinstance(i, str) and len(i) <= 64][:40]
        done = data.get("done")
        ticks = [t for t in data.get("ticks") or [] if isinstance(t, str) and len(t) <= 64][:40]
        return cls(ids, done if isinstance(done, str) and len(done) <= 64 else None, ticks)

    def press_for(self, text: str) -> str | None:
        """The choice a typed reply stands for: one number, or for a checklist several (or 0).
        A number is read as people type it back: "4", "４", "4.", "4。", "四", "第四个", "④", "选4"."""
        key = typed_number(text)
        if self.checklist_done is not None:
            picks = [small_number(p) for p in _SPACES.split(key) if p]
            if picks == [0]:
                return f"{self.checklist_done}|"
            if picks and all(p is not None and 1 <= p <= len(self.ticks) for p in picks):
                chosen = dict.fromkeys(self.ticks[p - 1] for p in picks if p is not None)
                return f"{self.checklist_done}|" + ".".join(chosen)
            return None
        number = small_number(key)
        if number is not None and 1 <= number <= len(self.ids):
            return self.ids[number - 1]
        return None

    def looks_numbered(self, text: str) -> bool:
        """A reply made only of digits (and spaces): meant as a number, even a wrong one."""
        key = _SPACES.sub("", typed_number(text))
        return bool(key) and bool(self.ids or self.ticks) and all(small_number(c) is not None for c in key)


_CHINESE_DIGITS = {"零": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
                   "八": "8", "九": "9", "十": "10"}
_CIRCLED = {chr(0x2460 + n): str(n + 1) for n in range(20)}  # ① .. ⑳
_AROUND_NUMBER = re.compile(r"^(?:选|选择|我选|第)?\s*(.+?)\s*(?:个|项|条|号)?\s*[.．。、,，)）!！]*$")


def typed_number(text: str) -> str:
    """A typed reply with what surrounds a number taken away and the number in digits
    ("第四个" -> "4", "4。" -> "4", "④" -> "4"); anything else comes back stripped."""
    key = text.strip()
    match = _AROUND_NUMBER.match(key)
    if match is None:
        return key
    core = match.group(1)
    if core in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[core]
    if core in _CIRCLED:
        return _CIRCLED[core]
    return core if small_number(core) is not None else key


def numbered_for(reply: Reply) -> Numbered:
    step = next((p for p in reply.parts if isinstance(p, Step)), None)
    if step is not None and step.question.multi:
        done = next((c for c in reply.choices if c.role == "done"), None)
        main = [c for c in reply.choices if c.role == "main"]
        if done is not None:
            return Numbered([], done.id, [c.id.rsplit("|", 1)[1] for c in main])
    return Numbered([c.id for c in _shown(reply)])


def _shown(reply: Reply) -> list[Choice]:
    step = next((p for p in reply.parts if isinstance(p, Step)), None)
    if step is not None and step.question.multi:
        return [c for c in reply.choices if c.role == "main"]
    return list(reply.choices)


def choice_lines(reply: Reply) -> list[str]:
    shown = _shown(reply)
    if not shown:
        return []
    step = next((p for p in reply.parts if isinstance(p, Step)), None)
    head = wc.CHECKLIST_HEAD if step is not None and step.question.multi else wc.CHOICES_HEAD
    return [head, *(wc.CHOICE_LINE.format(n=n, label=c.label) for n, c in enumerate(shown, start=1))]


def reply_text(reply: Reply) -> str:
    blocks: list[str] = []
    for part in reply.parts:
        text = part.view.summary + (f"\n\n{part.note}" if part.note else "") if isinstance(part, Result) \
            else part_text(part)
        if text.strip():
            blocks.append(text.strip())
    if not blocks and reply.refusal:
        blocks.append(reply.refusal)
    lines = choice_lines(reply)
    if lines:
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _size(text: str) -> int:
    return len(text.encode())


def split_text(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Whole paragraphs where they fit, then whole lines, then hard cuts, each piece under
    `limit` bytes; "(n/total)" in front of each piece when there is more than one; at most
    `MAX_PIECES` pieces, the last saying that the rest is cut."""
    room = limit - _size(wc.PART_OF.format(n=99, total=99))
    pieces: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        for i, unit in enumerate(_units(block, room)):
            joined = current + ("\n\n" if i == 0 else "\n") + unit if current else unit
            if _size(joined) <= room:
                current = joined
            else:
                if current:
                    pieces.append(current)
                current = unit
    if current:
        pieces.append(current)
    if len(pieces) > MAX_PIECES:  # WeChat allows a few customer-service messages per message received
        pieces = [*pieces[:MAX_PIECES - 1], wc.CUT_SHORT]
    if len(pieces) <= 1:
        return pieces
    return [wc.PART_OF.format(n=i, total=len(pieces)) + piece for i, piece in enumerate(pieces, start=1)]


def _units(block: str, room: int) -> list[str]:
    if _size(block) <= room:
        return [block]
    units: list[str] = []
    for line in block.split("\n"):
        while _size(line) > room:
            cut = len(line.encode()[:room].decode(errors="ignore"))
            units.append(line[:cut])
            line = line[cut:]
        units.append(line)
    return units


def messages(reply: Reply) -> list[str]:
    return split_text(reply_text(reply))
