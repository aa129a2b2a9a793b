"""The metadata catalogue of the five source documents, validated at load.

Every answer the bot gives cites a document; the catalogue is where the document number,
date and status (in force, or a draft for consultation) come from, so it is validated
strictly and the shipped source bytes are pinned by hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from knowledge.yaml_data import load_yaml

Status = Literal["in_force", "draft"]


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

    def raw_text(self) -> str:
        """The source exactly as shipped (for audit and for the cleaning step)."""
        return _read_source(self.source_file)


class UnknownJurisdiction(ValueError):
    """Raised for a jurisdiction that is none of the five; the message lists them."""


def _read_source(filename: str) -> str:
    return resources.files("knowledge").joinpath("sources", filename).read_text(encoding="utf-8")


@cache
def load_catalogue() -> tuple[Document, ...]:
    """Load and validate catalogue.yaml; a broken entry fails loudly."""
    text = resources.files("knowledge").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    docs = TypeAdapter(tuple[Document, ...]).validate_python(load_yaml(text))
    codes = [d.code for d in docs]
    if len(set(codes)) != len(codes):
        raise ValueError(f"catalogue.yaml: duplicate document codes in {codes}")
    return docs


def documents() -> dict[str, Document]:
    return {d.code: d for d in load_catalogue()}


def get_document(code: str) -> Document:
    return documents()[code]


def source_sha256(doc: Document) -> str:
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
    raise UnknownJurisdiction(f"unknown jurisdiction {value!r}; choose one of: {jurisdiction_choices()}")
