"""Numbered schema migrations recorded in `PRAGMA user_version` (SQLite) or the one-row table
`lianxin_schema` (PostgreSQL); tested from every earlier version.

One set of migrations runs on both: each is written in SQLite's SQL, and `postgres_ddl` gives
PostgreSQL's version of it (INTEGER -> BIGINT, since Telegram ids pass 2^31; AUTOINCREMENT ids
-> BIGINT GENERATED ALWAYS AS IDENTITY; REAL -> DOUBLE PRECISION; dates stay ISO text), or
`POSTGRES_DDL` holds it where the statements themselves differ (triggers).

Never edit one that has shipped: add the next (and its PostgreSQL form when it needs one).
"""

from __future__ import annotations

import re

from bot.storage.db import WRITE_LOCK, Database, PgDatabase, StorageError

# Numbered migrations; never edit one that has shipped, add the next.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        role        TEXT NOT NULL DEFAULT 'family' CHECK (role IN ('family', 'volunteer', 'staff', 'admin')),
        jurisdiction TEXT,
        consent     INTEGER NOT NULL DEFAULT 0,
        consent_at  TEXT,
        blocked     INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE dialogs (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        token       TEXT NOT NULL,
        chat_id     INTEGER,
        message_id  INTEGER,
        state       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE profiles (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        jurisdiction TEXT NOT NULL,
        answers     TEXT NOT NULL,
        summary     TEXT,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE invites (
        code        TEXT PRIMARY KEY,
        role        TEXT NOT NULL CHECK (role IN ('volunteer', 'staff')),
        created_by  INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        used_by     INTEGER,
        used_at     TEXT
    );
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       INTEGER NOT NULL,
        action      TEXT NOT NULL,
        subject     INTEGER,
        detail      TEXT
    );
    CREATE INDEX audit_subject ON audit_log(subject);
    """),
    (2, """
    CREATE TABLE care_families (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        alias        TEXT NOT NULL,
        jurisdiction TEXT NOT NULL,
        township     TEXT NOT NULL DEFAULT '',
        village      TEXT NOT NULL DEFAULT '',
        contact_note TEXT NOT NULL DEFAULT '',
        old_sick     INTEGER NOT NULL DEFAULT 0,
        lives_alone  INTEGER NOT NULL DEFAULT 0,
        record       TEXT,
        active       INTEGER NOT NULL DEFAULT 1,
        created_at   TEXT NOT NULL,
        UNIQUE (jurisdiction, alias)
    );
    CREATE TABLE care_contacts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        telegram_id  INTEGER UNIQUE,
        name         TEXT NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('township_leader', 'health_cadre', 'village_cadre', 'volunteer')),
        township     TEXT NOT NULL DEFAULT '',
        supervisor_id INTEGER REFERENCES care_contacts(id),
        active       INTEGER NOT NULL DEFAULT 1,
        blocked      INTEGER NOT NULL DEFAULT 0,
        created_at   TEXT NOT NULL
    );
    CREATE TABLE care_assignments (
        family_id    INTEGER NOT NULL REFERENCES care_families(id) ON DELETE CASCADE,
        contact_id   INTEGER NOT NULL REFERENCES care_contacts(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        since        TEXT NOT NULL,
        PRIMARY KEY (family_id, contact_id)
    );
    CREATE TABLE care_visits (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        family_id    INTEGER NOT NULL REFERENCES care_families(id) ON DELETE CASCADE,
        contact_id   INTEGER REFERENCES care_contacts(id) ON DELETE SET NULL,
        day          TEXT NOT NULL,
        kind         TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        notes        TEXT NOT NULL DEFAULT '',
        follow_up_days INTEGER,
        reminder_id  INTEGER,
        logged_at    TEXT NOT NULL
    );
    CREATE INDEX care_visits_family ON care_visits(family_id, kind, day);
    CREATE TABLE care_reminders (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        family_id    INTEGER NOT NULL REFERENCES care_families(id) ON DELETE CASCADE,
        contact_id   INTEGER NOT NULL REFERENCES care_contacts(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        due_date     TEXT NOT NULL,
        send_after   TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'done', 'escalated')),
        sent_count   INTEGER NOT NULL DEFAULT 0,
        sent_at      TEXT,
        late         INTEGER NOT NULL DEFAULT 0,
        acked_at     TEXT,
        escalated_at TEXT,
        created_at   TEXT NOT NULL,
        UNIQUE (family_id, contact_id, kind, due_date)
    );
    CREATE INDEX care_reminders_due ON care_reminders(status, send_after);
    """),
    (3, """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """),
    (4, """
    CREATE TABLE seen_updates (
        update_id INTEGER PRIMARY KEY,
        seen_at   REAL NOT NULL
    );
    """),
    (5, """
    ALTER TABLE care_contacts ADD COLUMN opened_at TEXT;
    ALTER TABLE care_reminders ADD COLUMN undeliverable INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE care_reminders ADD COLUMN postponed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX care_assignments_since ON care_assignments(since);
    CREATE INDEX care_visits_day ON care_visits(day);
    UPDATE care_contacts SET opened_at = (SELECT created_at FROM users WHERE users.user_id = care_contacts.telegram_id)
        WHERE telegram_id IS NOT NULL;
    """),
    (6, """
    ALTER TABLE care_families ADD COLUMN telegram_id INTEGER;
    CREATE UNIQUE INDEX care_families_telegram ON care_families(telegram_id) WHERE telegram_id IS NOT NULL;
    """),
    (7, """
    CREATE TABLE console_links (
        token_hash  TEXT PRIMARY KEY,
        user_id     INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        used_at     TEXT
    );
    CREATE TABLE console_sessions (
        token_hash  TEXT PRIMARY KEY,
        user_id     INTEGER NOT NULL,
        csrf        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        last_seen   TEXT NOT NULL
    );
    """),
    # 8: every deletion of a family, contact or assignment is counted, so the planning thread can
    # insert without a foreign-key lookup per row and still notice one forgotten or unassigned
    # meanwhile (planning.py)
    (8, """
    CREATE TABLE care_deletions (
        id     INTEGER PRIMARY KEY CHECK (id = 1),
        count  INTEGER NOT NULL
    );
    INSERT INTO care_deletions (id, count) VALUES (1, 0);
    CREATE TRIGGER care_families_deleted AFTER DELETE ON care_families
        BEGIN UPDATE care_deletions SET count = count + 1 WHERE id = 1; END;
    CREATE TRIGGER care_contacts_deleted AFTER DELETE ON care_contacts
        BEGIN UPDATE care_deletions SET count = count + 1 WHERE id = 1; END;
    CREATE TRIGGER care_assignments_deleted AFTER DELETE ON care_assignments
        BEGIN UPDATE care_deletions SET count = count + 1 WHERE id = 1; END;
    """),
    # 9: a family's version, raised by every edit, so the console notices a save made over
    # another admin's newer one instead of silently overwriting it
    (9, """
    ALTER TABLE care_families ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    """),
    # 10: how many despairing messages this conversation has had (a count and a time, never
    # the text), so a second one gets a shorter reply even after a restart (conversations.py)
    (10, """
    CREATE TABLE distress_turns (
        user_id  INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        count    INTEGER NOT NULL,
        last_at  TEXT NOT NULL
    );
    """),
    # 11: one conversation state per channel and person (issue 24: the conversation core's
    # state, the same JSON for Telegram and WeChat; chat_states.py). `dialogs` is read once
    # per user and moved here.
    (11, """
    CREATE TABLE chat_states (
        channel     TEXT NOT NULL,
        user_key    TEXT NOT NULL,
        state       TEXT NOT NULL,
        chat_id     INTEGER,
        message_id  INTEGER,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (channel, user_key)
    );
    CREATE INDEX chat_states_updated ON chat_states(updated_at);
    """),
    # 12: WeChat and WeCom (issue 25). A WeChat person's row holds only the openid, consent,
    # whether they still follow the account and when they last wrote (the 48-hour window);
    # the conversation itself is in chat_states. Callbacks already handled are kept by key
    # (MsgId, or sender + time for events) so WeChat's retries and a restart answer once.
    # Access tokens are shared by every process (the platforms limit fetches per day), and
    # the platforms' error codes are counted for the admin (no personal data). A contact may
    # be bound to a WeCom user id, so reminders reach cadres in WeCom.
    (12, """
    CREATE TABLE wechat_users (
        openid           TEXT PRIMARY KEY,
        consent          INTEGER NOT NULL DEFAULT 0,
        subscribed       INTEGER NOT NULL DEFAULT 1,
        last_message_at  REAL,
        created_at       TEXT NOT NULL
    );
    CREATE TABLE callback_seen (
        key      TEXT PRIMARY KEY,
        seen_at  REAL NOT NULL
    );
    CREATE INDEX callback_seen_at ON callback_seen(seen_at);
    CREATE TABLE platform_tokens (
        platform    TEXT PRIMARY KEY,
        token       TEXT NOT NULL,
        expires_at  REAL NOT NULL
    );
    CREATE TABLE platform_errors (
        platform  TEXT NOT NULL,
        code      INTEGER NOT NULL,
        count     INTEGER NOT NULL,
        last_at   TEXT NOT NULL,
        PRIMARY KEY (platform, code)
    );
    ALTER TABLE care_contacts ADD COLUMN wecom_user_id TEXT;
    CREATE UNIQUE INDEX care_contacts_wecom ON care_contacts(wecom_user_id) WHERE wecom_user_id IS NOT NULL;
    """),
    # 13: a city's own documents, put in and kept current by its staff (issue 26; documents.py).
    # A document row holds its catalogue entry (JSON in the catalogue's schema) and its text;
    # the sha256 of the uploaded bytes is unique, so the same file is not put in twice. The
    # working draft of its rules is one row, with who edited it (the publisher must be someone
    # else) and a revision counter (two publishers at once: only one matches). Published
    # versions are never changed; `current_version` says which one answers (restore moves it
    # back). `library_generation` counts changes, so every process reloads its knowledge.
    # Policy editors are staff granted one city each.
    (13, """
    CREATE TABLE policy_documents (
        code           TEXT PRIMARY KEY,
        city           TEXT NOT NULL,
        meta           TEXT NOT NULL,
        text           TEXT NOT NULL,
        sha256         TEXT NOT NULL UNIQUE,
        source_name    TEXT NOT NULL,
        shipped        INTEGER NOT NULL DEFAULT 0,
        added_by       INTEGER,
        added_at       TEXT NOT NULL,
        current_version INTEGER
    );
    CREATE TABLE rule_drafts (
        code        TEXT PRIMARY KEY REFERENCES policy_documents(code) ON DELETE CASCADE,
        rules_yaml  TEXT NOT NULL,
        schedule_yaml TEXT,
        decisions   TEXT NOT NULL DEFAULT '{}',
        editors     TEXT NOT NULL DEFAULT '[]',
        revision    INTEGER NOT NULL DEFAULT 1,
        base_version INTEGER,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE rule_versions (
        code          TEXT NOT NULL REFERENCES policy_documents(code) ON DELETE CASCADE,
        version       INTEGER NOT NULL,
        rules_yaml    TEXT NOT NULL,
        schedule_yaml TEXT,
        drafted_by    TEXT NOT NULL,
        published_by  INTEGER,
        published_at  TEXT NOT NULL,
        note          TEXT,
        PRIMARY KEY (code, version)
    );
    CREATE TABLE policy_editors (
        user_id  INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        city     TEXT NOT NULL,
        PRIMARY KEY (user_id, city)
    );
    CREATE TABLE library_state (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        generation  INTEGER NOT NULL,
        expiry_notice_day TEXT
    );
    INSERT INTO library_state (id, generation) VALUES (1, 0);
    """),
    # The web's request budgets shared by several workers (`storage.rate_limits`): a token
    # bucket per scope and hashed address, `ok` saying whether the last request was let
    # through. Short-lived counters, pruned once full again; never personal data.
    (14, """
    CREATE TABLE rate_limits (
        scope   TEXT NOT NULL,
        key     TEXT NOT NULL,
        tokens  REAL NOT NULL,
        at      REAL NOT NULL,
        ok      INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
    );
    CREATE INDEX rate_limits_at ON rate_limits(scope, at);
    """),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
LIANXIN_TABLE = "users"  # present since migration 1: how a Lianxin database is recognised
PG_VERSION_TABLE = "lianxin_schema"  # PostgreSQL's PRAGMA user_version: one row

# PostgreSQL's own form of the migrations whose statements (not only types) differ
POSTGRES_DDL: dict[int, str] = {
    8: """
    CREATE TABLE care_deletions (
        id     BIGINT PRIMARY KEY CHECK (id = 1),
        count  BIGINT NOT NULL
    );
    INSERT INTO care_deletions (id, count) VALUES (1, 0);
    CREATE FUNCTION care_count_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE care_deletions SET count = count + 1 WHERE id = 1; RETURN NULL; END $$;
    CREATE TRIGGER care_families_deleted AFTER DELETE ON care_families
        FOR EACH ROW EXECUTE FUNCTION care_count_deletion();
    CREATE TRIGGER care_contacts_deleted AFTER DELETE ON care_contacts
        FOR EACH ROW EXECUTE FUNCTION care_count_deletion();
    CREATE TRIGGER care_assignments_deleted AFTER DELETE ON care_assignments
        FOR EACH ROW EXECUTE FUNCTION care_count_deletion();
    """,
    # UNLOGGED: a counter updated on every request needs no WAL, nor a copy on the standbys;
    # after a crash (or on a promoted standby) it starts empty, i.e. every budget full
    14: """
    CREATE UNLOGGED TABLE rate_limits (
        scope   TEXT NOT NULL,
        key     TEXT NOT NULL,
        tokens  DOUBLE PRECISION NOT NULL,
        at      DOUBLE PRECISION NOT NULL,
        ok      SMALLINT NOT NULL,
        PRIMARY KEY (scope, key)
    );
    CREATE INDEX rate_limits_at ON rate_limits(scope, at);
    """,
}


def postgres_ddl(number: int, sql: str) -> str:
    """Migration `number` for PostgreSQL (see the module docstring)."""
    if number in POSTGRES_DDL:
        return POSTGRES_DDL[number]
    out = re.sub(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", sql)
    out = re.sub(r"\bINTEGER\b", "BIGINT", out)
    return re.sub(r"\bREAL\b", "DOUBLE PRECISION", out)


async def _tables(db: Database) -> set[str]:
    if db.dialect == "postgresql":
        rows = await db.all("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    else:
        rows = await db.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(r[0]) for r in rows}


async def schema_version(db: Database) -> int:
    if db.dialect == "postgresql":
        if await db.scalar(f"SELECT to_regclass('{PG_VERSION_TABLE}') IS NOT NULL") is not True:
            return 0
        return int(await db.scalar(f"SELECT version FROM {PG_VERSION_TABLE}") or 0)
    return int(await db.scalar("PRAGMA user_version") or 0)


async def check_lianxin(db: Database) -> int:
    """The file's schema version; refuses a foreign SQLite file or one from a newer program,
    so migrations never write Lianxin tables into somebody else's database."""
    version = await schema_version(db)
    tables = await _tables(db) - {PG_VERSION_TABLE}
    if version > SCHEMA_VERSION:
        raise StorageError(f"database {db.path} has schema {version}, newer than this program ({SCHEMA_VERSION})")
    if (version == 0 and tables) or (version > 0 and LIANXIN_TABLE not in tables):
        kind = "PostgreSQL database" if db.dialect == "postgresql" else "SQLite file"
        raise StorageError(f"database {db.path} is a {kind} of another program, not a Lianxin database")
    return version


async def migrate(db: Database) -> list[int]:
    """Apply every migration newer than the database's version, each in one transaction."""
    if db.dialect == "postgresql":
        return await _migrate_postgres(db)
    applied = []
    current = await check_lianxin(db)
    for number, sql in MIGRATIONS:
        if number <= current:
            continue
        await db.script(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        applied.append(number)
    return applied


async def _migrate_postgres(db: Database) -> list[int]:
    """Each migration in one transaction holding the write lock, the version read again under
    it: several processes starting at once migrate once."""
    assert isinstance(db, PgDatabase)
    applied: list[int] = []
    current = await check_lianxin(db)
    if current >= SCHEMA_VERSION:
        return applied
    async with db.connection() as con:
        for number, sql in MIGRATIONS:
            if number <= current:
                continue
            async with con.transaction():
                await con.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                await con.execute(f"CREATE TABLE IF NOT EXISTS {PG_VERSION_TABLE} (id INTEGER PRIMARY KEY"
                                  f" CHECK (id = 1), version INTEGER NOT NULL)")
                await con.execute(f"INSERT INTO {PG_VERSION_TABLE} (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING")
                row = await (await con.execute(f"SELECT version FROM {PG_VERSION_TABLE} WHERE id = 1")).fetchone()
                if row is not None and int(row[0]) >= number:
                    continue
                await con.execute(postgres_ddl(number, sql).encode())  # several statements, no parameters
                await con.execute(f"UPDATE {PG_VERSION_TABLE} SET version = %s", (number,))
            applied.append(number)
    return applied
