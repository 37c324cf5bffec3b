"""The pieces of sending: text splitting, Retry-After, the base-URL rewrite, Twilio's error codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.whatsapp.client import TWILIO_API, BaseUrlHttpClient, parse_retry_after
from bot.whatsapp.sender import address, in_window, map_error
from bot.whatsapp.split import LIMIT, split_text
from bot.whatsapp.state import dialogue_key
from domain.delivery import Failed, RetryLater, Skipped, Unreachable

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def test_short_text_is_one_part_and_empty_text_none():
    assert split_text("  hello  ") == ["hello"]
    assert split_text(" \n ") == []


def test_paragraphs_are_kept_whole_when_they_fit():
    first, second = "a" * 1000, "b" * 1000
    assert split_text(f"{first}\n\n{second}") == [first, second]


def test_a_long_paragraph_is_cut_between_lines_then_between_words():
    line = ("word " * 100).strip()  # 499 characters
    paragraph = "\n".join([line] * 10)
    parts = split_text(paragraph)
    assert all(len(p) <= LIMIT for p in parts) and "\n".join(parts) == paragraph
    words = ("слово " * 1000).strip()
    parts = split_text(words)
    assert all(len(p) <= LIMIT for p in parts) and " ".join(parts) == words
    assert all(not p.startswith(" ") and not p.endswith("сл") for p in parts)


def test_a_single_enormous_word_is_cut_as_a_last_resort():
    parts = split_text("x" * 4000)
    assert [len(p) for p in parts] == [1600, 1600, 800]


def test_retry_after_as_seconds_or_as_a_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Sun, 22 Nov 2026 07:00:30 GMT", now=NOW.timestamp()) == 30.0
    assert parse_retry_after("Sun, 22 Nov 2026 06:00:00 GMT", now=NOW.timestamp()) == 0.0


def test_the_base_url_replaces_twilios_host_only():
    client = BaseUrlHttpClient("http://127.0.0.1:9090/")
    url = f"{TWILIO_API}/2010-04-01/Accounts/AC1/Messages.json"
    assert client.rewrite(url) == "http://127.0.0.1:9090/2010-04-01/Accounts/AC1/Messages.json"
    assert client.rewrite("https://content.twilio.com/v1/x") == "https://content.twilio.com/v1/x"
    assert BaseUrlHttpClient(None).rewrite(url) == url


def test_twilio_errors_map_to_what_the_outbox_does_next():
    assert isinstance(map_error(429, 20429), RetryLater)
    assert map_error(503, None) == Failed("twilio 503", retryable=True)
    assert isinstance(map_error(400, 63016), Skipped)
    assert isinstance(map_error(400, 21610), Unreachable)
    assert isinstance(map_error(400, 63024), Unreachable)
    assert map_error(400, 21617) == Failed("twilio 21617")
    assert map_error(401, 20003).retryable is False  # type: ignore[union-attr]


def test_the_window_is_24_hours_from_the_last_inbound_message():
    assert in_window(NOW - timedelta(hours=23, minutes=59), NOW)
    assert not in_window(NOW - timedelta(hours=24), NOW)
    assert not in_window(None, NOW)


def test_addresses_and_dialogue_keys():
    assert address("79161234567") == "whatsapp:+79161234567"
    key = dialogue_key("token", "79161234567")
    assert len(key) == 64 and "79161234567" not in key
    assert key == dialogue_key("token", "79161234567") != dialogue_key("other", "79161234567")
