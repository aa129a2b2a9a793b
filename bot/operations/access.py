"""Who may use the office console and how they get in: the roles it admits, its one-time
sign-in links (`python -m bot admin console-link`, the bot's /console), and giving a
Telegram user a role (`admin grant`, the bot's /grant), audited."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.storage import Role, Storage, User

OFFICE_ROLES = (Role.ADMIN, Role.STAFF)  # the roles the office console admits
GRANTABLE = ("admin", "staff")  # the roles `admin grant` gives (the office console's roles)


def may_use_office(user: User | None) -> bool:
    """An admin or staff member who has not blocked the bot."""
    return user is not None and not user.blocked and user.role in OFFICE_ROLES


def link_path(token: str) -> str:
    """The path of a sign-in link (the office console's route for it)."""
    return f"/console/link/{token}"


async def sign_in_path(s: Storage, user_id: int) -> str:
    """A new one-time sign-in link's path for `user_id` (it works once, within
    `bot.storage.office_sessions.LINK_VALID`). The caller has checked who asks."""
    return link_path(await s.office_sessions.create_link(user_id))


def is_local_host(url_or_host: str) -> bool:
    """localhost / 127.x / ::1: a browser keeps a Secure cookie there even over plain http."""
    host = (urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host) or ""
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".localhost")


async def grant_role(s: Storage, user_id: int, role: str, *, actor: int, city: str | None = None,
                     unblock: bool = False, via: str | None = None) -> User:
    """Give `user_id` a role (and, with `city`, a city), audited as `actor`'s `grant_<role>`;
    `unblock` clears a blocked flag (the command line's grant, so the console admits them);
    `via` says where it was given, with the city, in the audit detail. The user as stored."""
    await s.users.ensure(user_id)
    await s.users.set_role(user_id, role)
    if city:
        await s.users.set_jurisdiction(user_id, city)
    if unblock:
        await s.users.set_blocked(user_id, False)
    user = await s.users.get(user_id)
    assert user is not None
    await s.audit.record(actor, f"grant_{role}", user_id,
                         f"{via}; city {user.jurisdiction or '-'}" if via is not None else None)
    return user
