"""The README and docs/: the README opens with the two fresh-machine commands (the test one is
what `.ci/run` runs), stays short, links every page in docs/, and nothing in them points at a
file, a heading, a subcommand or a benchmark that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]

RUN_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install . && python -m bot"
TEST_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)```", _text(README), re.S)
    assert [b.strip() for b in blocks[:2]] == [RUN_COMMAND, TEST_COMMAND]
    head = _text(README).split("## ", 1)[0]
    assert "Ctrl-D" in head and ".ci/run" in head and "ruff check ." in head and "mypy knowledge dialogs bot" in head


def test_ci_runs_the_readme_test_command():
    ci = _text(ROOT / ".ci" / "run")
    assert "python3 -m venv" in ci and "-m pip install --quiet -e '.[test]'" in ci and "-m pytest" in ci


def test_readme_is_short_and_links_every_docs_page():
    readme = _text(README)
    assert len(readme.splitlines()) <= 150
    for page in DOCS.glob("*.md"):
        assert f"(docs/{page.name})" in readme, f"README does not link docs/{page.name}"
    for needed in ("documents", "guide-families", "guide-contacts", "guide-staff", "guide-admins",
                   "operations", "api", "architecture"):
        assert (DOCS / f"{needed}.md").is_file()


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", _text(path), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, re.M)}


def test_every_link_and_anchor_resolves():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", _text(page)):
            if re.match(r"[a-z]+://", target):
                continue
            file, _, anchor = target.partition("#")
            dest = (page.parent / file).resolve() if file else page
            if not dest.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def test_commands_and_files_named_exist():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    commands = set(sub.choices)
    admin = next(a for a in sub.choices["admin"]._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = []
    for page in PAGES:
        text = _text(page)
        for name in re.findall(r"python -m bot ([a-z][\w-]*)", text):
            if name not in commands:
                missing.append(f"{page.name}: python -m bot {name}")
        for name in re.findall(r"(?:python -m bot |`)admin ([a-z][\w-]*)", text):
            if name not in admin.choices:
                missing.append(f"{page.name}: admin {name}")
        for path in re.findall(r"(?<![\w/.])((?:benchmarks|tools|tests|bot|dialogs|knowledge|deploy)/"
                               r"(?:[\w.-]+/)*(?:[\w.-]+\.(?:py|yaml|md|txt|conf|service|example|css|js)\b)?)", text):
            if not (ROOT / path).exists():
                missing.append(f"{page.name}: {path}")
    assert not missing, missing
