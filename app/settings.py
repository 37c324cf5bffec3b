"""One settings class: every environment variable of the product, read from the environment and `.env`."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.whatsapp.templates import TwilioContentTemplate

MIN_WEBHOOK_KEY_BYTES = 16  # Standard Webhooks keys are 24 to 64 random bytes
PLACEHOLDERS = {"changeme", "change-me", "secret", "placeholder", "xxx", "todo"}


class ConfigurationError(Exception):
    """A bad configuration value; the message names the variable."""


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./loyalty.db"
    redis_url: str | None = None
    program_rules: Path | None = None
    timezone: str = "Europe/Moscow"
    default_locale: Literal["ru", "en"] = "ru"
    public_base_url: AnyHttpUrl = AnyHttpUrl("http://localhost:8000")
    privacy_policy_url: AnyHttpUrl | None = None  # unset: PUBLIC_BASE_URL + /privacy, this server's page
    privacy_policy_version: str = Field(default="2026-11-01", min_length=1, max_length=32)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: AnyHttpUrl | None = None
    telegram_webhook_url: AnyHttpUrl | None = None
    telegram_webhook_secret: SecretStr | None = None
    # outbox sending rates: Telegram's broadcast limits and Twilio's default WhatsApp throughput
    telegram_rate_per_second: float = Field(default=30.0, gt=0, le=1000)
    telegram_chat_rate_per_second: float = Field(default=1.0, gt=0, le=100)

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = Field(default=None, pattern=r"^whatsapp:\+[1-9]\d{6,14}$")
    twilio_api_base_url: AnyHttpUrl | None = None
    twilio_content_templates: dict[str, TwilioContentTemplate] = Field(default_factory=dict)
    whatsapp_rate_per_second: float = Field(default=80.0, gt=0, le=1000)

    repair_webhook_secret: SecretStr | None = None
    admin_api_token: SecretStr | None = None
    # how long an /admin sign-in lasts before the token must be entered again
    admin_session_hours: int = Field(default=8, ge=1, le=24 * 30)
    staff_telegram_chat_id: int | None = None
    # where a customer's answer to a quote is sent (signed with its own secret); unset: not sent
    repair_system_webhook_url: AnyHttpUrl | None = None
    repair_system_webhook_secret: SecretStr | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("repair_webhook_secret", "repair_system_webhook_secret")
    @classmethod
    def _whsec(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        secret = value.get_secret_value()
        if not secret.startswith("whsec_"):
            raise ValueError("a Standard Webhooks secret starts with whsec_")
        try:
            key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise ValueError("after whsec_ comes the key in base64, and this is not base64") from None
        if len(key) < MIN_WEBHOOK_KEY_BYTES:
            raise ValueError(
                f"the key after whsec_ is {len(key)} bytes; use at least {MIN_WEBHOOK_KEY_BYTES}"
            )
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"\d+:[\w-]+", value.get_secret_value()):
            raise ValueError("a bot token looks like 123456:ABC-DEF... (from @BotFather)")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's own rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("program_rules")
    @classmethod
    def _rules_exist(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        if (self.repair_system_webhook_url is None) != (self.repair_system_webhook_secret is None):
            raise ValueError(
                "set REPAIR_SYSTEM_WEBHOOK_URL and REPAIR_SYSTEM_WEBHOOK_SECRET together, or neither"
            )
        if self.telegram_webhook_url and not self.telegram_bot_token:
            raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_BOT_TOKEN")
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(
                "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (the secret Telegram echoes)"
            )
        if self.environment == "production":
            for name in (
                "admin_api_token",
                "repair_webhook_secret",
                "telegram_webhook_secret",
                "twilio_auth_token",
            ):
                secret = getattr(self, name)
                if secret is not None and secret.get_secret_value().strip().lower() in PLACEHOLDERS:
                    raise ValueError(f"{name.upper()} is a placeholder; set a real secret in production")
            if (self.policy_url.host or "") in LOCAL_HOSTS:
                raise ValueError(
                    f"the privacy policy would be {self.policy_url}, which customers cannot open: set "
                    "PUBLIC_BASE_URL to the address they reach (or PRIVACY_POLICY_URL to the shop's own page)"
                )
        return self

    @property
    def policy_url(self) -> AnyHttpUrl:
        """Where the consent step links: PRIVACY_POLICY_URL, else this server's own /privacy."""
        if self.privacy_policy_url is not None:
            return self.privacy_policy_url
        return AnyHttpUrl(str(self.public_base_url).rstrip("/") + "/privacy")

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`; a bad value raises ConfigurationError naming it."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]).upper() or "configuration"
            lines.append(f"{where}: {error['msg']}")
        raise ConfigurationError("invalid configuration:\n  " + "\n  ".join(lines)) from None
