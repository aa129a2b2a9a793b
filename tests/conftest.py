from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


def load_questions(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


# --- PostgreSQL beside SQLite (issue 27) ------------------------------------------------------
# One throwaway server for the whole session (tests/pg.py); each test that asks for
# `db_location` runs twice, on a fresh SQLite file and on a fresh PostgreSQL database.
# PostgreSQL is required, locally and in CI: no server is an error with one line, never a skip.

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    from tests.pg import NoPostgres, start_server

    try:
        server = start_server()
    except NoPostgres as exc:
        pytest.fail(f"PostgreSQL is required for these tests and could not start: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty PostgreSQL database."""
    return pg_server.url()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_db(request, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Makes fresh, empty database locations of the backend under test: SQLite files, then
    PostgreSQL databases (each test runs once on each)."""
    made = []

    def make() -> Path | str:
        if request.param == "postgresql":
            location: Path | str = request.getfixturevalue("pg_server").url()
        else:
            location = tmp_path / f"db{len(made)}.sqlite3"
        made.append(location)
        return location

    make.backend = request.param  # type: ignore[attr-defined]
    return make


@pytest.fixture
def db_location(new_db) -> Path | str:  # type: ignore[no-untyped-def]
    """Where a storage test's database lives: a SQLite file, then a PostgreSQL database."""
    return new_db()
