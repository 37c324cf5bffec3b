"""Use cases record what happened; the one reactions table turns it into outbox messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.customers import Channel
from domain.events import (
    CustomerJoined,
    CustomerRegistered,
    Event,
    PointsEarned,
    PointsReversed,
    RedemptionRequested,
    RepairCancelled,
    RepairCompleted,
    RepairStatusChanged,
    TierUpgraded,
)
from domain.ledger import EntryKind
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.rules import ProgramRules
from domain.services.redemptions import request_redemption
from domain.services.repairs import RepairOutcome, record_repair_event
from tests.builders import registered
from tests.fakes import FakeUnitOfWork

PHONE = "+79161234567"


def _event(event_id: str, status: RepairStatus, at: datetime, amount: int | None = None) -> RecordRepairEvent:
    kind = {
        RepairStatus.COMPLETED: RepairEventType.COMPLETED,
        RepairStatus.CANCELLED: RepairEventType.CANCELLED,
    }.get(status, RepairEventType.STATUS_CHANGED)
    return RecordRepairEvent(
        event_id=event_id,
        type=kind,
        order_id="R-1",
        phone=PHONE,
        status=status,
        device_category=DeviceCategory.PHONE,
        occurred_at=at,
        amount_minor=amount,
        device_brand="Apple",
        device_model="iPhone 13",
    )


async def _apply(uow: FakeUnitOfWork, rules: ProgramRules, event: RecordRepairEvent, now: datetime):
    async with uow:
        outcome = await record_repair_event(uow, rules, event, now)
        await uow.commit()
    return outcome


def _kinds(outcome: RepairOutcome) -> list[type[Event]]:
    return [type(e) for e in outcome.events]


async def test_a_completed_repair_records_points_earned_and_its_reaction_queues_the_message(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    outcome = await _apply(uow, rules, _event("e1", RepairStatus.COMPLETED, clock.now(), 450000), clock.now())
    assert _kinds(outcome) == [RepairCompleted, PointsEarned]
    earned = outcome.events[1]
    assert isinstance(earned, PointsEarned)
    assert (earned.customer_id, earned.kind, earned.points, earned.balance) == (cid, EntryKind.EARN, 135, 335)
    assert earned.order_id == "R-1" and earned.paid_minor == 450000 and earned.expires_in_days == 365
    message = uow.store.outbox[f"points_earned:{earned.entry_id}"]
    assert message.customer_id == cid and message.template == "points_earned"
    assert message.context == {
        "order_id": "R-1",
        "points": 135,
        "balance": 335,
        "paid_minor": 450000,
        "expires_days": 365,
    }


async def test_a_completion_that_reaches_a_tier_records_the_upgrade_and_tells_it(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    outcome = await _apply(
        uow, rules, _event("e1", RepairStatus.COMPLETED, clock.now(), 2_000_000), clock.now()
    )
    assert _kinds(outcome) == [RepairCompleted, PointsEarned, TierUpgraded]
    assert outcome.events[2] == TierUpgraded(
        at=clock.now(), customer_id=cid, tier_key="silver", order_id="R-1"
    )
    message = uow.store.outbox[f"tier_upgraded:{cid}:silver:R-1"]
    assert message.context["tier_key"] == "silver" and message.context["earn_rate_percent"] == "5"
    assert [m.template for m in uow.store.outbox.values()] == [
        "points_earned",
        "tier_upgraded",
        "badge_awarded",
    ]


async def test_a_cancellation_after_completion_records_the_reversal_and_tells_what_went_back(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    now = clock.now()
    await _apply(uow, rules, _event("e1", RepairStatus.COMPLETED, now, 450000), now)
    later = now + timedelta(minutes=1)
    outcome = await _apply(uow, rules, _event("e2", RepairStatus.CANCELLED, later), later)
    assert _kinds(outcome) == [PointsReversed, RepairCancelled]
    reversal, cancelled = outcome.events
    assert isinstance(reversal, PointsReversed) and reversal.points == -135 and reversal.balance == 200
    assert cancelled == RepairCancelled(
        at=later, order_id="R-1", customer_id=cid, taken_back=135, given_back=0, balance=200
    )
    message = uow.store.outbox["repair:R-1:status:cancelled"]
    assert message.context == {"order_id": "R-1", "taken_back": 135, "given_back": 0, "balance": 200}


async def test_every_status_change_is_recorded_but_only_the_told_ones_queue_a_message(rules, clock):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now())
    now = clock.now()
    received = await _apply(uow, rules, _event("e1", RepairStatus.RECEIVED, now), now)
    diagnostics = await _apply(uow, rules, _event("e2", RepairStatus.DIAGNOSTICS, now), now)
    assert _kinds(received) == _kinds(diagnostics) == [RepairStatusChanged]
    assert isinstance(diagnostics.events[0], RepairStatusChanged)
    assert diagnostics.events[0].status is RepairStatus.DIAGNOSTICS
    assert list(uow.store.outbox) == ["repair:R-1:status:received"]
    assert uow.store.outbox["repair:R-1:status:received"].context == {
        "order_id": "R-1",
        "device_category": "phone",
        "device": "Apple iPhone 13",
        "eta": None,
    }


async def test_registration_records_the_new_customer_and_the_welcome_bonus_without_a_message(rules, clock):
    uow = FakeUnitOfWork()
    result = await registered(uow, rules, clock.now())
    cid = result.customer.id
    assert cid is not None and result.welcome is not None and result.welcome.entry.id is not None
    assert result.events == (
        CustomerRegistered(
            at=clock.now(), customer_id=cid, channel=Channel.TELEGRAM, referred_by_id=None, linked_repairs=0
        ),
        PointsEarned(
            at=clock.now(),
            customer_id=cid,
            entry_id=result.welcome.entry.id,
            kind=EntryKind.WELCOME,
            points=200,
            balance=200,
            expires_in_days=90,
        ),
    )
    assert uow.store.outbox == {}  # the welcome screen tells the bonus


@pytest.mark.parametrize("channel", [Channel.TELEGRAM, Channel.WHATSAPP])
async def test_joining_through_any_channel_takes_the_answers_given_just_now(rules, clock, channel):
    uow = FakeUnitOfWork()
    first = await registered(uow, rules, clock.now(), channel=Channel.WHATSAPP, external_id="first")
    cid = first.customer.id
    later = clock.now() + timedelta(days=1)
    again = await registered(
        uow,
        rules,
        later,
        channel=channel,
        external_id="second",
        marketing_opt_in=False,
        birthday=date(1990, 5, 1),
    )
    assert again.joined_existing and again.customer.id == cid
    assert again.events == (CustomerJoined(at=later, customer_id=cid, channel=channel),)
    assert again.customer.marketing_opt_in is False and again.customer.marketing_consent_at == later
    assert again.customer.birthday == date(1990, 5, 1) and again.customer.birthday_set_at == later
    # A birthday already known is changed only on purpose, not by joining once more.
    third = await registered(
        uow, rules, later, channel=channel, external_id="third", birthday=date(1991, 1, 1)
    )
    assert third.customer.birthday == date(1990, 5, 1) and third.customer.marketing_opt_in is True


async def test_the_one_time_code_is_sent_as_a_sensitive_message_and_never_shown_in_the_event(rules, clock):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now())
    await _apply(uow, rules, _event("e1", RepairStatus.RECEIVED, clock.now()), clock.now())
    seen: list[RedemptionRequested] = []
    reactions = ProgramReactions(rules)

    async def keep(uow: UnitOfWork, event: RedemptionRequested) -> None:
        seen.append(event)

    reactions.on(RedemptionRequested, keep)
    desk = FakeUnitOfWork(uow.store, reactions)
    async with desk:
        redemption = await request_redemption(
            desk, rules, phone=PHONE, points=50, order_id="R-1", bill_minor=20000, now=clock.now()
        )
        await desk.commit()
    message = uow.store.outbox[f"redemption_code:{redemption.id}"]
    assert message.sensitive and message.template == "redemption_code"
    assert message.context["code"] == seen[0].code and message.context["ttl_minutes"] == 10
    assert seen[0].code not in repr(seen[0])


async def test_a_reaction_may_record_more_events_which_follow_in_their_turn(rules, clock):
    order: list[str] = []
    reactions = ProgramReactions(rules)

    async def reward_the_friend(uow: UnitOfWork, event: CustomerRegistered) -> None:
        order.append("registered")
        await uow.record(
            TierUpgraded(at=event.at, customer_id=event.customer_id, tier_key="gold", order_id="x")
        )

    async def note_points(uow: UnitOfWork, event: PointsEarned) -> None:
        order.append(f"points:{event.kind.value}")

    async def note_tier(uow: UnitOfWork, event: TierUpgraded) -> None:
        order.append(f"tier:{event.tier_key}")

    reactions.on(CustomerRegistered, reward_the_friend)
    reactions.on(PointsEarned, note_points)
    reactions.on(TierUpgraded, note_tier)
    uow = FakeUnitOfWork(reactions=reactions)
    result = await registered(uow, rules, clock.now())
    # Breadth first: the welcome bonus recorded with the registration comes before the follow-up.
    assert order == ["registered", "points:welcome", "tier:gold"]
    assert list(uow.store.outbox) == [f"tier_upgraded:{result.customer.id}:gold:x"]


async def test_what_a_reaction_wrote_is_rolled_back_with_the_change(rules, clock):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now())
    async with uow:
        outcome = await record_repair_event(
            uow, rules, _event("e1", RepairStatus.READY, clock.now()), clock.now()
        )
        assert _kinds(outcome) == [RepairStatusChanged]
        assert list(uow.store.outbox) == ["repair:R-1:status:ready"]  # seen inside the transaction
    assert uow.store.outbox == {} and uow.store.repairs == {}
    async with uow:
        await uow.commit()  # a rolled back event does not come back with a later commit
    assert uow.store.outbox == {}
