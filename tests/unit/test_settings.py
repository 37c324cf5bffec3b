"""Settings: the product starts with no configuration; a bad value names its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import ConfigurationError, load_settings

VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "PROGRAM_RULES",
    "TIMEZONE",
    "DEFAULT_LOCALE",
    "PUBLIC_BASE_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_WHATSAPP_FROM",
    "TWILIO_API_BASE_URL",
    "REPAIR_WEBHOOK_SECRET",
    "ADMIN_API_TOKEN",
    "STAFF_TELEGRAM_CHAT_ID",
    "ENVIRONMENT",
    "TELEGRAM_RATE_PER_SECOND",
    "TELEGRAM_CHAT_RATE_PER_SECOND",
    "WHATSAPP_RATE_PER_SECOND",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_no_configuration_at_all_gives_the_embedded_defaults():
    s = load_settings()
    assert s.database_url == "sqlite+aiosqlite:///./loyalty.db"
    assert s.timezone == "Europe/Moscow" and s.default_locale == "ru"
    assert str(s.public_base_url) == "http://localhost:8000/"
    assert not s.telegram_enabled and not s.whatsapp_enabled
    assert s.admin_api_token is None and s.repair_webhook_secret is None
    assert (s.telegram_rate_per_second, s.telegram_chat_rate_per_second, s.whatsapp_rate_per_second) == (
        30,
        1,
        80,
    )


def test_a_dotenv_file_is_read(tmp_path: Path):
    (tmp_path / ".env").write_text("DEFAULT_LOCALE=en\nADMIN_API_TOKEN=s3cr3t-token\n", encoding="utf-8")
    s = load_settings()
    assert s.default_locale == "en"
    assert s.admin_api_token is not None and s.admin_api_token.get_secret_value() == "s3cr3t-token"
    assert "s3cr3t" not in repr(s)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("DEFAULT_LOCALE", "de", "DEFAULT_LOCALE"),
        ("DATABASE_URL", "mysql://x", "sqlite+aiosqlite"),
        ("REPAIR_WEBHOOK_SECRET", "plain-secret", "whsec_"),
        ("PUBLIC_BASE_URL", "not a url", "PUBLIC_BASE_URL"),
        ("TWILIO_WHATSAPP_FROM", "+79161234567", "TWILIO_WHATSAPP_FROM"),
        ("STAFF_TELEGRAM_CHAT_ID", "staff", "STAFF_TELEGRAM_CHAT_ID"),
        ("PROGRAM_RULES", "/no/such/rules.toml", "no such file"),
        ("TELEGRAM_RATE_PER_SECOND", "0", "greater than 0"),
        ("WHATSAPP_RATE_PER_SECOND", "fast", "WHATSAPP_RATE_PER_SECOND"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as bad:
        load_settings()
    assert variable in str(bad.value) and says in str(bad.value)


def test_webhook_mode_needs_its_secret(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://shop.example/telegram/webhook")
    with pytest.raises(ConfigurationError, match="TELEGRAM_WEBHOOK_SECRET"):
        load_settings()


def test_placeholders_are_refused_in_production(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("ADMIN_API_TOKEN", "changeme")
    with pytest.raises(ConfigurationError, match="ADMIN_API_TOKEN is a placeholder"):
        load_settings()


def test_the_policy_defaults_to_this_servers_page_and_production_refuses_one_customers_cannot_open(
    monkeypatch,
):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://loyalty.shop.example/")
    assert str(load_settings().policy_url) == "https://loyalty.shop.example/privacy"
    monkeypatch.setenv("PRIVACY_POLICY_URL", "https://shop.example/legal/privacy")
    assert str(load_settings().policy_url) == "https://shop.example/legal/privacy"

    monkeypatch.setenv("ENVIRONMENT", "production")
    assert str(load_settings().policy_url) == "https://shop.example/legal/privacy"
    monkeypatch.delenv("PRIVACY_POLICY_URL")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost:8000")
    with pytest.raises(ConfigurationError, match="customers cannot open"):
        load_settings()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://loyalty.shop.example")
    monkeypatch.setenv("PRIVACY_POLICY_URL", "http://127.0.0.1:8000/privacy")
    with pytest.raises(ConfigurationError, match="customers cannot open"):
        load_settings()
