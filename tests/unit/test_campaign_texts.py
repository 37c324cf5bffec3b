"""Campaign templates in their sandbox, and campaign schedules read by CronTrigger: what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.campaigns import InvalidCampaign
from domain.clock import FixedClock
from messages.campaigns import SandboxedCampaignTexts
from scheduler.recurrence import CronSchedules

CUSTOMER = {
    "name": "A&B",
    "points": 21,
    "tier": "Бронза",
    "next_tier": "",
    "points_to_next_tier": 0,
    "bonus_points": 0,
}


def test_a_plain_template_renders_with_agreeing_words_and_is_escaped_for_telegram():
    texts = SandboxedCampaignTexts()
    text = "{% if name %}{{ name }}, {% endif %}у вас {{ pts(points) }} <3"
    texts.check("message.ru", text)
    assert texts.render(text, CUSTOMER, locale="ru", channel="plain") == "A&B, у вас 21 балл <3"
    assert texts.render(text, CUSTOMER, locale="ru", channel="telegram") == "A&amp;B, у вас 21 балл &lt;3"
    assert texts.render(text, CUSTOMER | {"points": 5}, locale="en", channel="plain").endswith("5 points <3")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Привет, {{ nickname }}", "unknown variable(s) nickname"),
        ("{% if %}", "does not parse"),
        ("{{ ''.__class__ }}", "attributes and indexes"),
        ("{{ name[0] }}", "attributes and indexes"),  # breaks for a customer with no name
        ("{{ name.center(100000000) }}", "attributes and indexes"),
        ("{% for a in 'xxx' %}{{ a }}{% endfor %}", "loops"),
        ("{% set a = 'a' %}{{ a }}", "assignments"),
        ("{{ 'x' * 10**9 }}", "repeated text"),
        ("{{ 'x' * 1000 * 1000 }}", "repeated text"),
        ("{{ 9 ** 9 ** 9 }}", "powers"),
        ("{{ '%50000000d' % 1 }}", "% is for numbers"),
        ("{{ 'x'|center(200000000) }}", "unknown filter center"),
        ("{{ lipsum(1000000) }}", "unknown variable(s) lipsum"),
        ("{{ ('ab' * 4000) ~ ('ab' * 4000) }}", "more than 8000 characters"),
        ("{{ name }}", "empty message"),  # nothing at all for a customer with no name
        ("{{ points // (bonus_points - 1000) }}", "does not render"),  # the edge samples catch it
    ],
)
def test_a_template_that_could_break_or_blow_up_is_refused_with_the_reason(text, reason):
    with pytest.raises(InvalidCampaign) as refused:
        SandboxedCampaignTexts().check("message.ru", text)
    assert refused.value.field == "message.ru" and reason in refused.value.reason


CLOCK = FixedClock(datetime(2026, 12, 2, 7, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("cron", "reason"),
    [
        ("0 10 * * 1", "weekdays as names"),
        ("*/30 * * * *", "more than once an hour"),
        ("0 0 31 2 *", "never fires"),
        ("0 25 * * *", "not a valid crontab line"),
        ("0 10 * *", "five fields"),
        ("0 10 1 * MON", "not both"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused(cron, reason):
    with pytest.raises(InvalidCampaign) as refused:
        CronSchedules("Europe/Moscow", CLOCK).parse(cron)
    assert refused.value.field == "cron" and reason in refused.value.reason


def test_weekday_names_mean_what_they_say_in_the_shops_time_zone():
    recurrence = CronSchedules("Europe/Moscow", CLOCK).parse("0 10 * * MON")
    assert recurrence.next_after(CLOCK.now()) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 10:00 MSK


def test_a_daily_time_that_happens_twice_when_the_clocks_go_back_fires_once():
    recurrence = CronSchedules("America/New_York", CLOCK).parse("30 1 * * *")
    first = recurrence.next_after(datetime(2026, 11, 1, 0, 0, tzinfo=UTC))
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert recurrence.next_after(first) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # not 01:30 EST that day
