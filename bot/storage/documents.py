"""A city's own documents and their rule versions (`storage.documents`, issue 26).

What is stored: each document's catalogue entry (JSON in the catalogue's schema) and text;
the working draft of its rules (YAML in the reviewed schema, per-rule decisions, who edited
it, a revision counter); every published version, never changed afterwards; which version
answers; the policy editors of each city; and a generation counter every process watches
to reload its knowledge. Who may do what is decided in `bot.documents`, not here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.storage.audit import record_in
from bot.storage.db import Database, Transaction, now_iso


class DocumentConflict(Exception):
    """A change that lost a race or breaks a rule of the store; `code` is stable for callers:
    duplicate_file, duplicate_code, no_draft, stale_draft, same_editor, no_version, unknown_document."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class StoredDocument:
    code: str
    city: str
    meta: dict[str, Any]
    text: str
    sha256: str
    source_name: str
    shipped: bool
    added_at: str
    current_version: int | None


@dataclass(frozen=True)
class RuleDraft:
    code: str
    rules_yaml: str
    schedule_yaml: str | None
    decisions: dict[str, str]
    editors: tuple[int, ...]
    revision: int
    base_version: int | None
    updated_at: str


@dataclass(frozen=True)
class RuleVersion:
    code: str
    version: int
    rules_yaml: str
    schedule_yaml: str | None
    drafted_by: tuple[int, ...]
    published_by: int | None
    published_at: str
    note: str | None


def _document(row: Any) -> StoredDocument:
    return StoredDocument(row["code"], row["city"], json.loads(row["meta"]), row["text"], row["sha256"],
                          row["source_name"], bool(row["shipped"]), row["added_at"], row["current_version"])


def _draft(row: Any) -> RuleDraft:
    return RuleDraft(row["code"], row["rules_yaml"], row["schedule_yaml"], json.loads(row["decisions"]),
                     tuple(json.loads(row["editors"])), int(row["revision"]), row["base_version"], row["updated_at"])


def _version(row: Any) -> RuleVersion:
    return RuleVersion(row["code"], int(row["version"]), row["rules_yaml"], row["schedule_yaml"],
                       tuple(json.loads(row["drafted_by"])), row["published_by"], row["published_at"], row["note"])


async def _bump(tx: Transaction) -> None:
    await tx.execute("UPDATE library_state SET generation = generation + 1 WHERE id = 1")


class Documents:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- reading ---------------------------------------------------------------------------

    async def generation(self) -> int:
        return int(await self._db.scalar("SELECT generation FROM library_state WHERE id = 1") or 0)

    async def all(self) -> list[StoredDocument]:
        return [_document(r) for r in await self._db.all("SELECT * FROM policy_documents ORDER BY added_at, code")]

    async def get(self, code: str) -> StoredDocument | None:
        row = await self._db.one("SELECT * FROM policy_documents WHERE code = ?", (code,))
        return _document(row) if row else None

    async def by_sha256(self, sha256: str) -> StoredDocument | None:
        row = await self._db.one("SELECT * FROM policy_documents WHERE sha256 = ?", (sha256,))
        return _document(row) if row else None

    async def draft(self, code: str) -> RuleDraft | None:
        row = await self._db.one("SELECT * FROM rule_drafts WHERE code = ?", (code,))
        return _draft(row) if row else None

    async def versions(self, code: str) -> list[RuleVersion]:
        rows = await self._db.all("SELECT * FROM rule_versions WHERE code = ? ORDER BY version DESC", (code,))
        return [_version(r) for r in rows]

    async def version(self, code: str, version: int) -> RuleVersion | None:
        row = await self._db.one("SELECT * FROM rule_versions WHERE code = ? AND version = ?", (code, version))
        return _version(row) if row else None

    async def published(self) -> list[tuple[StoredDocument, RuleVersion | None]]:
        """Every document with the version that answers for it (None: nothing published)."""
        out = []
        for doc in await self.all():
            current = await self.version(doc.code, doc.current_version) if doc.current_version else None
            out.append((doc, current))
        return out

    async def claim_expiry_notice(self, day: str) -> bool:
        """True once per day across every process and restart: whoever claims sends the
        day's "documents lapsing within 90 days" notice."""
        changed = await self._db.write(
            "UPDATE library_state SET expiry_notice_day = ? WHERE id = 1"
            " AND (expiry_notice_day IS NULL OR expiry_notice_day < ?)", (day, day))
        return changed.rowcount == 1

    # --- editors ---------------------------------------------------------------------------

    async def grant_editor(self, user_id: int, city: str, actor: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("INSERT OR IGNORE INTO policy_editors (user_id, city) VALUES (?, ?)", (user_id, city))
            await record_in(tx, actor, "policy_editor_granted", user_id, city)

    async def revoke_editor(self, user_id: int, city: str, actor: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM policy_editors WHERE user_id = ? AND city = ?", (user_id, city))
            await record_in(tx, actor, "policy_editor_revoked", user_id, city)

    async def editors(self) -> list[tuple[int, str]]:
        """Every (user id, city) policy-editor grant, for the console's list."""
        rows = await self._db.all("SELECT user_id, city FROM policy_editors ORDER BY city, user_id")
        return [(int(r["user_id"]), str(r["city"])) for r in rows]

    async def editor_cities(self, user_id: int) -> set[str]:
        rows = await self._db.all("SELECT city FROM policy_editors WHERE user_id = ?", (user_id,))
        return {str(r["city"]) for r in rows}

    # --- changing --------------------------------------------------------------------------

    async def add(self, doc: StoredDocument, draft_rules: str, draft_schedule: str | None,
                  actor: int) -> None:
        """A new document with its first draft, in one transaction: a second upload of the same
        file (sha256) or a code in use is refused, and nothing is half-added."""
        async with self._db.transaction() as tx:
            if await tx.one("SELECT 1 FROM policy_documents WHERE sha256 = ?", (doc.sha256,)):
                raise DocumentConflict("duplicate_file", doc.sha256)
            if await tx.one("SELECT 1 FROM policy_documents WHERE code = ?", (doc.code,)):
                raise DocumentConflict("duplicate_code", doc.code)
            await tx.execute(
                "INSERT INTO policy_documents (code, city, meta, text, sha256, source_name, shipped, added_by,"
                " added_at, current_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (doc.code, doc.city, json.dumps(doc.meta, ensure_ascii=False), doc.text, doc.sha256, doc.source_name,
                 int(doc.shipped), actor, now_iso()))
            await tx.execute(
                "INSERT INTO rule_drafts (code, rules_yaml, schedule_yaml, decisions, editors, revision, base_version,"
                " updated_at) VALUES (?, ?, ?, '{}', '[]', 1, NULL, ?)",
                (doc.code, draft_rules, draft_schedule, now_iso()))
            await record_in(tx, actor, "document_added", None, f"{doc.code} {doc.source_name}")
            await _bump(tx)

    async def set_meta(self, code: str, meta: dict[str, Any], actor: int, action: str) -> None:
        """Change a document's catalogue entry (its dates or status)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute("UPDATE policy_documents SET meta = ? WHERE code = ?",
                                       (json.dumps(meta, ensure_ascii=False), code))
            if changed.rowcount != 1:
                raise DocumentConflict("unknown_document", code)
            await record_in(tx, actor, action, None, code)
            await _bump(tx)

    async def save_draft(self, code: str, rules_yaml: str, schedule_yaml: str | None, decisions: dict[str, str],
                         editor: int, revision: int) -> int:
        """Save the reviewer's draft if nobody saved since they loaded it (`revision`); the
        editor is remembered (they may not also publish). Returns the new revision."""
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT editors, revision FROM rule_drafts WHERE code = ?", (code,))
            if row is None:
                raise DocumentConflict("no_draft", code)
            if int(row["revision"]) != revision:
                raise DocumentConflict("stale_draft", f"{code}: revision {row['revision']}, not {revision}")
            editors = sorted({*json.loads(row["editors"]), editor})
            await tx.execute(
                "UPDATE rule_drafts SET rules_yaml = ?, schedule_yaml = ?, decisions = ?, editors = ?,"
                " revision = revision + 1, updated_at = ? WHERE code = ?",
                (rules_yaml, schedule_yaml, json.dumps(decisions, ensure_ascii=False), json.dumps(editors),
                 now_iso(), code))
            await record_in(tx, editor, "rules_draft_saved", None, code)
        return revision + 1

    async def start_draft(self, code: str, version: RuleVersion, editor: int) -> None:
        """A new working draft from a published version (to change amounts later)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO rule_drafts (code, rules_yaml, schedule_yaml, decisions, editors, revision, base_version,"
                " updated_at) VALUES (?, ?, ?, '{}', ?, 1, ?, ?) ON CONFLICT(code) DO NOTHING",
                (code, version.rules_yaml, version.schedule_yaml, json.dumps([editor]), version.version, now_iso()))
            await record_in(tx, editor, "rules_draft_started", None, f"{code}@{version.version}")

    async def publish(self, code: str, rules_yaml: str, schedule_yaml: str | None, publisher: int | None,
                      revision: int | None, note: str | None, *, require_other_editor: bool = True) -> int:
        """Publish the draft as the next version, in one transaction: the draft must be the
        revision the publisher reviewed (two publishers at once: the second finds it gone),
        and the publisher must not have edited it. The draft is removed; the version answers
        from now on; every process is told. Returns the version number."""
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT editors, revision FROM rule_drafts WHERE code = ?", (code,))
            if row is None:
                raise DocumentConflict("no_draft", code)
            if revision is not None and int(row["revision"]) != revision:
                raise DocumentConflict("stale_draft", f"{code}: revision {row['revision']}, not {revision}")
            editors = json.loads(row["editors"])
            if require_other_editor and (publisher is None or publisher in editors or not editors):
                raise DocumentConflict("same_editor", code)
            last = await tx.one("SELECT MAX(version) AS v FROM rule_versions WHERE code = ?", (code,))
            version = int(last["v"] or 0) + 1 if last else 1
            await tx.execute(
                "INSERT INTO rule_versions (code, version, rules_yaml, schedule_yaml, drafted_by, published_by,"
                " published_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (code, version, rules_yaml, schedule_yaml, json.dumps(editors), publisher, now_iso(), note))
            await tx.execute("UPDATE policy_documents SET current_version = ? WHERE code = ?", (version, code))
            await tx.execute("DELETE FROM rule_drafts WHERE code = ?", (code,))
            await record_in(tx, publisher or 0, "rules_published", None, f"{code}@{version}")
            await _bump(tx)
        return version

    async def remove(self, code: str, actor: int) -> None:
        """Delete a document never published (its draft goes with it), in one transaction."""
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT shipped FROM policy_documents WHERE code = ?", (code,))
            if row is None:
                raise DocumentConflict("unknown_document", code)
            if row["shipped"]:
                raise DocumentConflict("shipped", code)
            if await tx.one("SELECT 1 FROM rule_versions WHERE code = ?", (code,)):
                raise DocumentConflict("published", code)
            await tx.execute("DELETE FROM rule_drafts WHERE code = ?", (code,))
            await tx.execute("DELETE FROM policy_documents WHERE code = ?", (code,))
            await record_in(tx, actor, "document_removed", None, code)
            await _bump(tx)

    async def restore(self, code: str, version: int, actor: int) -> None:
        """Answer from an earlier published version again (nothing is deleted)."""
        async with self._db.transaction() as tx:
            if not await tx.one("SELECT 1 FROM rule_versions WHERE code = ? AND version = ?", (code, version)):
                raise DocumentConflict("no_version", f"{code}@{version}")
            await tx.execute("UPDATE policy_documents SET current_version = ? WHERE code = ?", (version, code))
            await record_in(tx, actor, "rules_restored", None, f"{code}@{version}")
            await _bump(tx)
