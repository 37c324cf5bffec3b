"""The `[kpi]` rules section and the KPI period: defaults, and refusals that name what is wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.rules_file import DEFAULT_RULES, RulesError, load_rules, parse_rules
from domain.reports import GroupOutcome, InvalidPeriod, average_minor, kpi_period, rate

DEFAULT = DEFAULT_RULES.read_text(encoding="utf-8")
KPI_SECTION = 'message_price = { telegram = "0", whatsapp = "5.50" }'


def test_the_shipped_kpi_rules_are_the_issues_defaults():
    kpi = load_rules().kpi
    assert (kpi.churn_horizon_days, kpi.attribution_days) == (365, 30)
    assert kpi.message_price_minor == {"telegram": 0, "whatsapp": 550}


def test_a_rules_file_without_a_kpi_section_gets_the_defaults():
    text = DEFAULT[: DEFAULT.index("[kpi]")]
    assert parse_rules(text).kpi == load_rules().kpi


@pytest.mark.parametrize(
    ("new", "key"),
    [
        ('message_price = { telegram = "0", whatsapp = 5.5 }', "kpi.message_price.whatsapp"),
        ('message_price = { telegram = "-1" }', "kpi.message_price.telegram"),
        ('message_price = { telegram = "0.555" }', "kpi.message_price.telegram"),
        ('message_price = { sms = "1.00" }', "kpi.message_price.sms"),
        ("attribution_days = 0", "kpi.attribution_days"),
        ("churn_horizon_days = -5", "kpi.churn_horizon_days"),
        ("horizon = 3", "kpi.horizon"),
    ],
)
def test_a_bad_kpi_value_is_reported_with_its_key(new: str, key: str):
    text = DEFAULT.replace("attribution_days = 30", "").replace("churn_horizon_days = 365", "")
    with pytest.raises(RulesError) as refused:
        parse_rules(text.replace(KPI_SECTION, new))
    assert key in str(refused.value)


def test_a_period_is_the_shops_days_from_midnight_to_midnight():
    period = kpi_period(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 2), "Europe/Moscow")
    assert period.start == datetime(2026, 10, 31, 21, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 30, 21, tzinfo=UTC)


def test_without_bounds_the_period_is_the_last_30_days_up_to_today():
    period = kpi_period(None, None, date(2026, 11, 22), "Europe/Moscow")
    assert (period.first, period.last) == (date(2026, 10, 24), date(2026, 11, 22))
    only_to = kpi_period(None, date(2026, 3, 30), date(2026, 11, 22), "Europe/Moscow")
    assert only_to.first == date(2026, 3, 1)


def test_a_period_backwards_or_too_long_is_refused_naming_the_field():
    with pytest.raises(InvalidPeriod) as backwards:
        kpi_period(date(2026, 11, 2), date(2026, 11, 1), date(2026, 12, 1), "Europe/Moscow")
    assert backwards.value.field == "from"
    last = date(2026, 11, 30)
    longest = kpi_period(last - timedelta(3659), last, date(2026, 12, 1), "Europe/Moscow")
    assert (longest.last - longest.first).days + 1 == 3660
    with pytest.raises(InvalidPeriod) as too_long:
        kpi_period(last - timedelta(3660), last, date(2026, 12, 1), "Europe/Moscow")
    assert too_long.value.field == "to"


def test_rates_and_averages_over_nothing_are_none_never_a_division_error():
    assert rate(1, 0) is None and average_minor(100, 0) is None
    assert GroupOutcome(0, 0, 0).revenue_per_customer_minor is None
    assert rate(2, 3) == Decimal("0.6667") and rate(1, 8) == Decimal("0.125")
    assert average_minor(5, 2) == 2 and average_minor(7, 2) == 4  # half a kopeck: to even
