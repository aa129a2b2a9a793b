from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


def load_questions(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
