"""Normalise user text before matching: traditional -> simplified, full-width -> ASCII.

Families type in traditional characters (Hong Kong / Taiwan relatives, some phones), with
full-width digits and stray spaces; the documents are simplified. Everything that is
matched goes through `normalize` so both sides meet in one form.
"""

from __future__ import annotations

import re
import unicodedata

import zhconv

_SPACE = re.compile(r"\s+")


def to_simplified(text: str) -> str:
    return zhconv.convert(text, "zh-cn")


def normalize(text: str) -> str:
    """Simplified characters, NFKC (full-width digits and letters), lower case, no spaces."""
    text = unicodedata.normalize("NFKC", to_simplified(text))
    return _SPACE.sub("", text).lower()

