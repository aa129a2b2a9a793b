"""Settings from environment variables or a `.env` file (pydantic-settings).

Every setting is documented in `deploy/lianxin.env.example`. A wrong or missing setting
stops start-up with one clear line (`SettingsError`), never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ids import parse_id
from bot.wechat.crypto import aes_key

DEFAULT_API = "https://api.telegram.org/bot"
WECHAT_API = "https://api.weixin.qq.com"
WECOM_API = "https://qyapi.weixin.qq.com"
MIN_STATE_KEY = 32


class SettingsError(ValueError):
    """One line naming the setting and what is wrong with it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=DEFAULT_API, alias="TELEGRAM_API_BASE_URL")
    bot_database: Path = Field(default=Path("data/lianxin.sqlite3"), alias="BOT_DATABASE")
    # PostgreSQL instead of the SQLite file: postgresql://user:password@host:5432/lianxin (issue 27)
    bot_database_url: str | None = Field(default=None, alias="BOT_DATABASE_URL")
    bot_admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(default=(), alias="BOT_ADMIN_IDS")
    telegram_proxy: str | None = Field(default=None, alias="TELEGRAM_PROXY")
    bot_webhook_url: str | None = Field(default=None, alias="BOT_WEBHOOK_URL")
    bot_webhook_listen: str = Field(default="127.0.0.1", alias="BOT_WEBHOOK_LISTEN")
    bot_webhook_port: int = Field(default=8443, ge=1, le=65535, alias="BOT_WEBHOOK_PORT")
    bot_webhook_secret: str | None = Field(default=None, alias="BOT_WEBHOOK_SECRET")
    # messages a user may send per minute before being asked to slow down
    bot_user_rate_per_minute: int = Field(default=30, ge=1, le=600, alias="BOT_USER_RATE_PER_MINUTE")
    # outgoing flood control (Telegram allows about 30 messages a second); 0 disables it (benchmarks only)
    bot_flood_limit_per_second: float = Field(default=30, ge=0, alias="BOT_FLOOD_LIMIT_PER_SECOND")
    # HTTP connections to the Bot API; small is faster (httpcore scans every pooled connection per request)
    bot_connection_pool: int = Field(default=8, ge=1, le=256, alias="BOT_CONNECTION_POOL")
    # seconds between reminder rounds (plan, send, re-remind, escalate)
    bot_reminder_interval: float = Field(default=60, gt=0, alias="BOT_REMINDER_INTERVAL")
    # no reminders during these hours, Asia/Shanghai: "21-8" means 21:00 to 08:00
    bot_quiet_hours: str = Field(default="21-8", pattern=r"^([01]?\d|2[0-3])-([01]?\d|2[0-3])$",
                                 alias="BOT_QUIET_HOURS")
    # hours without an answer before a reminder is repeated (then escalated)
    bot_grace_hours: int = Field(default=48, ge=1, le=24 * 14, alias="BOT_GRACE_HOURS")
    # data retention (days): visit notes are blanked, abandoned interviews and finished
    # reminders deleted, audit entries deleted; the visits themselves are kept for inspections
    bot_retention_notes_days: int = Field(default=365, ge=1, alias="BOT_RETENTION_NOTES_DAYS")
    bot_retention_conversation_days: int = Field(default=30, ge=1, alias="BOT_RETENTION_CONVERSATION_DAYS")
    bot_retention_reminder_days: int = Field(default=400, ge=1, alias="BOT_RETENTION_REMINDER_DAYS")
    bot_retention_audit_days: int = Field(default=1095, ge=1, alias="BOT_RETENTION_AUDIT_DAYS")
    # log format: "text" for people, "json" for log collectors (never message text or answers)
    bot_log_format: str = Field(default="text", pattern="^(text|json)$", alias="BOT_LOG_FORMAT")
    bot_poll_interval: float = Field(default=0.0, ge=0, alias="BOT_POLL_INTERVAL")
    # the key that signs the interview state carried in the phone page; unset: a random key
    # per start (pages opened before a restart then ask the family to start again)
    web_state_key: SecretStr | None = Field(default=None, alias="WEB_STATE_KEY")
    # JSON API requests per minute per client address (bursts of a quarter of it, at least 30)
    web_api_rate_per_minute: float = Field(default=120, gt=0, alias="WEB_API_RATE_PER_MINUTE")
    # the office console's session cookie is sent over HTTPS only; false only for local http testing
    web_console_secure_cookie: bool = Field(default=True, alias="WEB_CONSOLE_SECURE_COOKIE")
    # a console session ends this many hours after sign-in however busy (the idle limit is 30 minutes)
    web_console_session_hours: float = Field(default=12, gt=0, le=24 * 7, alias="WEB_CONSOLE_SESSION_HOURS")
    # the address people open the web pages and the office console at (https://lianxin.example.cn);
    # the bot's /console puts it before the one-time sign-in link. Unset: BOT_WEBHOOK_URL's origin
    web_public_url: str | None = Field(default=None, alias="WEB_PUBLIC_URL")
    # where the console's "back up now" button writes (unset: a "backups" folder beside the database)
    bot_backup_dir: Path | None = Field(default=None, alias="BOT_BACKUP_DIR")
    # WeChat Service Account (families): the callback /wechat exists only when WECHAT_TOKEN is set;
    # WECHAT_AES_KEY (the 43-character EncodingAESKey) enables safe mode; unset: plain mode
    wechat_token: str | None = Field(default=None, alias="WECHAT_TOKEN")
    wechat_app_id: str | None = Field(default=None, alias="WECHAT_APP_ID")
    wechat_app_secret: SecretStr | None = Field(default=None, alias="WECHAT_APP_SECRET")
    wechat_aes_key: str | None = Field(default=None, alias="WECHAT_AES_KEY")
    wechat_api_base: str = Field(default=WECHAT_API, alias="WECHAT_API_BASE")
    # WeCom app (contacts' reminders): the callback /wecom exists only when WECOM_TOKEN is set
    wecom_corp_id: str | None = Field(default=None, alias="WECOM_CORP_ID")
    wecom_agent_id: int | None = Field(default=None, ge=0, alias="WECOM_AGENT_ID")
    wecom_secret: SecretStr | None = Field(default=None, alias="WECOM_SECRET")
    wecom_token: str | None = Field(default=None, alias="WECOM_TOKEN")
    wecom_aes_key: str | None = Field(default=None, alias="WECOM_AES_KEY")
    wecom_api_base: str = Field(default=WECOM_API, alias="WECOM_API_BASE")

    @field_validator("wechat_token", "wechat_app_id", "wechat_app_secret", "wechat_aes_key", "wecom_corp_id",
                     "wecom_agent_id", "wecom_secret", "wecom_token", "wecom_aes_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else (v.strip() if isinstance(v, str) else v)

    @field_validator("wechat_aes_key", "wecom_aes_key")
    @classmethod
    def _encoding_aes_key(cls, v: str | None) -> str | None:
        if v is not None:
            aes_key(v)  # ValueError with the reason
        return v

    @field_validator("wechat_token", "wecom_token")
    @classmethod
    def _callback_token(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Za-z0-9]{3,32}", v):
            raise ValueError("must be 3 to 32 letters or digits (the Token set in the platform's console)")
        return v

    @field_validator("wechat_api_base", "wecom_api_base")
    @classmethod
    def _api_base(cls, v: str) -> str:
        if urlparse(v).scheme not in ("http", "https") or not urlparse(v).netloc:
            raise ValueError("must be an http(s) URL")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _platform_sets_complete(self) -> Settings:
        if self.wechat_token and not (self.wechat_app_id and self.wechat_app_secret):
            raise ValueError("WECHAT_TOKEN is set: WECHAT_APP_ID and WECHAT_APP_SECRET are needed too")
        if self.wecom_token and not (self.wecom_corp_id and self.wecom_secret and self.wecom_aes_key
                                     and self.wecom_agent_id is not None):
            raise ValueError("WECOM_TOKEN is set: WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET and WECOM_AES_KEY "
                             "are needed too")
        return self

    def wechat_enabled(self) -> bool:
        return self.wechat_token is not None

    def wecom_enabled(self) -> bool:
        return self.wecom_token is not None

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip()
        head, sep, tail = v.partition(":")
        if not (sep and parse_id(head) is not None and len(tail) >= 10):
            raise ValueError("looks wrong; a token is like 123456789:AAE... (from @BotFather)")
        return v

    @field_validator("web_state_key", mode="before")
    @classmethod
    def _state_key(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, str) and len(v.strip()) < MIN_STATE_KEY:
            raise ValueError(f"must be at least {MIN_STATE_KEY} characters; make one with "
                             "python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return v.strip() if isinstance(v, str) else v

    @field_validator("bot_admin_ids", mode="before")
    @classmethod
    def _admins(cls, v: object) -> tuple[int, ...]:
        if v is None or v == "":
            return ()
        if isinstance(v, str):
            parts = [p.strip() for p in v.split(",") if p.strip()]
            ids = [parse_id(p) for p in parts]  # ASCII digits only: "١١٢" is not user 112
            if not all(ids):
                raise ValueError("must be comma-separated Telegram user ids, e.g. 12345,67890")
            return tuple(i for i in ids if i is not None)
        return tuple(v)  # type: ignore[arg-type]

    @field_validator("web_public_url")
    @classmethod
    def _public_url(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        parsed = urlparse(v.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
            raise ValueError("must be the site's address, like https://lianxin.example.cn")
        return v.strip().rstrip("/")

    def console_base_url(self) -> str | None:
        """Where the office console is reached from outside: WEB_PUBLIC_URL, else the origin of
        BOT_WEBHOOK_URL (in webhook mode the same server serves the console); None when neither."""
        if self.web_public_url:
            return self.web_public_url
        if self.bot_webhook_url:
            parsed = urlparse(self.bot_webhook_url)
            return f"{parsed.scheme}://{parsed.netloc}"
        return None

    @field_validator("telegram_api_base_url", "bot_webhook_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None if v == "" else v
        if urlparse(v).scheme not in ("http", "https") or not urlparse(v).netloc:
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("bot_database_url")
    @classmethod
    def _database_url(cls, v: str | None) -> str | None:
        if v is None or v.strip() == "":
            return None
        if not v.startswith(("postgresql://", "postgres://")) or not urlparse(v).path.strip("/"):
            raise ValueError("must be like postgresql://user:password@host:5432/lianxin (with a database name)")
        return v

    @property
    def database(self) -> Path | str:
        """Where state lives: BOT_DATABASE_URL (PostgreSQL) when set, else the SQLite file BOT_DATABASE."""
        return self.bot_database_url or self.bot_database

    @field_validator("telegram_proxy")
    @classmethod
    def _proxy(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if urlparse(v).scheme not in ("http", "https", "socks5", "socks5h") or not urlparse(v).netloc:
            raise ValueError("must be like http://host:port or socks5://host:port")
        return v


def load_settings(**overrides: object) -> Settings:
    """Read the environment; raise SettingsError with one line on any problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        if not err["loc"]:  # a rule across settings names them itself
            raise SettingsError(f"settings: {err['msg'].removeprefix('Value error, ')}") from None
        field = err["loc"][0]
        name = Settings.model_fields[field].alias if field in Settings.model_fields else field
        msg = err["msg"].removeprefix("Value error, ")
        raise SettingsError(f"setting {name}: {msg}") from None


def retention_days(settings: Settings) -> dict[str, int]:
    return {"notes_days": settings.bot_retention_notes_days,
            "dialog_days": settings.bot_retention_conversation_days,
            "reminder_days": settings.bot_retention_reminder_days,
            "audit_days": settings.bot_retention_audit_days}
