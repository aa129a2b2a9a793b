"""Documents put in at run time by a city's own staff, beside the five shipped ones (issue 26).

The knowledge package never reads the database (data flows transport -> dialogs ->
knowledge): the bot reads the documents and their published rule versions from storage and
*installs* them here. Installing drops every cache built from the catalogue, the clause tree,
the rules or the schedules, so the next search, rule lookup and interview see the new set.
A document with no published rules is searchable and answered as clauses only.

The same path carries the five shipped documents once their reviewed YAML has been imported
as published versions: a version published in the console replaces the shipped file's rules.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge import catalogue
from knowledge.catalogue import Document


@dataclass(frozen=True)
class LibraryDocument:
    """One document as the library holds it: its catalogue entry, its text, and its published
    rules and contact schedule (YAML in the reviewed schema), or None while under review."""

    document: Document
    text: str
    rules_yaml: str | None = None
    schedule_yaml: str | None = None
    version: int | None = None  # the published rule version answered from
    # False for a successor waiting to take over its city (rules not yet published, or not yet
    # in force): its text is known (to review its rules) but nothing is answered from it.
    answering: bool = True


_lock = threading.Lock()
_generation = 0



def installed() -> Mapping[str, LibraryDocument]:
    """The documents installed now, by code (read-only)."""
    return catalogue.installed_documents()


def generation() -> int:
    """Counts installs, so a process can tell its knowledge changed (cached views rebuild)."""
    return _generation


def install(documents: Iterable[LibraryDocument]) -> None:
    """Replace the installed documents and drop every cache derived from them.

    The new set is checked before anything changes: a document whose code repeats or whose
    text has no clause tree raises ValueError and the previous set stays installed."""
    global _generation
    docs: dict[str, LibraryDocument] = {}
    for d in documents:
        if d.document.code in docs:
            raise ValueError(f"library: document code {d.document.code!r} installed twice")
        docs[d.document.code] = d
    with _lock:
        previous = installed()
        catalogue.set_installed(docs)
        clear_caches(("knowledge.",))
        try:
            _check_installed()
        except Exception:
            catalogue.set_installed(previous)
            clear_caches(("knowledge.",))
            raise
        _generation += 1


def _check_installed() -> None:
    """Build the clause tree and parse every published rule set now, so a broken document
    fails the install instead of the next family's question."""
    from knowledge.catalogue import load_catalogue
    from knowledge.clauses import load_clauses
    from knowledge.rules_schema import load_rules

    load_clauses()
    answering = {d.code for d in load_catalogue()}  # a repealed document is not answered from
    for code, d in installed().items():
        if d.rules_yaml is not None and code in answering:
            load_rules(code)


def clear_caches(packages: tuple[str, ...]) -> None:
    """Drop the module-level caches (functools.cache / lru_cache) of every loaded module of
    these packages ("knowledge." here; the bot adds the layers above, which know of this one
    and not the reverse); they rebuild on next use."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(packages):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()
