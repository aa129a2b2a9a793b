"""The metadata catalogue of the five source documents, validated at load.

Every answer the bot gives cites a document; the catalogue is where the document number,
date and status (in force, or a draft for consultation) come from, so it is validated
strictly and the shipped source bytes are pinned by hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from knowledge.yaml_data import load_yaml

Status = Literal["in_force", "draft", "lapsed", "repealed"]


class Document(BaseModel):
    """One policy document and the jurisdiction it governs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z]+$")
    name: str
    aliases: tuple[str, ...]
    province: str
    issuer: str | None
    title: str
    number: str | None
    issued: dt.date | None
    effective: dt.date | None
    status: Status
    status_note: str
    repeals: tuple[str, ...]
    source_file: str
    original_file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    # Validity (issue 26): normative documents lapse (usually five years, two when 试行), are
    # repealed or replaced. `expires` is the last day in force; `replaced_by` the successor's number.
    expires: dt.date | None = None
    replaced_by: str | None = None  # repealed: the successor answers for the city instead (its number)
    successor: str | None = None  # and the successor's code: what was kept under this code follows it
    amended_by: str | None = None  # in force, but a later document changed some of it
    # A successor put in for a city: it takes over from this code only once its rules are
    # published and it has taken effect; until then the old document keeps answering.
    takes_over: str | None = None
    # False for a document put in by a city's staff whose rules nobody has published yet: it is
    # searchable and answered as clauses only, never with an amount as the family's entitlement.
    rules_published: bool = True

    @field_validator("aliases")
    @classmethod
    def _aliases_not_empty(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("at least one alias")
        return v

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def date_label(self) -> str:
        """How the document is dated in answers: "2023年7月24日" or the draft's caveat."""
        if self.issued is None:
            return "未注明日期"
        return f"{self.issued.year}年{self.issued.month}月{self.issued.day}日"

    @property
    def citation_label(self) -> str:
        """Short citation: the document number, or the draft's title when it has none."""
        if self.number:
            return self.number
        return f"《{self.title}》"

    def status_on(self, day: dt.date) -> Status:
        """The status on a day: an in-force document whose last day has passed has lapsed."""
        if self.status == "in_force" and self.expires is not None and day > self.expires:
            return "lapsed"
        return self.status

    def expires_within(self, day: dt.date, days: int) -> bool:
        """In force on `day` and lapsing within `days` days (the admin's 90-day warning)."""
        return (self.status_on(day) == "in_force" and self.expires is not None
                and (self.expires - day).days <= days)

    def raw_text(self) -> str:
        """The source exactly as shipped, or as put in by the city's staff (for audit and for
        the cleaning step)."""
        added = installed_documents().get(self.code)
        if added is not None:
            return added.text
        return _read_source(self.source_file)


# The documents installed at run time (knowledge.library.install): code -> LibraryDocument.
# Held here, not in the library, so the catalogue depends on nothing above it.
_installed: Mapping[str, Any] = MappingProxyType({})


def installed_documents() -> Mapping[str, Any]:
    """The documents a city's staff put in, installed by `knowledge.library` (read-only)."""
    return _installed


def set_installed(documents: Mapping[str, Any]) -> None:
    """Only `knowledge.library.install` calls this (it then drops the caches built on it)."""
    global _installed
    _installed = MappingProxyType(dict(documents))


class UnknownJurisdiction(ValueError):
    """Raised for a jurisdiction that is none of the five; the message lists them."""


def _read_source(filename: str) -> str:
    return resources.files("knowledge").joinpath("sources", filename).read_text(encoding="utf-8")


@cache
def shipped_catalogue() -> tuple[Document, ...]:
    """Load and validate catalogue.yaml (the five shipped documents); a broken entry fails loudly."""
    text = resources.files("knowledge").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    docs = TypeAdapter(tuple[Document, ...]).validate_python(load_yaml(text))
    codes = [d.code for d in docs]
    if len(set(codes)) != len(codes):
        raise ValueError(f"catalogue.yaml: duplicate document codes in {codes}")
    return docs


@cache
def load_catalogue() -> tuple[Document, ...]:
    """Every document answered from: the shipped ones (a published version put in through the
    library replaces its shipped twin) and then the documents the cities' staff put in.
    A repealed document is not answered from (its successor is); it stays in the library."""
    added = installed_documents()
    docs = [added[d.code].document if d.code in added else d for d in shipped_catalogue()]
    shipped = {d.code for d in docs}
    docs.extend(a.document for code, a in added.items() if code not in shipped and a.answering)
    return tuple(d for d in docs if d.status != "repealed")


def documents() -> dict[str, Document]:
    return {d.code: d for d in load_catalogue()}


def current_code(code: str) -> str:
    """The code answering for a city now: a repealed document's successor (followed along a
    chain of replacements), so a family saved, a contact schedule or a registry row under the
    old code are answered by the document in force."""
    seen = {code}
    added = installed_documents()
    while code in added and added[code].document.status == "repealed" and added[code].document.successor:
        code = added[code].document.successor
        if code in seen:  # a loop in the data: stop rather than spin
            break
        seen.add(code)
    return code


def get_document(code: str) -> Document:
    return documents()[current_code(code)]


def source_sha256(doc: Document) -> str:
    """The sha256 of the shipped file (a test pins catalogue.yaml's hash to the bytes)."""
    data = resources.files("knowledge").joinpath("sources", doc.source_file).read_bytes()
    return hashlib.sha256(data).hexdigest()


def jurisdiction_choices() -> str:
    """The five jurisdictions as one line, for error messages."""
    return ", ".join(f"{d.code} ({d.name})" for d in load_catalogue())


def resolve_jurisdiction(value: str) -> str:
    """Map a code or Chinese name (开封, 开封市, kaifeng, KaiFeng) to the document code."""
    key = value.strip()
    lowered = key.lower()
    for d in load_catalogue():
        if lowered == d.code or key == d.name or key in d.aliases:
            return d.code
    if current_code(lowered) != lowered:  # a repealed document's code: its successor
        return current_code(lowered)
    raise UnknownJurisdiction(f"unknown jurisdiction {value!r}; choose one of: {jurisdiction_choices()}")
