"""The outbox's policy over one due message: pure, with plain values for the customer and the clock."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.customers import Customer
from domain.delivery_policy import Hold, Send, Skip, decide, quiet_hours_end
from domain.outbox import OutboxMessage
from domain.rules import MarketingRules

MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3, no DST
RULES = MarketingRules(quiet_start=time(21), quiet_end=time(9), max_messages_per_week=2)
AT_02_MOSCOW = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # 02:00 on the 23rd in Moscow
AT_10_MOSCOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
OPENS = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 09:00 on the 23rd in Moscow


def _customer(*, opt_in: bool = True, deleted: bool = False) -> Customer:
    return Customer(
        "+79161234567", "Ivan", "ru", "bronze", AT_10_MOSCOW, AT_10_MOSCOW, "v1",
        marketing_opt_in=opt_in, deleted_at=AT_10_MOSCOW if deleted else None, id=1,
    )  # fmt: skip


def _message(*, marketing: bool) -> OutboxMessage:
    return OutboxMessage(1, "campaign", {}, "run-1:1", AT_10_MOSCOW, marketing=marketing)


def _decide(message, customer, now=AT_10_MOSCOW, sent=0):
    return decide(message, customer, now=now, rules=RULES, timezone=MOSCOW, marketing_sent_last_week=sent)


def test_a_marketing_message_due_in_quiet_hours_is_held_until_the_window_opens():
    assert _decide(_message(marketing=True), _customer(), now=AT_02_MOSCOW) == Hold(OPENS)


def test_a_transactional_message_is_never_held_nor_capped_nor_stopped_by_an_opt_out():
    message = _message(marketing=False)
    assert _decide(message, _customer(opt_in=False), now=AT_02_MOSCOW, sent=99) == Send()


def test_a_marketing_message_over_the_weekly_cap_is_skipped():
    assert _decide(_message(marketing=True), _customer(), sent=1) == Send()
    assert _decide(_message(marketing=True), _customer(), sent=2) == Skip("frequency_cap")


def test_a_customer_who_opted_out_gets_no_marketing_even_if_it_was_queued_before():
    assert _decide(_message(marketing=True), _customer(opt_in=False)) == Skip("marketing_opt_out")
    # the opt-out wins over quiet hours: nothing is held for a customer who will never get it
    assert _decide(_message(marketing=True), _customer(opt_in=False), now=AT_02_MOSCOW) == Skip(
        "marketing_opt_out"
    )


def test_a_deleted_or_missing_customer_gets_nothing():
    assert _decide(_message(marketing=False), _customer(deleted=True)) == Skip("customer_deleted")
    assert _decide(_message(marketing=False), None) == Skip("customer_deleted")


@pytest.mark.parametrize(
    ("local", "opens"),
    [
        ("20:59", None),
        ("21:00", "2026-11-23 09:00"),
        ("23:30", "2026-11-23 09:00"),
        ("00:00", "2026-11-22 09:00"),
        ("08:59", "2026-11-22 09:00"),
        ("09:00", None),
    ],
)
def test_quiet_hours_cross_midnight_in_the_shops_time_zone(local, opens):
    day = "2026-11-22"
    now = datetime.fromisoformat(f"{day} {local}").replace(tzinfo=MOSCOW)
    expected = datetime.fromisoformat(opens).replace(tzinfo=MOSCOW) if opens else None
    assert quiet_hours_end(now.astimezone(UTC), time(21), time(9), MOSCOW) == expected


def test_a_window_within_one_day_and_an_empty_window():
    noon = datetime(2026, 11, 22, 12, 0, tzinfo=MOSCOW)
    assert quiet_hours_end(noon, time(13), time(14), MOSCOW) is None
    assert quiet_hours_end(noon, time(11), time(14), MOSCOW) == datetime(2026, 11, 22, 14, tzinfo=MOSCOW)
    assert quiet_hours_end(noon, time(9), time(9), MOSCOW) is None


def test_the_window_opens_at_the_local_time_across_a_dst_change():
    berlin = ZoneInfo("Europe/Berlin")  # clocks go forward on 29 March 2026
    night = datetime(2026, 3, 28, 23, 0, tzinfo=berlin)
    opens = quiet_hours_end(night, time(21), time(9), berlin)
    assert opens == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
