"""What the outbox does with a due message before any channel is asked: send it, hold it, or skip it.

Transactional messages (repair status, points earned, redemption codes) are never held and need no
marketing consent. Marketing messages are skipped for a customer who has withdrawn consent, even when
they were queued before, held during the shop's quiet hours, and skipped over the weekly cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.customers import Customer
from domain.outbox import OutboxMessage
from domain.rules import MarketingRules

CAP_WINDOW = timedelta(days=7)
CUSTOMER_DELETED = "customer_deleted"
MARKETING_OPT_OUT = "marketing_opt_out"
FREQUENCY_CAP = "frequency_cap"


@dataclass(frozen=True)
class Send:
    pass


@dataclass(frozen=True)
class Hold:
    """Not now: due again at `until` (UTC), with no attempt counted."""

    until: datetime


@dataclass(frozen=True)
class Skip:
    reason: str


Decision = Send | Hold | Skip


def decide(
    message: OutboxMessage,
    customer: Customer | None,
    *,
    now: datetime,
    rules: MarketingRules,
    timezone: ZoneInfo,
    marketing_sent_last_week: int,
) -> Decision:
    """`marketing_sent_last_week`: marketing messages sent to this customer since `now - CAP_WINDOW`."""
    if customer is None or customer.is_deleted:
        return Skip(CUSTOMER_DELETED)
    if not message.marketing:
        return Send()
    if not customer.marketing_opt_in:
        return Skip(MARKETING_OPT_OUT)
    opens = quiet_hours_end(now, rules.quiet_start, rules.quiet_end, timezone)
    if opens is not None:
        return Hold(opens)
    if marketing_sent_last_week >= rules.max_messages_per_week:
        return Skip(FREQUENCY_CAP)
    return Send()


def quiet_hours_end(now: datetime, start: time, end: time, timezone: ZoneInfo) -> datetime | None:
    """When the quiet window that `now` falls in opens again (UTC), or None outside it.

    The window is [start, end) in the shop's local time and may cross midnight (21:00-09:00);
    start == end means no quiet hours.
    """
    if start == end:
        return None
    local = now.astimezone(timezone)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    opens = datetime.combine(day, end, tzinfo=timezone)
    return opens.astimezone(UTC)
