"""Reading the phone page as a browser would post it: the signed state the page carries and
the choice id behind a button's label (tests post exactly what pressing it would)."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx


def state_of(page: str) -> str:
    """The signed conversation state the page carries (every form on it carries the same)."""
    found = re.findall(r'name="state" value="([^"]+)"', page)
    assert found, "the page carries no state"
    assert len(set(found)) == 1, "forms on one page carry different states"
    return found[0]


def choice_of(page: str, label: str, exact: bool = True) -> str:
    """The choice id of the button showing `label` (the first one, or the first containing it)."""
    for value, shown in re.findall(r'<button[^>]*name="choice" value="([^"]+)"[^>]*>([^<]*)</button>', page):
        shown = html.unescape(shown).strip()
        if shown == label or (not exact and label in shown):
            return html.unescape(value)
    raise AssertionError(f"no button {label!r} on the page")


def labels(page: str) -> list[str]:
    return [html.unescape(s).strip()
            for s in re.findall(r'<button[^>]*name="choice" value="[^"]+"[^>]*>([^<]*)</button>', page)]


def form_of(page: str, label: str, exact: bool = True) -> dict[str, str]:
    """What pressing the button showing `label` posts: its form's hidden fields and its choice."""
    choice = choice_of(page, label, exact)
    for form in re.findall(r"<form[^>]*>.*?</form>", page, re.S):
        if f'value="{html.escape(choice)}"' in form:
            hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
            return {**{k: html.unescape(v) for k, v in hidden.items()}, "choice": choice}
    raise AssertionError(f"the button {label!r} is in no form")


async def press(client: httpx.AsyncClient, page: str, label: str, path: str = "/check", exact: bool = True,
                **extra: Any) -> str:
    """Press the button showing `label`: post what its form carries (the page's state, the
    question shown on /ask) and the button's choice id, as a browser would."""
    data = form_of(page, label, exact)
    assert data["state"] == state_of(page)
    r = await client.post(path, data={**data, **extra})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["cache-control"] == "no-store"
    return r.text


def shown(page: str) -> str:
    """The page's main text (or a piece of a page), tags removed: what a reader sees."""
    main = page[page.index("<main>"):page.index("</main>")] if "<main>" in page else page
    return html.unescape(re.sub(r"<[^>]+>", "", main))
