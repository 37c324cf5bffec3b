"""Registration, consents, phone ownership and non-member repairs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FixedClock
from domain.customers import Channel
from domain.errors import ConsentRequired
from domain.ledger import EntryKind
from domain.repairs import DeviceCategory, Repair, RepairStatus
from domain.rules import ProgramRules
from domain.services.registration import register_customer, set_marketing_consent
from tests.builders import registered, registration
from tests.fakes import FakeUnitOfWork


async def test_registration_records_consent_and_grants_the_welcome_bonus(
    rules: ProgramRules, clock: FixedClock
):
    uow = FakeUnitOfWork()
    result = await registered(uow, rules, clock.now(), marketing_opt_in=False)
    c = result.customer
    assert c.pd_consent_at == clock.now() and c.pd_policy_version == "2026-11-01"
    assert c.marketing_opt_in is False and c.marketing_consent_at is None
    assert c.tier == "bronze"
    assert result.welcome is not None and result.welcome.balance == 200
    assert result.welcome.entry.kind == EntryKind.WELCOME
    assert result.welcome.entry.expires_at == clock.now() + timedelta(days=90)
    assert c.referral_code and len(c.referral_code) <= 64


async def test_nothing_is_stored_without_personal_data_consent(rules: ProgramRules, clock: FixedClock):
    uow = FakeUnitOfWork()
    with pytest.raises(ConsentRequired):
        async with uow:
            await register_customer(uow, rules, registration(policy_version=""), clock.now())
    assert uow.store.customers == {}


async def test_a_known_phone_joins_the_existing_customer_instead_of_a_second_account(rules, clock):
    uow = FakeUnitOfWork()
    first = await registered(uow, rules, clock.now(), channel=Channel.WHATSAPP, external_id="79161234567")
    again = await registered(uow, rules, clock.now(), channel=Channel.TELEGRAM, external_id="42")
    assert again.joined_existing and again.welcome is None
    assert again.customer.id == first.customer.id
    async with uow:
        identities = await uow.identities.of_customer(first.customer.id)  # type: ignore[arg-type]
        assert {i.channel for i in identities} == {Channel.TELEGRAM, Channel.WHATSAPP}
        assert await uow.ledger.balance_of(first.customer.id) == 200  # type: ignore[arg-type]


async def test_repairs_of_a_non_member_are_linked_and_count_for_the_tier_without_retroactive_points(
    rules, clock
):
    uow = FakeUnitOfWork()
    async with uow:
        await uow.repairs.add(
            Repair(
                order_id="R-1",
                phone="+79161234567",
                status=RepairStatus.COMPLETED,
                device_category=DeviceCategory.LAPTOP,
                created_at=clock.now() - timedelta(days=40),
                updated_at=clock.now(),
                amount_minor=20_000_00,
                paid_money_minor=20_000_00,
                completed_at=clock.now() - timedelta(days=30),
            )
        )
        await uow.commit()
    result = await registered(uow, rules, clock.now())
    assert result.linked_repairs == 1
    assert result.tier_upgrade is not None and result.tier_upgrade.key == "silver"
    assert result.welcome is not None and result.welcome.balance == 200  # the welcome bonus only


async def test_a_referral_code_is_kept_and_a_bad_one_is_ignored(rules, clock):
    uow = FakeUnitOfWork()
    friend = await registered(uow, rules, clock.now(), phone="+79161112233")
    referred = await registered(
        uow, rules, clock.now(), phone="+79164445566", referral_code=friend.customer.referral_code
    )
    stranger = await registered(uow, rules, clock.now(), phone="+79167778899", referral_code="no-such-code")
    assert referred.customer.referred_by_id == friend.customer.id
    assert stranger.customer.referred_by_id is None


async def test_marketing_consent_can_be_withdrawn_and_given_again_at_once(rules, clock):
    uow = FakeUnitOfWork()
    c = (await registered(uow, rules, clock.now())).customer
    assert c.id is not None
    async with uow:
        assert (await set_marketing_consent(uow, c.id, False, clock.now())).marketing_opt_in is False
        await uow.commit()
    async with uow:
        stored = await uow.customers.get(c.id)
        assert stored is not None and stored.marketing_opt_in is False
        assert (await set_marketing_consent(uow, c.id, True, clock.now())).marketing_opt_in is True
