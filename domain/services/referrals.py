"""Referral rewards that cannot be gamed: the friend's bonus, the referrer's reward, the refusals.

The friend's bonus comes at registration; the referrer's reward only with the friend's FIRST
completed repair, when it is paid with at least `referral.min_first_repair` ("first" means
first: a smaller first repair settles the referral for good). A cancelled qualifying repair
reverses the reward once. The friend's row is locked while it is decided, and the referrer's
while the month's rewards are counted, so two replicas pay once and the cap holds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.customers import Customer
from domain.errors import CustomerDeleted
from domain.events import (
    PointsEarned,
    ReferralRefused,
    ReferralReversed,
    ReferralRewarded,
    RepairCancelled,
    RepairCompleted,
)
from domain.ledger import EntryKind
from domain.ports import UnitOfWork
from domain.referrals import Referral, ReferralStatus, RefusalReason, friend_key, phone_fingerprint
from domain.rules import ProgramRules
from domain.services.points import earn_points, reverse_entry


@dataclass(frozen=True)
class Admission:
    """What a new member may be given, decided by their phone's fingerprint."""

    welcome_allowed: bool
    referral: Referral | None


async def live_referral_code(uow: UnitOfWork, code: str | None) -> str | None:
    """The code if it belongs to a current member, else None: an unknown or a deleted member's code is
    ignored, so the invitation screen promises no bonus and says nothing about anyone."""
    if code is None:
        return None
    owner = await uow.customers.by_referral_code(code)
    return code if owner is not None and not owner.is_deleted else None


async def fingerprint_of(uow: UnitOfWork, phone: str, now: datetime) -> str:
    secret = await uow.phone_marks.installation_secret(secrets.token_bytes(32), now)
    return phone_fingerprint(secret, phone)


async def admit_new_member(
    uow: UnitOfWork,
    rules: ProgramRules,
    customer: Customer,
    referrer: Customer | None,
    linked_repairs: int,
    now: datetime,
) -> Admission:
    """Decide the welcome and the referral of a new member, pay the friend's bonus, remember the phone.

    A phone the program has seen (a former account's fingerprint, repairs kept before joining)
    gets no second welcome bonus and cannot be referred.
    """
    assert customer.id is not None and customer.phone is not None
    fingerprint = await fingerprint_of(uow, customer.phone, now)
    mark = await uow.phone_marks.get(fingerprint)
    welcome_allowed = mark is None or not mark.welcome_granted
    referral = None
    if referrer is not None and referrer.id is not None:
        known = mark is not None or linked_repairs > 0
        referral = await uow.referrals.add(
            Referral(
                source_key=friend_key(customer.id),
                referrer_id=referrer.id,
                friend_id=customer.id,
                status=ReferralStatus.REFUSED if known else ReferralStatus.PENDING,
                reason=RefusalReason.KNOWN_PHONE if known else None,
                created_at=now,
                updated_at=now,
            )
        )
        if known:
            await _refused(uow, referral, now)
        else:
            await _pay_friend(uow, rules, customer.id, now)
    await uow.phone_marks.mark(
        fingerprint,
        now,
        welcome_granted=welcome_allowed and rules.welcome.points > 0,
        referred=referral is not None,
    )
    return Admission(welcome_allowed, referral)


async def refuse_later_link(uow: UnitOfWork, customer: Customer, referrer: Customer, now: datetime) -> None:
    """A member who opens a link again: their referrer was fixed at registration (or is themselves)."""
    assert customer.id is not None and referrer.id is not None
    reason = RefusalReason.SELF_REFERRAL if referrer.id == customer.id else RefusalReason.ALREADY_MEMBER
    attempt = Referral(
        source_key=f"attempt:{customer.id}:{referrer.id}",
        referrer_id=referrer.id,
        friend_id=customer.id,
        status=ReferralStatus.REFUSED,
        reason=reason,
        created_at=now,
        updated_at=now,
    )
    await uow.referrals.add(attempt)  # once per pair: opening the link again changes nothing


async def _pay_friend(uow: UnitOfWork, rules: ProgramRules, friend_id: int, now: datetime) -> None:
    points = rules.referral.friend_bonus
    if points <= 0:
        return
    days = rules.referral.friend_bonus_expires_days or None
    result = await earn_points(
        uow,
        customer_id=friend_id,
        points=points,
        kind=EntryKind.REFERRAL,
        source_key=f"referral_friend:{friend_id}",
        now=now,
        expires_in_days=days,
    )
    assert result.entry.id is not None
    await uow.record(
        PointsEarned(
            at=now,
            customer_id=friend_id,
            entry_id=result.entry.id,
            kind=EntryKind.REFERRAL,
            points=result.entry.points,
            balance=result.balance,
            expires_in_days=days,
        )
    )


async def _refused(uow: UnitOfWork, referral: Referral, now: datetime) -> None:
    assert referral.id is not None and referral.reason is not None
    await uow.record(
        ReferralRefused(
            at=now,
            referral_id=referral.id,
            referrer_id=referral.referrer_id,
            friend_id=referral.friend_id,
            reason=referral.reason.value,
        )
    )


def month_bounds(at: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The calendar month holding `at`, in the shop's time zone."""
    local = at.astimezone(ZoneInfo(timezone))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start.month == 12:
        return start, start.replace(year=start.year + 1, month=1)
    end = start.replace(month=start.month + 1)
    return start, end


async def reward_referrer(
    uow: UnitOfWork, rules: ProgramRules, timezone: str, event: RepairCompleted
) -> None:
    """The friend's first completed repair settles their referral, for a reward or a refusal."""
    if event.customer_id is None:
        return
    referral = await uow.referrals.of_friend(event.customer_id, lock=True)
    if referral is None or referral.status is not ReferralStatus.PENDING:
        return
    referral.order_id, referral.updated_at = event.order_id, event.at
    reason = await _why_not(uow, rules, timezone, referral, event)
    if reason is not None:
        referral.status, referral.reason = ReferralStatus.REFUSED, reason
        if await uow.referrals.decide(referral, ReferralStatus.PENDING):
            await _refused(uow, referral, event.at)
        return
    assert referral.id is not None
    result = await earn_points(
        uow,
        customer_id=referral.referrer_id,
        points=rules.referral.referrer_bonus,
        kind=EntryKind.REFERRAL,
        source_key=f"referral_reward:{referral.id}",
        now=event.at,
        expires_in_days=rules.earning.expires_days or None,
        order_id=event.order_id,
    )
    assert result.entry.id is not None
    referral.status, referral.reward_entry_id, referral.rewarded_at = (
        ReferralStatus.REWARDED,
        result.entry.id,
        event.at,
    )
    if not await uow.referrals.decide(referral, ReferralStatus.PENDING):
        return
    await uow.record(
        ReferralRewarded(
            at=event.at,
            referral_id=referral.id,
            referrer_id=referral.referrer_id,
            friend_id=event.customer_id,
            entry_id=result.entry.id,
            points=result.entry.points,
            balance=result.balance,
            order_id=event.order_id,
        )
    )


async def _why_not(
    uow: UnitOfWork, rules: ProgramRules, timezone: str, referral: Referral, event: RepairCompleted
) -> RefusalReason | None:
    if event.paid_minor < rules.referral.min_first_repair_minor or rules.referral.referrer_bonus <= 0:
        return RefusalReason.FIRST_REPAIR_BELOW_MINIMUM
    repair = await uow.repairs.by_order(event.order_id)
    assert event.customer_id is not None
    if (
        repair is not None
        and repair.device_serial
        and await uow.referrals.serial_seen_elsewhere(repair.device_serial, event.customer_id, event.order_id)
    ):
        return RefusalReason.KNOWN_SERIAL
    # The referrer's lock serialises the month's count with another friend's completion.
    referrer = await uow.customers.lock(referral.referrer_id)
    if referrer is None or referrer.is_deleted:
        return RefusalReason.REFERRER_DELETED
    start, end = month_bounds(event.at, timezone)
    if await uow.referrals.rewarded_between(referral.referrer_id, start, end) >= rules.referral.monthly_cap:
        return RefusalReason.MONTHLY_CAP
    return None


async def reverse_referral_reward(uow: UnitOfWork, event: RepairCancelled) -> None:
    """A cancelled qualifying repair takes the reward back once, never below the referrer's balance."""
    if event.customer_id is None:
        return
    referral = await uow.referrals.of_friend(event.customer_id, lock=True)
    if (
        referral is None
        or referral.status is not ReferralStatus.REWARDED
        or referral.order_id != event.order_id
        or referral.reward_entry_id is None
    ):
        return
    assert referral.id is not None
    points = 0
    try:
        result = await reverse_entry(
            uow,
            entry_id=referral.reward_entry_id,
            source_key=f"referral_reversal:{referral.id}",
            now=event.at,
            reason=f"repair {event.order_id} cancelled",
        )
        points = result.entry.points
    except CustomerDeleted:
        pass  # the deleted referrer's points were forfeited with the account
    referral.status, referral.updated_at = ReferralStatus.REVERSED, event.at
    if await uow.referrals.decide(referral, ReferralStatus.REWARDED):
        await uow.record(
            ReferralReversed(
                at=event.at,
                referral_id=referral.id,
                referrer_id=referral.referrer_id,
                order_id=event.order_id,
                points=points,
            )
        )
