"""The storage findings of the attack run (issue 13), each as a user or operator would notice it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.reminders.delivery import tick
from bot.storage import Storage, StorageError, restore
from bot.storage.users import INVITE_VALID
from tests.bot.test_reminders import FakeSender, at, registry


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files would be world-readable
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- 3: recovery after kill -9 during a late batch ---------------------------------------------

class DiesBeforeTelegram(FakeSender):
    """The process dies with the request not yet out: the in-flight reminder never arrived."""

    async def reminder(self, chat_id: int, reminder, late: bool, again: bool) -> None:  # type: ignore[no-untyped-def]
        if self.crash_after is not None and len(self.sent) + 1 >= self.crash_after:
            raise KeyboardInterrupt
        await super().reminder(chat_id, reminder, late, again)


@pytest.mark.parametrize("sender_class", [FakeSender, DiesBeforeTelegram])
async def test_a_crash_during_a_late_batch_neither_repeats_nor_loses(tmp_path: Path, sender_class: type) -> None:
    path = tmp_path / "r.sqlite3"
    s = await registry(path, families=10)
    sender = sender_class()
    sender.crash_after = 3
    back = at("2027-02-06", 10)  # a week of downtime: every reminder goes out late
    with pytest.raises(KeyboardInterrupt):
        await tick(s, sender, back)
    await s.close()
    s = await Storage.open(path)  # restart
    assert await s.reminders.recover_after_crash(back + dt.timedelta(seconds=1)) == 1
    sender.crash_after = None
    for later in (2, 60, 3600, 24 * 3600):  # the rounds after the restart, up to a day later
        await tick(s, sender, back + dt.timedelta(seconds=later))
    ids = [r.id for _, r, _, _ in sender.sent]
    assert len(ids) == len(set(ids))  # nothing twice
    everything = await s.reminders.all()
    assert len(everything) >= 10 and all(r.status == "sent" for r in everything)  # none left behind
    in_flight = {r.id for r in everything} - set(ids)
    assert len(in_flight) == (1 if sender_class is DiesBeforeTelegram else 0)
    # the one whose fate is unknown is re-reminded once the grace period has passed: not lost
    await tick(s, sender, back + dt.timedelta(hours=49))
    again = [r.id for _, r, _, again in sender.sent if again]
    assert in_flight <= set(again)
    await s.close()


# --- 5: restore -------------------------------------------------------------------------------------

async def _database_with_users(path: Path, users: int) -> Storage:
    s = await Storage.open(path)
    for uid in range(1, users + 1):
        await s.users.ensure(uid)
    return s


async def test_restore_after_a_crash_keeps_what_was_only_in_the_wal(tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    live = tmp_path / "live.sqlite3"
    s = await _database_with_users(live, 2)
    await s.ops.backup(backup)
    for uid in range(3, 42):
        await s.users.ensure(uid)
    crashed = tmp_path / "crashed"  # the files as kill -9 leaves them: the newest rows only in -wal
    crashed.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{live}{suffix}", crashed / f"live.sqlite3{suffix}")
    await s.close()
    assert (crashed / "live.sqlite3-wal").stat().st_size > 0
    kept = restore(backup, crashed / "live.sqlite3")
    assert kept is not None
    con = sqlite3.connect(kept)
    assert con.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 41  # nothing lost
    con.close()
    restored = await Storage.open(crashed / "live.sqlite3", create=False)
    assert (await restored.ops.status())["users"] == 2
    await restored.close()


async def test_restore_is_refused_while_the_bot_holds_the_database(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    s = await _database_with_users(live, 1)
    await s.ops.backup(tmp_path / "b.sqlite3")
    await s.close()
    running = await Storage.open(live, hold_lock=True)  # as the bot opens it; no reminder round yet
    await running.users.ensure(99)
    with pytest.raises(StorageError, match="the bot is running"):
        restore(tmp_path / "b.sqlite3", live)
    assert await running.users.get(99) is not None
    await running.close()
    assert restore(tmp_path / "b.sqlite3", live) is not None  # stopped: allowed


def test_restore_refuses_an_empty_or_foreign_file(tmp_path: Path) -> None:
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    with pytest.raises(StorageError, match="empty"):
        restore(tmp_path / "empty.sqlite3", tmp_path / "live.sqlite3")
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE moz_places (id INTEGER, url TEXT)")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="not a Lianxin database"):
        restore(foreign, tmp_path / "live.sqlite3")
    assert not (tmp_path / "live.sqlite3").exists()


async def test_restore_from_a_folder_with_a_hash_in_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "backups#2027"
    folder.mkdir()
    (tmp_path / "backups").write_bytes(b"")  # what the part before '#' would name
    s = await _database_with_users(tmp_path / "live.sqlite3", 3)
    await s.ops.backup(folder / "b.sqlite3")
    await s.close()
    restore(folder / "b.sqlite3", tmp_path / "new.sqlite3")
    restored = await Storage.open(tmp_path / "new.sqlite3", create=False)
    assert (await restored.ops.status())["users"] == 3
    await restored.close()


# --- 6: an unusable database ----------------------------------------------------------------------

async def test_a_foreign_or_junk_database_is_refused_with_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 500)
    with pytest.raises(StorageError, match="not a usable SQLite file") as exc:
        await Storage.open(junk)
    assert "\n" not in str(exc.value)
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE orders (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="another program"):
        await Storage.open(foreign)
    con = sqlite3.connect(foreign)  # and nothing of ours was written into it
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["orders"]
    con.close()


# --- 7: long imports in chunks ----------------------------------------------------------------------

async def test_a_long_import_lets_the_bot_write_in_between(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite3"
    importer = await Storage.open(path)
    bot = await Storage.open(path)  # the running bot's own connection
    rows = [{"alias": f"家庭{i}", "jurisdiction": "kaifeng", "township": "", "village": "", "contact_note": "",
             "old_sick": 0, "lives_alone": 0} for i in range(20_000)]
    task = asyncio.create_task(importer.registry.import_families(rows))
    while not (await bot.ops.status())["families"]:
        await asyncio.sleep(0.01)
    await bot.users.ensure(7)  # a family taps a button while the import runs
    assert not task.done() and (await bot.ops.status())["families"] < 20_000
    assert await task == 20_000
    assert (await bot.ops.status())["families"] == 20_000
    await bot.close()
    await importer.close()


async def test_an_import_that_fails_half_way_leaves_nothing(tmp_path: Path) -> None:
    s = await Storage.open(tmp_path / "i.sqlite3")
    rows = [{"alias": f"家庭{i}", "jurisdiction": "kaifeng", "township": "", "village": "", "contact_note": "",
             "old_sick": 0, "lives_alone": 0} for i in range(2500)]
    rows.append(dict(rows[0]))  # the same (jurisdiction, alias) twice: the last chunk fails
    with pytest.raises(sqlite3.IntegrityError):
        await s.registry.import_families(rows)
    assert (await s.ops.status())["families"] == 0
    await s.close()


# --- 9: invites expire ----------------------------------------------------------------------------

async def test_an_invite_code_expires(tmp_path: Path) -> None:
    s = await Storage.open(tmp_path / "i.sqlite3")
    old = await s.users.create_invite("staff", 900)
    later = dt.datetime.now(dt.UTC) + INVITE_VALID + dt.timedelta(hours=1)
    assert await s.users.redeem_invite(old, 5, now=later) is None
    assert await s.users.redeem_invite(old, 5) == "staff"
    assert await s.users.redeem_invite(old, 6) is None  # single use
    await s.close()


# --- 12: files 0600 -------------------------------------------------------------------------------

async def test_database_and_backup_files_are_private(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "new" / "db.sqlite3"
    s = await Storage.open(path)
    await s.users.ensure(1)
    assert mode(path) == 0o600 and mode(Path(f"{path}-wal")) == 0o600
    await s.ops.backup(tmp_path / "b" / "copy.sqlite3")  # written as .partial, then renamed
    assert mode(tmp_path / "b" / "copy.sqlite3") == 0o600
    await s.close()
    old = tmp_path / "old.sqlite3"  # made world-readable by an earlier version
    sqlite3.connect(old).close()
    os.chmod(old, 0o644)
    s = await Storage.open(old)
    assert mode(old) == 0o600
    await s.close()


# --- 15: /forget leaves nothing readable ------------------------------------------------------------

async def test_forget_leaves_no_copy_in_the_wal_and_no_audit_rows_of_the_user(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    s = await Storage.open(path)
    marker = "zz-our-son-wei-zz"
    await s.users.set_consent(5, True)
    for _ in range(7):
        await s.conversations.save(5, "check", "tok", {"note": marker})
        await s.conversations.save_profile(5, "kaifeng", {"note": marker}, marker)
    code = await s.users.create_invite("volunteer", 900)
    assert await s.users.redeem_invite(code, 5) == "volunteer"
    await s.audit.record(5, "refused_command", None, "/family")
    await s.users.set_consent(8, True)
    await s.users.set_role(8, "staff")
    await s.conversations.read_profile(5, reader=8)  # staff 8 reads family 5: audited

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())

    assert marker.encode() in on_disk()
    await s.users.forget(5)
    assert marker.encode() not in on_disk()
    assert await s.users.rows_about(5) == 0
    entries = await s.audit.entries(50)
    assert not [e for e in entries if e["actor"] == 5]
    assert [e["action"] for e in entries if e["actor"] == 8] == ["read_family_record"]  # kept, pointing nowhere
    assert all(e["subject"] is None for e in entries if e["actor"] == 8)
    await s.users.forget(8)  # a staff member's reads of other families stay accountable
    assert [e["action"] for e in await s.audit.entries(50) if e["actor"] == 8] == ["read_family_record"]
    await s.close()


async def test_withdrawn_consent_and_retention_leave_no_copy_in_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    s = await Storage.open(path)
    marker = "zz-withdrawn-zz"
    await s.users.set_consent(5, True)
    await s.conversations.save_profile(5, "kaifeng", {"note": marker}, "")
    await s.users.set_consent(5, False)
    data = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert marker.encode() not in data
    assert json.dumps({"note": marker}).encode() not in data
    await s.close()
