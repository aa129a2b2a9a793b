"""`pip install .` (the Dockerfile, the systemd install) must ship the pages' templates and
static files, not only the Python modules: a wheel without them serves 500s."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_every_template_and_static_file(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    names = set(zipfile.ZipFile(next(tmp_path.glob("lianxin-*.whl"))).namelist())
    web = ROOT / "bot" / "web"
    expected = {p.relative_to(ROOT).as_posix() for folder in ("templates", "static") for p in (web / folder).rglob("*")
                if p.is_file()}
    assert {"bot/web/templates/check.html", "bot/web/static/app.css", "bot/web/static/desk.js"} <= expected
    assert expected <= names
    assert "dialogs/web_copy.py" in names
