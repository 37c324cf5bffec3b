"""The program's KPIs for a period and a campaign's results: plain data, and the port that reads them.

Every definition is written down in docs/kpi.md; store/queries/kpi*.py computes them in SQL.
Money is in minor units (kopecks), points are whole numbers, rates are fractions 0..1 rounded to
four places, and a rate whose denominator is 0 is None (never a division error).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.rules import ProgramRules

MAX_PERIOD_DAYS = 3660
DEFAULT_PERIOD_DAYS = 30
_RATE = Decimal("0.0001")


class InvalidPeriod(DomainError):
    """A KPI period that cannot be reported on; `field` names the offending bound."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator to four places, None when there is nothing to divide by."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_RATE, rounding=ROUND_HALF_EVEN)


def average_minor(total_minor: int, count: int) -> int | None:
    """An average amount in whole minor units (half a kopeck rounds to even), None over nothing."""
    if count == 0:
        return None
    return int((Decimal(total_minor) / Decimal(count)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class KpiPeriod:
    """Shop days `first`..`last`, both included, as the UTC instants [start, end)."""

    first: date
    last: date
    start: datetime
    end: datetime


def kpi_period(first: date | None, last: date | None, today: date, timezone: str) -> KpiPeriod:
    """The period asked for: `to` defaults to today, `from` to 30 days before `to`. Refuses
    `from` after `to` and spans over MAX_PERIOD_DAYS, naming the field."""
    last = last or today
    first = first or last - timedelta(DEFAULT_PERIOD_DAYS - 1)
    if first > last:
        raise InvalidPeriod("from", f"{first.isoformat()} is after to={last.isoformat()}")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidPeriod("to", f"the period may span at most {MAX_PERIOD_DAYS} days")
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(1), time(0), tzinfo=zone)
    return KpiPeriod(first, last, start, end)


@dataclass(frozen=True)
class LtvPoint:
    """LTV as it stood at the end of one calendar month of the period (or at the period's end)."""

    month: str  # YYYY-MM
    members: int
    ltv_minor: int | None


@dataclass(frozen=True)
class MemberFigures:
    members: int  # members at the end of the period
    members_at_start: int
    new_members: int
    customers_seen: int  # distinct customers (members or not) with a completed repair in the period
    members_seen: int  # of those, the ones who were members at the repair
    member_repairs: int
    member_revenue_minor: int
    non_member_repairs: int
    non_member_revenue_minor: int
    repeat_members: int  # members seen with two completed repairs or more in the period
    churn_base: int  # members at the end who had been members for the whole churn horizon
    churned: int  # of those, the ones without a completed repair in the horizon
    lifetime_revenue_minor: int  # revenue of the members at the end, over their membership
    ltv_trend: tuple[LtvPoint, ...] = ()
    tiers: tuple[TierCount, ...] = ()  # today's members by their tier now (tiers keep no history)


@dataclass(frozen=True)
class PointsMonth:
    """Points issued, redeemed and expired in one calendar month of the period (its part in it)."""

    month: str  # YYYY-MM
    issued: int
    redeemed: int
    expired: int


@dataclass(frozen=True)
class TierCount:
    tier: str
    members: int


@dataclass(frozen=True)
class PointFigures:
    issued: int  # credited in the period, net of reversals of credits made in it
    redeemed: int  # spent on bills, net of reversed spends
    expired: int
    credits: int  # how many crediting entries (the average reward's denominator)
    outstanding: int  # points held by customers at the end of the period
    bonuses_spent: int  # of `redeemed`, the points drawn from bonus lots (welcome, birthday, ...)
    by_month: tuple[PointsMonth, ...] = ()


@dataclass(frozen=True)
class CostFigures:
    messages_by_channel: dict[str, int] = field(default_factory=dict)
    messaging_minor: int = 0


@dataclass(frozen=True)
class HoldoutFigures:
    """The campaign runs started in the period that held some recipients back."""

    runs: int = 0
    incremental_revenue_minor: int = 0


@dataclass(frozen=True)
class KpiReport:
    period: KpiPeriod
    members: MemberFigures
    points: PointFigures
    costs: CostFigures
    holdout: HoldoutFigures
    minor_per_point: int
    csat: Decimal | None = None  # CSAT: the share of 4-5 scores among the period's answers (docs/kpi.md)

    @property
    def participation_rate(self) -> Decimal | None:
        return rate(self.members.members_seen, self.members.customers_seen)

    @property
    def retention_rate(self) -> Decimal | None:
        """CRR = (E - N) / S."""
        m = self.members
        return rate(m.members - m.new_members, m.members_at_start)

    @property
    def churn_rate(self) -> Decimal | None:
        return rate(self.members.churned, self.members.churn_base)

    @property
    def repeat_visit_rate(self) -> Decimal | None:
        return rate(self.members.repeat_members, self.members.members_seen)

    @property
    def avg_check_members_minor(self) -> int | None:
        return average_minor(self.members.member_revenue_minor, self.members.member_repairs)

    @property
    def avg_check_non_members_minor(self) -> int | None:
        return average_minor(self.members.non_member_revenue_minor, self.members.non_member_repairs)

    @property
    def ltv_minor(self) -> int | None:
        return average_minor(self.members.lifetime_revenue_minor, self.members.members)

    @property
    def redemption_rate(self) -> Decimal | None:
        return rate(self.points.redeemed, self.points.issued) if self.points.issued > 0 else None

    @property
    def breakage(self) -> Decimal | None:
        return rate(self.points.expired, self.points.issued) if self.points.issued > 0 else None

    @property
    def avg_reward_minor(self) -> int | None:
        return average_minor(self.points.issued * self.minor_per_point, self.points.credits)

    @property
    def liability_minor(self) -> int:
        return self.points.outstanding * self.minor_per_point

    @property
    def redeemed_minor(self) -> int:
        return self.points.redeemed * self.minor_per_point

    @property
    def bonuses_spent_minor(self) -> int:
        return self.points.bonuses_spent * self.minor_per_point

    @property
    def program_cost_minor(self) -> int:
        """Redeemed points (bonus points spent among them, counted once) plus messaging."""
        return self.redeemed_minor + self.costs.messaging_minor

    @property
    def roi_basis(self) -> str:
        return "holdout" if self.holdout.runs > 0 else "members_vs_non_members"

    @property
    def attributable_revenue_minor(self) -> int | None:
        if self.holdout.runs > 0:
            return self.holdout.incremental_revenue_minor
        members, others = self.avg_check_members_minor, self.avg_check_non_members_minor
        if members is None or others is None:
            return None
        return (members - others) * self.members.member_repairs

    @property
    def roi(self) -> Decimal | None:
        return _roi(self.attributable_revenue_minor, self.program_cost_minor)


def _roi(attributable_minor: int | None, cost_minor: int) -> Decimal | None:
    if attributable_minor is None:
        return None
    return rate(attributable_minor - cost_minor, cost_minor) if cost_minor > 0 else None


@dataclass(frozen=True)
class GroupOutcome:
    """What one side of a campaign (the recipients it reached, or its holdout) did afterwards."""

    customers: int
    repairs: int
    revenue_minor: int

    @property
    def revenue_per_customer_minor(self) -> int | None:
        return average_minor(self.revenue_minor, self.customers)


@dataclass(frozen=True)
class CampaignResults:
    campaign_id: int
    runs: int
    recipients: int  # chosen to receive it (the holdout not included)
    delivered: int  # messages the platform accepted (status sent)
    holdout: int
    attribution_days: int
    reached: GroupOutcome  # the delivered recipients, from their delivery
    held_out: GroupOutcome  # the holdout, from their run's start
    bonus_points: int  # campaign bonus credited to its recipients
    messaging_minor: int
    minor_per_point: int

    @property
    def cost_minor(self) -> int:
        return self.bonus_points * self.minor_per_point + self.messaging_minor

    @property
    def lift_minor(self) -> int | None:
        """Revenue per reached recipient minus revenue per held-out member; None without a holdout."""
        reached, held = self.reached.revenue_per_customer_minor, self.held_out.revenue_per_customer_minor
        if reached is None or held is None:
            return None
        return reached - held

    @property
    def lift_rate(self) -> Decimal | None:
        reached, held = self.reached.revenue_per_customer_minor, self.held_out.revenue_per_customer_minor
        if reached is None or not held:
            return None
        return rate(reached - held, held)

    @property
    def incremental_revenue_minor(self) -> int | None:
        lift = self.lift_minor
        return None if lift is None else lift * self.reached.customers

    @property
    def roi(self) -> Decimal | None:
        return _roi(self.incremental_revenue_minor, self.cost_minor)


class Reports(abc.ABC):
    """Read-only report queries; each answers in a bounded number of statements."""

    @abc.abstractmethod
    async def kpi(self, period: KpiPeriod, rules: ProgramRules, timezone: str) -> KpiReport: ...

    @abc.abstractmethod
    async def campaign_results(self, campaign_id: int, rules: ProgramRules) -> CampaignResults | None:
        """None when there is no such campaign."""
