"""Reading the reviewed YAML data files fast: libyaml's parser when PyYAML has it (ten times
faster; the same safe constructors, so the same values), the pure-Python one otherwise.
Every question of a cold `python -m bot ask` reads the lexicon, the catalogue and the
gazetteer first, and parsing them was a quarter of its time."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose_yaml(text: str) -> Any:
    """The node tree (with line numbers, for error messages), parsed the fast way too."""
    return yaml.compose(text, Loader=_LOADER)


def load_yaml(text: str) -> Any:
    """Like `yaml.safe_load`: plain data, no arbitrary objects."""
    return yaml.load(text, Loader=_LOADER)


def dump_yaml(data: Any) -> str:
    """A rules or schedule file as reviewers read it: Chinese as written, keys in their order,
    long quotes on one line."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
