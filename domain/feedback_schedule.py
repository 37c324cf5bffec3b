"""When the daily `feedback_requests` job asks, and about which repairs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.delivery_policy import quiet_hours_end
from domain.feedback import FeedbackRules


def completed_window(day: date, rules: FeedbackRules, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of the shop day whose completed repairs are asked on `day`."""
    zone = ZoneInfo(timezone)
    completed_on = day - timedelta(days=rules.delay_days)
    start = datetime.combine(completed_on, time(0), tzinfo=zone)
    end = datetime.combine(completed_on + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def send_moment(
    day: date, rules: FeedbackRules, quiet_start: time, quiet_end: time, timezone: str, now: datetime
) -> datetime:
    """When the requests of `day` go out: `ask_at` that day, or now for a late run, and never in
    the quiet hours (a run that comes then waits for them to end)."""
    zone = ZoneInfo(timezone)
    moment = max(now, datetime.combine(day, rules.ask_at, tzinfo=zone).astimezone(UTC))
    return quiet_hours_end(moment, quiet_start, quiet_end, zone) or moment
