"""Telegram settings that Telegram itself would refuse are refused at start-up, naming the variable."""

from __future__ import annotations

import pytest

from app.settings import ConfigurationError, load_settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_BOT_TOKEN", "123:abc def"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces"),
        ("TELEGRAM_WEBHOOK_SECRET", "x" * 257),
        ("TELEGRAM_WEBHOOK_SECRET", "кириллица"),
    ],
)
def test_bad_telegram_values_stop_start_up(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as bad:
        load_settings(_env_file=None)
    assert variable in str(bad.value)


def test_good_telegram_values_are_accepted(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC-def_123")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://shop.example/telegram/webhook")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "Abc_123-xyz")
    settings = load_settings(_env_file=None)
    assert settings.telegram_enabled
