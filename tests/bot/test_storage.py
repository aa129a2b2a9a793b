"""SQLite storage: migrations, consent, forgetting, invites, audit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import SCHEMA_VERSION, Location, Storage


async def test_a_new_file_is_created_with_its_folder_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "db.sqlite3"
    s = await Storage.open(path)
    assert await s.schema_version() == SCHEMA_VERSION
    assert await s.migrate() == []  # idempotent
    await s.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "dialogs", "profiles", "invites", "audit_log"} <= tables


async def test_state_survives_reopening(db_location: Location) -> None:
    path = db_location
    s = await Storage.open(path)
    await s.users.set_jurisdiction(1, "linyi")
    await s.users.set_consent(1, True)
    await s.conversations.save(1, "check", "abc123", {"steps": [1]}, chat_id=1, message_id=42)
    await s.close()
    s = await Storage.open(path)
    user = await s.users.get(1)
    dialog = await s.conversations.load(1)
    assert user is not None and (user.jurisdiction, user.consent) == ("linyi", True)
    assert dialog is not None and (dialog.token, dialog.message_id, dialog.state) == ("abc123", 42, {"steps": [1]})
    await s.close()


async def test_answers_are_kept_only_with_consent_and_withdrawing_deletes_them(db_location: Location) -> None:
    s = await Storage.open(db_location)
    await s.users.ensure(5)
    assert not await s.conversations.save_profile(5, "kaifeng", {"child_status": "deceased"}, "x")
    await s.users.set_consent(5, True)
    assert await s.conversations.save_profile(5, "kaifeng", {"child_status": "deceased"}, "x")
    assert (await s.conversations.read_profile(5, reader=5))["answers"] == {"child_status": "deceased"}  # type: ignore[index]
    await s.users.set_consent(5, False)
    assert await s.conversations.read_profile(5, reader=5) is None
    await s.close()


async def test_staff_reads_are_audited_and_forget_leaves_nothing(db_location: Location) -> None:
    s = await Storage.open(db_location)
    await s.users.set_consent(5, True)
    await s.conversations.save_profile(5, "kaifeng", {"hukou": "both"}, "summary")
    await s.conversations.save(5, "check", "t", {})
    await s.conversations.read_profile(5, reader=77)
    await s.conversations.read_profile(5, reader=5)  # the family reading its own record is not audited
    entries = await s.audit.entries()
    assert [(e["actor"], e["action"], e["subject"]) for e in entries] == [(77, "read_family_record", 5)]
    assert await s.users.rows_about(5) > 0
    await s.users.forget(5)
    assert await s.users.rows_about(5) == 0
    assert [(e["actor"], e["subject"], e["detail"]) for e in await s.audit.entries()] == [(77, None, "forgotten")]
    await s.close()


async def test_an_invite_works_once(db_location: Location) -> None:
    s = await Storage.open(db_location)
    code = await s.users.create_invite("volunteer", created_by=1)
    assert len(code.encode()) <= 16
    assert await s.users.redeem_invite(code, 2) == "volunteer"
    assert (await s.users.get(2)).role == "volunteer"  # type: ignore[union-attr]
    assert await s.users.redeem_invite(code, 3) is None
    assert await s.users.redeem_invite("nonsense", 3) is None
    await s.close()
