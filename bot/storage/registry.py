"""The care registry: families, contacts, who is assigned to whom, and the visit log.

Contacts see only the families assigned to them; imports are all-or-nothing, written in
chunks so a 150,000-row file never holds the write lock for long while the bot runs."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Database, now_iso
from bot.storage.records import Assignment

IMPORT_CHUNK = 1000  # rows per transaction: a few milliseconds of holding the write lock
IMPORT_PAUSE = 0.05  # seconds between chunks, so the bot's writes get their turn
FAMILY_FIELDS = ("alias", "jurisdiction", "township", "village", "contact_note", "old_sick", "lives_alone",
                 "telegram_id")
CONTACT_FIELDS = ("name", "role", "township", "telegram_id", "wecom_user_id")
# a contact has opened the bot once they wrote to it (now or before they were registered)
_OPENED = ("(c.telegram_id IS NOT NULL AND (c.opened_at IS NOT NULL"
           " OR EXISTS (SELECT 1 FROM users u WHERE u.user_id = c.telegram_id)))")


@dataclass
class Reach:
    """Whether reminders can reach a set of contacts, for the admin after an import or assignment."""

    total: int = 0
    reachable: int = 0
    not_opened: int = 0  # has a Telegram id but never opened the bot: Telegram refuses the message
    blocked: int = 0  # blocked the bot (cleared as soon as they write again)
    no_telegram: int = 0  # neither a Telegram id nor a WeCom user id


class Registry:
    def __init__(self, db: Database) -> None:
        self._db = db
        # held from the check to the write of a new or edited family or contact (the CSV's
        # checks run on what is stored), so a double-clicked 保存 adds one, the other is told
        self.checking = asyncio.Lock()

    # --- families and contacts -------------------------------------------------------------

    async def add_family(self, alias: str, jurisdiction: str, township: str = "", village: str = "",
                         contact_note: str = "", old_sick: bool = False, lives_alone: bool = False,
                         telegram_id: int | None = None) -> int:
        written = await self._db.write(
            "INSERT INTO care_families (alias, jurisdiction, township, village, contact_note, old_sick, lives_alone,"
            " telegram_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (alias, jurisdiction, township, village, contact_note, int(old_sick), int(lives_alone), telegram_id,
             now_iso()))
        return written.lastrowid

    async def add_contact(self, name: str, role: str, township: str = "", telegram_id: int | None = None,
                          supervisor_id: int | None = None, wecom_user_id: str | None = None) -> int:
        written = await self._db.write(
            "INSERT INTO care_contacts (name, role, township, telegram_id, supervisor_id, wecom_user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (name, role, township, telegram_id, supervisor_id, wecom_user_id,
                                              now_iso()))
        return written.lastrowid

    async def import_families(self, rows: Sequence[dict[str, Any]]) -> int:
        return await self._import("care_families", FAMILY_FIELDS, rows)

    async def import_contacts(self, rows: Sequence[dict[str, Any]]) -> int:
        return await self._import("care_contacts", CONTACT_FIELDS, rows)

    async def _import(self, table: str, fields: tuple[str, ...], rows: Sequence[dict[str, Any]]) -> int:
        """All rows or none, in chunks: if a chunk fails, the chunks already written are removed.
        A row without an optional column (telegram_id) stores NULL there instead of raising."""
        if not rows:
            return 0
        stamp = now_iso()
        first_id = int(await self._db.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}") or 0)
        sql = f"INSERT INTO {table} ({', '.join(fields)}, created_at) VALUES ({', '.join('?' * (len(fields) + 1))})"
        try:
            for start in range(0, len(rows), IMPORT_CHUNK):
                if start:
                    await asyncio.sleep(IMPORT_PAUSE)
                async with self._db.transaction() as tx:
                    await tx.executemany(sql, [(*(row.get(f) for f in fields), stamp)
                                               for row in rows[start:start + IMPORT_CHUNK]])
        except BaseException:
            await self._db.write(f"DELETE FROM {table} WHERE id > ? AND created_at = ?", (first_id, stamp))
            raise
        return len(rows)

    async def family(self, family_id: int) -> dict[str, Any] | None:
        """One family's registry fields and `version` (what the console's edit form shows)."""
        row = await self._db.one(f"SELECT id, {', '.join(FAMILY_FIELDS)}, version FROM care_families WHERE id = ?",
                                 (family_id,))
        return dict(row) if row is not None else None

    async def update_family(self, family_id: int, fields: dict[str, Any], version: int | None = None) -> bool:
        """Replace a family's registry fields (checked by `check_family_row` first) and raise its
        version. With `version`, only if the stored one is still that (the edit started from
        it): False when another save came first, or the family is gone."""
        written = await self._db.write(
            f"UPDATE care_families SET {', '.join(f'{f} = ?' for f in FAMILY_FIELDS)}, version = version + 1"
            " WHERE id = ? AND (? IS NULL OR version = ?)",
            (*(fields.get(f) for f in FAMILY_FIELDS), family_id, version, version))
        return written.rowcount == 1

    async def contact(self, contact_id: int) -> dict[str, Any] | None:
        row = await self._db.one(f"SELECT id, {', '.join(CONTACT_FIELDS)} FROM care_contacts WHERE id = ?",
                                 (contact_id,))
        return dict(row) if row is not None else None

    async def update_contact(self, contact_id: int, fields: dict[str, Any]) -> bool:
        """Replace a contact's name, role, township, Telegram id and WeCom user id (checked by
        `check_contact_row`); a new Telegram id has not opened the bot yet, as far as anyone
        knows, and a new address of either kind is not known to be blocked."""
        async with self._db.transaction() as tx:
            old = await tx.one("SELECT telegram_id, wecom_user_id FROM care_contacts WHERE id = ?", (contact_id,))
            if old is None:
                return False
            await tx.execute(f"UPDATE care_contacts SET {', '.join(f'{f} = ?' for f in CONTACT_FIELDS)} WHERE id = ?",
                             (*(fields.get(f) for f in CONTACT_FIELDS), contact_id))
            if old[0] != fields.get("telegram_id"):
                await tx.execute("UPDATE care_contacts SET opened_at = NULL, blocked = 0 WHERE id = ?", (contact_id,))
            elif old[1] != fields.get("wecom_user_id"):
                await tx.execute("UPDATE care_contacts SET blocked = 0 WHERE id = ?", (contact_id,))
        return True

    async def set_contact_wecom(self, contact_id: int, wecom_user_id: str | None) -> bool:
        """Bind a contact to a WeCom user id (None: unbind); a new binding is not known to be
        blocked. False when the contact is unknown. The caller checked the id is free."""
        written = await self._db.write(
            "UPDATE care_contacts SET wecom_user_id = ?, blocked = CASE WHEN wecom_user_id IS NOT DISTINCT FROM"
            " CAST(? AS TEXT) THEN blocked ELSE 0 END WHERE id = ?", (wecom_user_id, wecom_user_id, contact_id))
        return written.rowcount == 1

    async def wecom_ids(self) -> dict[str, int]:
        """Every bound WeCom user id, lower-cased (WeCom compares them without case) -> its contact."""
        rows = await self._db.all("SELECT wecom_user_id, id FROM care_contacts WHERE wecom_user_id IS NOT NULL")
        return {str(r[0]).lower(): int(r[1]) for r in rows}

    async def contact_by_wecom(self, wecom_user_id: str) -> tuple[int, str] | None:
        """The active contact bound to this WeCom user id (as WeCom sends it back, any case)."""
        row = await self._db.one("SELECT id, name FROM care_contacts WHERE lower(wecom_user_id) = lower(?)"
                                 " AND active = 1", (wecom_user_id,))
        return (int(row[0]), str(row[1])) if row else None

    async def contact_wecom(self, contact_id: int) -> str | None:
        """The contact's WeCom user id, unless WeCom said it cannot reach them (like `contact_telegram`)."""
        value = await self._db.scalar("SELECT wecom_user_id FROM care_contacts WHERE id = ? AND blocked = 0",
                                      (contact_id,))
        return str(value) if value is not None else None

    async def family_exists(self, family_id: int) -> bool:
        return await self._db.one("SELECT 1 FROM care_families WHERE id = ?", (family_id,)) is not None

    async def contact_exists(self, contact_id: int) -> bool:
        return await self._db.one("SELECT 1 FROM care_contacts WHERE id = ?", (contact_id,)) is not None

    async def family_id(self, jurisdiction: str, alias: str) -> int | None:
        value = await self._db.scalar("SELECT id FROM care_families WHERE jurisdiction = ? AND alias = ?",
                                      (jurisdiction, alias))
        return int(value) if value is not None else None

    async def family_keys(self) -> set[tuple[str, str]]:
        return {(r[0], r[1]) for r in await self._db.all("SELECT jurisdiction, alias FROM care_families")}

    async def telegram_ids(self) -> set[int]:
        rows = await self._db.all("SELECT telegram_id FROM care_contacts WHERE telegram_id IS NOT NULL")
        return {int(r[0]) for r in rows}

    async def family_telegram_ids(self) -> set[int]:
        rows = await self._db.all("SELECT telegram_id FROM care_families WHERE telegram_id IS NOT NULL")
        return {int(r[0]) for r in rows}

    async def family_of_telegram(self, telegram_id: int) -> int | None:
        """The active registry family whose own Telegram account this is, if it has a contact
        who can come by (the office links them; see the families CSV)."""
        value = await self._db.scalar(
            "SELECT f.id FROM care_families f WHERE f.telegram_id = ? AND f.active = 1 AND EXISTS"
            " (SELECT 1 FROM care_assignments a JOIN care_contacts c ON c.id = a.contact_id"
            "  WHERE a.family_id = f.id AND c.active = 1)", (telegram_id,))
        return int(value) if value is not None else None


    async def contact_keys(self) -> set[tuple[str, str, str]]:
        """(name, role, township) of contacts without a Telegram id or WeCom user id: how a re-import
        is recognised."""
        rows = await self._db.all("SELECT name, role, township FROM care_contacts WHERE telegram_id IS NULL"
                                  " AND wecom_user_id IS NULL")
        return {(r[0], r[1], r[2]) for r in rows}

    async def list_families(self) -> list[dict[str, Any]]:
        joined = ("string_agg(CAST(a.contact_id AS TEXT), ',')" if self._db.dialect == "postgresql"
                  else "GROUP_CONCAT(a.contact_id)")
        sql = ("SELECT f.id, f.alias, f.jurisdiction, f.township, f.village, f.old_sick, f.lives_alone,"
               f" {joined} AS contacts FROM care_families f"
               " LEFT JOIN care_assignments a ON a.family_id = f.id GROUP BY f.id ORDER BY f.id")
        return [dict(r) for r in await self._db.all(sql)]

    async def list_contacts(self) -> list[dict[str, Any]]:
        """Every contact with `opened` (has ever written to the bot, so Telegram lets it write back)."""
        sql = (f"SELECT c.id, c.name, c.role, c.township, c.telegram_id, c.wecom_user_id, c.supervisor_id,"
               f" c.blocked, c.active, {_OPENED} AS opened FROM care_contacts c ORDER BY c.id")
        return [dict(r) for r in await self._db.all(sql)]

    async def reach(self, contact_ids: Sequence[int] | None = None) -> Reach:
        """How many of these contacts (default: all active ones) a reminder can reach today.
        A bot may only write to someone who has opened it: a contact imported with a Telegram
        id who never pressed Start is not reachable yet."""
        rows = await self.list_contacts()
        if contact_ids is not None:
            wanted = set(contact_ids)
            rows = [r for r in rows if r["id"] in wanted]
        reach = Reach()
        for r in rows:
            if not r["active"]:
                continue
            reach.total += 1
            if r["wecom_user_id"] is not None:  # WeCom writes to any member in the app's range
                if r["blocked"]:
                    reach.blocked += 1
                else:
                    reach.reachable += 1
            elif r["telegram_id"] is None:
                reach.no_telegram += 1
            elif r["blocked"]:
                reach.blocked += 1
            elif not r["opened"]:
                reach.not_opened += 1
            else:
                reach.reachable += 1
        return reach

    async def contact_seen(self, telegram_id: int) -> bool:
        """Any update from a contact proves Telegram lets the bot write to them again: clear
        'blocked' and note that they have opened the bot. True when something changed."""
        found = await self._db.one("SELECT 1 FROM care_contacts WHERE telegram_id = ?"
                                   " AND (blocked = 1 OR opened_at IS NULL)", (telegram_id,))
        if found is None:
            return False
        async with self._db.transaction() as tx:
            written = await tx.execute(
                "UPDATE care_contacts SET blocked = 0, opened_at = COALESCE(opened_at, ?) WHERE telegram_id = ?"
                " AND (blocked = 1 OR opened_at IS NULL)", (now_iso(), telegram_id))
            # what Telegram refused while they could not be reached goes out at the next round
            # (its send time is already past), as a first send and not as "late because the bot
            # was down" (postponed = 1: it comes back as a normal reminder)
            await tx.execute(
                "UPDATE care_reminders SET status = 'pending', undeliverable = 0, sent_count = 0, postponed = 1"
                " WHERE undeliverable = 1 AND status IN ('sent', 'escalated')"
                " AND contact_id IN (SELECT id FROM care_contacts WHERE telegram_id = ?)", (telegram_id,))
        return written.rowcount > 0

    async def contact_ids_of_families(self, family_ids: Sequence[int]) -> list[int]:
        marks = ", ".join("?" * len(family_ids))
        rows = await self._db.all(f"SELECT DISTINCT contact_id FROM care_assignments WHERE family_id IN ({marks})",
                                  tuple(family_ids))
        return [int(r[0]) for r in rows]

    async def family_contact_roles(self) -> dict[int, tuple[str, str, str, set[str], int]]:
        """family id -> (alias, jurisdiction, village, roles of its active contacts, how many)."""
        rows = await self._db.all(
            "SELECT f.id, f.alias, f.jurisdiction, f.village, c.role FROM care_families f"
            " LEFT JOIN care_assignments a ON a.family_id = f.id"
            " LEFT JOIN care_contacts c ON c.id = a.contact_id AND c.active = 1 WHERE f.active = 1 ORDER BY f.id")
        out: dict[int, tuple[str, str, str, set[str], int]] = {}
        for r in rows:
            alias, code, village, roles, count = out.get(int(r[0]), (r[1], r[2], r[3] or "", set(), 0))
            if r[4] is not None:
                roles.add(r[4])
                count += 1
            out[int(r[0])] = (alias, code, village, roles, count)
        return out

    async def contact_role(self, contact_id: int) -> str | None:
        value = await self._db.scalar("SELECT role FROM care_contacts WHERE id = ?", (contact_id,))
        return str(value) if value is not None else None

    async def set_supervisor(self, contact_id: int, supervisor_id: int) -> None:
        await self._db.write("UPDATE care_contacts SET supervisor_id = ? WHERE id = ?", (supervisor_id, contact_id))

    async def deactivate_contact(self, contact_id: int) -> bool:
        """A contact who left: kept for the record; their reminders now escalate. False if unknown."""
        written = await self._db.write("UPDATE care_contacts SET active = 0 WHERE id = ?", (contact_id,))
        return written.rowcount == 1

    async def contact_by_telegram(self, telegram_id: int) -> tuple[int, str] | None:
        row = await self._db.one("SELECT id, name FROM care_contacts WHERE telegram_id = ? AND active = 1",
                                 (telegram_id,))
        return (int(row[0]), str(row[1])) if row else None

    async def contact_telegram(self, contact_id: int) -> int | None:
        value = await self._db.scalar("SELECT telegram_id FROM care_contacts WHERE id = ? AND blocked = 0",
                                      (contact_id,))
        return int(value) if value is not None else None

    async def set_contact_blocked(self, contact_id: int) -> None:
        await self._db.write("UPDATE care_contacts SET blocked = 1 WHERE id = ?", (contact_id,))

    # --- assignments -------------------------------------------------------------------------

    async def assign(self, family_id: int, contact_id: int, since: dt.date) -> tuple[int, bool]:
        """(position, newly assigned). An existing pair keeps its position and date."""
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT position FROM care_assignments WHERE family_id = ? AND contact_id = ?",
                               (family_id, contact_id))
            if row is not None:
                return int(row[0]), False
            row = await tx.one("SELECT COALESCE(MAX(position), 0) + 1 FROM care_assignments WHERE family_id = ?",
                               (family_id,))
            position = int(row[0]) if row else 1
            await tx.execute("INSERT INTO care_assignments (family_id, contact_id, position, since)"
                             " VALUES (?, ?, ?, ?)", (family_id, contact_id, position, since.isoformat()))
        return position, True

    async def unassign(self, family_id: int, contact_id: int) -> int | None:
        """Take a contact off a family: the assignment goes, and so do their reminders for it
        that are not done (nobody is nagged about a family no longer theirs); the contacts
        after them move up one place, so the family keeps a first contact. None when the
        contact was not assigned to the family; otherwise how many reminders were cancelled."""
        async with self._db.transaction() as tx:
            row = await tx.one("DELETE FROM care_assignments WHERE family_id = ? AND contact_id = ? RETURNING position",
                               (family_id, contact_id))
            if row is None:
                return None
            await tx.execute("UPDATE care_assignments SET position = position - 1 WHERE family_id = ? AND position > ?",
                             (family_id, int(row[0])))
            cancelled = await tx.execute("DELETE FROM care_reminders WHERE family_id = ? AND contact_id = ?"
                                         " AND status != 'done'", (family_id, contact_id))
        return int(cancelled.rowcount)

    async def assignments(self, family_id: int | None = None) -> list[Assignment]:
        """Every assignment, or one family's (planned at once when it is assigned)."""
        # contacts who left stay in the plan: their reminders escalate, so no family falls silent
        sql = ("SELECT f.id AS family_id, f.alias, f.jurisdiction, f.old_sick, c.id AS contact_id,"
               " c.role AS contact_role, a.position, a.since"
               " FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
               " JOIN care_contacts c ON c.id = a.contact_id WHERE f.active = 1")
        if family_id is not None:
            return [Assignment.from_row(r) for r in await self._db.all(sql + " AND f.id = ?", (family_id,))]
        return [Assignment.from_row(r) for r in await self._db.all(sql)]

    async def assignment_rows(self) -> list[tuple[int, str, int, int, str, int, str]]:
        """Every assignment as plain tuples (family, jurisdiction, old_sick, contact, role,
        position, since): what planning needs for 300,000 rows without building objects."""
        sql = ("SELECT a.family_id, f.jurisdiction, f.old_sick, a.contact_id, c.role, a.position, a.since"
               " FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
               " JOIN care_contacts c ON c.id = a.contact_id WHERE f.active = 1 ORDER BY a.family_id")
        return [tuple(r) for r in await self._db.all(sql)]

    async def next_position(self, family_id: int, contact_id: int) -> tuple[int, bool]:
        """(position, already assigned): where this contact stands or would stand for the family."""
        row = await self._db.one("SELECT position FROM care_assignments WHERE family_id = ? AND contact_id = ?",
                                 (family_id, contact_id))
        if row is not None:
            return int(row[0]), True
        value = await self._db.scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM care_assignments"
                                      " WHERE family_id = ?", (family_id,))
        return int(value), False

    async def max_contact_id(self) -> int:
        return int(await self._db.scalar("SELECT COALESCE(MAX(id), 0) FROM care_contacts") or 0)

    async def contact_ids_after(self, after_id: int) -> list[int]:
        return [int(r[0]) for r in await self._db.all("SELECT id FROM care_contacts WHERE id > ?", (after_id,))]

    async def my_families(self, contact_id: int) -> list[dict[str, Any]]:
        """The contact's families with village, last visit (any kind) and next open reminder."""
        sql = ("SELECT f.id, f.alias, f.village, f.township,"
               " (SELECT MAX(v.day) FROM care_visits v WHERE v.family_id = f.id) AS last_visit,"
               " (SELECT MIN(r.due_date) FROM care_reminders r WHERE r.family_id = f.id AND r.contact_id = a.contact_id"
               "  AND r.status != 'done') AS next_due"
               " FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
               " WHERE a.contact_id = ? AND f.active = 1 ORDER BY f.alias")
        return [dict(r) for r in await self._db.all(sql, (contact_id,))]

    async def team(self, supervisor_contact_id: int) -> list[int]:
        """Contacts who report to this one."""
        rows = await self._db.all("SELECT id FROM care_contacts WHERE supervisor_id = ?", (supervisor_contact_id,))
        return [int(r[0]) for r in rows]

    async def families_of(self, contact_id: int) -> list[tuple[int, str]]:
        sql = ("SELECT f.id, f.alias FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
               " WHERE a.contact_id = ? AND f.active = 1 ORDER BY f.alias")
        return [(int(r[0]), str(r[1])) for r in await self._db.all(sql, (contact_id,))]

    # --- a family's record and visits ---------------------------------------------------------

    async def save_family_record(self, family_id: int, record: dict[str, Any]) -> None:
        await self._db.write("UPDATE care_families SET record = ? WHERE id = ?",
                             (json.dumps(record, ensure_ascii=False), family_id))

    async def family_record(self, family_id: int) -> dict[str, Any] | None:
        value = await self._db.scalar("SELECT record FROM care_families WHERE id = ?", (family_id,))
        return json.loads(value) if value else None

    async def family_jurisdiction(self, family_id: int) -> str:
        value = await self._db.scalar("SELECT jurisdiction FROM care_families WHERE id = ?", (family_id,))
        return str(value) if value is not None else ""

    async def last_visits(self) -> dict[tuple[int, str], dt.date]:
        rows = await self._db.all("SELECT family_id, kind, MAX(day) FROM care_visits GROUP BY family_id, kind")
        return {(r[0], r[1]): dt.date.fromisoformat(r[2]) for r in rows}

    async def follow_ups(self) -> list[tuple[int, int, dt.date]]:
        """(family, contact, due) for every visit that asked for a follow-up, while the contact
        who made it is still assigned to the family (one taken off is not reminded of it)."""
        from bot.storage.planning import FOLLOW_UPS_SQL

        rows = await self._db.all(FOLLOW_UPS_SQL)
        return [(r[0], r[1], dt.date.fromisoformat(r[2]) + dt.timedelta(days=r[3])) for r in rows]

    async def visits(self) -> list[dict[str, Any]]:
        sql = ("SELECT v.day, f.jurisdiction, f.alias, c.name AS contact, v.kind, v.outcome, v.notes,"
               " v.follow_up_days FROM care_visits v JOIN care_families f ON f.id = v.family_id"
               " LEFT JOIN care_contacts c ON c.id = v.contact_id ORDER BY v.day, v.id")
        return [dict(r) for r in await self._db.all(sql)]

    async def visit_count(self, reminder_id: int) -> int:
        return int(await self._db.scalar("SELECT COUNT(*) FROM care_visits WHERE reminder_id = ?", (reminder_id,)))

    async def set_visit_note(self, visit_id: int, contact_id: int, note: str) -> bool:
        written = await self._db.write("UPDATE care_visits SET notes = ? WHERE id = ? AND contact_id = ?",
                                       (note[:500], visit_id, contact_id))
        return written.rowcount == 1

    async def search_families(self, jurisdiction: str | None, text: str = "") -> list[dict[str, Any]]:
        """Families for the office console: of one city (staff) or all (`None`, admins), whose
        alias, township or village contains `text`."""
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        sql = ("SELECT id, alias, jurisdiction, township, village, old_sick, lives_alone FROM care_families"
               " WHERE active = 1 AND (CAST(? AS TEXT) IS NULL OR jurisdiction = ?) AND (alias LIKE ? ESCAPE '\\'"
               " OR township LIKE ? ESCAPE '\\' OR village LIKE ? ESCAPE '\\') ORDER BY township, village, alias")
        return [dict(r) for r in await self._db.all(sql, (jurisdiction, jurisdiction, like, like, like))]

    async def search_contacts(self, text: str = "") -> list[dict[str, Any]]:
        """`list_contacts` narrowed to those whose name or township contains `text` (the
        console's filter, like `search_families`)."""
        needle = text.strip()
        return [c for c in await self.list_contacts() if needle in c["name"] or needle in c["township"]]

    async def family_timeline(self, family_id: int) -> list[dict[str, Any]]:
        """One family's visits and reminders, newest first (the office console's family page).
        A reminder carries `sent_at` (when it last went out, kept when the contact postpones
        it or it is queued again) and `send_after` (when it goes out next), so a postponed
        reminder is not shown as never sent."""
        sql = ("SELECT v.day AS day, 'visit' AS what, v.kind, v.outcome AS state, c.name AS contact, v.notes,"
               " NULL AS sent_at, NULL AS send_after, 0 AS postponed"
               " FROM care_visits v LEFT JOIN care_contacts c ON c.id = v.contact_id WHERE v.family_id = ?"
               " UNION ALL SELECT r.due_date, 'reminder', r.kind, r.status, c.name, '', r.sent_at, r.send_after,"
               " r.postponed FROM care_reminders r JOIN care_contacts c ON c.id = r.contact_id WHERE r.family_id = ?"
               " ORDER BY 1 DESC")
        return [dict(r) for r in await self._db.all(sql, (family_id, family_id))]
