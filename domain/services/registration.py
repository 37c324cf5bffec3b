"""Registration and consents."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.consents import ConsentKind, ConsentRecord
from domain.customers import Channel, ChannelIdentity, Customer, Registration
from domain.errors import ConsentRequired
from domain.events import CustomerJoined, CustomerRegistered, Event, PointsEarned
from domain.ledger import EntryKind, LedgerResult
from domain.ports import UnitOfWork
from domain.rules import ProgramRules, Tier
from domain.services.customers import live_customer
from domain.services.earning import earn_for_linked_repairs
from domain.services.points import earn_points
from domain.services.referrals import admit_new_member, refuse_later_link
from domain.services.tiers import apply_tier_upgrade


@dataclass(frozen=True)
class RegistrationResult:
    customer: Customer
    joined_existing: bool
    welcome: LedgerResult | None
    linked_repairs: int
    tier_upgrade: Tier | None
    events: tuple[Event, ...] = field(default=())


def new_referral_code() -> str:
    """URL- and Telegram-payload-safe: [A-Za-z0-9_-], 11 characters."""
    return secrets.token_urlsafe(8)


async def register_customer(
    uow: UnitOfWork, rules: ProgramRules, registration: Registration, now: datetime
) -> RegistrationResult:
    """Create the customer with the welcome bonus, or join the channel to the one who owns the phone."""
    if not registration.policy_version:
        raise ConsentRequired("personal-data consent is needed before registration")
    existing = await uow.customers.by_phone(registration.phone)
    if existing is not None:
        return await _join(uow, existing, registration, now, await _referrer(uow, registration))

    referrer = await _referrer(uow, registration)
    referrer_id = referrer.id if referrer is not None else None
    customer = await uow.customers.add(
        Customer(
            phone=registration.phone,
            name=registration.name,
            locale=registration.locale,
            tier=rules.base_tier.key,
            registered_at=now,
            pd_consent_at=now,
            pd_policy_version=registration.policy_version,
            marketing_opt_in=registration.marketing_opt_in,
            marketing_consent_at=now if registration.marketing_opt_in else None,
            birthday=registration.birthday,
            birthday_set_at=now if registration.birthday else None,
            tier_changed_at=now,
            referral_code=new_referral_code(),
            referred_by_id=referrer_id,
        )
    )
    assert customer.id is not None
    await _attach_identity(uow, customer, registration, now)
    await _log_consents(uow, customer.id, registration, now)
    since = now - timedelta(days=rules.linking_max_age_days)  # older ones may be a previous owner's
    linked = await uow.repairs.link_phone(registration.phone, customer.id, since)
    events: list[Event] = [
        CustomerRegistered(
            at=now,
            customer_id=customer.id,
            channel=registration.channel,
            referred_by_id=referrer_id,
            linked_repairs=len(linked),
        )
    ]
    # Past repairs count for the tier the customer starts on (not an upgrade they are told
    # about); points for them only if the rules say so.
    upgrade = await apply_tier_upgrade(uow, rules, customer, now) if linked else None
    if linked:
        await earn_for_linked_repairs(uow, rules, customer, linked, now, events)
    admission = await admit_new_member(uow, rules, customer, referrer, len(linked), now)
    welcome = None
    if rules.welcome.points > 0 and admission.welcome_allowed:
        welcome = await earn_points(
            uow,
            customer_id=customer.id,
            points=rules.welcome.points,
            kind=EntryKind.WELCOME,
            source_key=f"welcome:{customer.id}",
            now=now,
            expires_in_days=rules.welcome.expires_days,
        )
        assert welcome.entry.id is not None
        events.append(
            PointsEarned(
                at=now,
                customer_id=customer.id,
                entry_id=welcome.entry.id,
                kind=EntryKind.WELCOME,
                points=welcome.entry.points,
                balance=welcome.balance,
                expires_in_days=rules.welcome.expires_days,
            )
        )
    await uow.record(*events)
    return RegistrationResult(
        customer,
        joined_existing=False,
        welcome=welcome,
        linked_repairs=len(linked),
        tier_upgrade=upgrade,
        events=tuple(events),
    )


async def _referrer(uow: UnitOfWork, registration: Registration) -> Customer | None:
    """The live owner of the code; an unknown code is ignored, telling nobody anything."""
    if not registration.referral_code:
        return None
    referrer = await uow.customers.by_referral_code(registration.referral_code)
    return referrer if referrer is not None and not referrer.is_deleted else None


async def _join(
    uow: UnitOfWork,
    customer: Customer,
    registration: Registration,
    now: datetime,
    referrer: Customer | None = None,
) -> RegistrationResult:
    """One person, one account, whatever the channel: the new channel joins the phone's owner.

    The answers given just now are the customer's latest word: their marketing consent, and
    their birthday when they had none (a known birthday is changed only on purpose).
    """
    customer_id = customer.id
    assert customer_id is not None
    await _attach_identity(uow, customer, registration, now)
    if referrer is not None:
        await refuse_later_link(uow, customer, referrer, now)
    await _renew_consent(uow, customer_id, registration, now)
    customer = await set_marketing_consent(
        uow, customer_id, registration.marketing_opt_in, now, channel=registration.channel
    )
    if registration.birthday and customer.birthday is None:
        customer = await set_birthday(uow, customer_id, registration.birthday, now)
    joined = CustomerJoined(at=now, customer_id=customer_id, channel=registration.channel)
    await uow.record(joined)
    return RegistrationResult(
        customer, joined_existing=True, welcome=None, linked_repairs=0, tier_upgrade=None, events=(joined,)
    )


async def _attach_identity(
    uow: UnitOfWork, customer: Customer, registration: Registration, now: datetime
) -> None:
    if registration.channel is None or registration.external_id is None:
        return
    assert customer.id is not None
    known = await uow.identities.get(registration.channel, registration.external_id)
    if known is not None:
        if known.customer_id != customer.id:
            known.customer_id = customer.id
            await uow.identities.update(known)
        return
    await uow.identities.add(
        ChannelIdentity(
            customer_id=customer.id,
            channel=registration.channel,
            external_id=registration.external_id,
            created_at=now,
            locale_hint=registration.locale,
            last_inbound_at=now,
        )
    )


async def set_marketing_consent(
    uow: UnitOfWork, customer_id: int, opt_in: bool, now: datetime, *, channel: Channel | None = None
) -> Customer:
    """Opt in or out of marketing; effective at once, and the change goes into the consent history."""
    customer = await live_customer(uow, customer_id, lock=True)
    if customer.marketing_opt_in != opt_in:
        customer.marketing_opt_in = opt_in
        customer.marketing_consent_at = now
        await uow.customers.update(customer)
        await uow.consents.append(
            ConsentRecord(
                customer_id=customer_id, kind=ConsentKind.MARKETING, granted=opt_in, channel=channel, at=now
            )
        )
    return customer


async def _log_consents(uow: UnitOfWork, customer_id: int, registration: Registration, now: datetime) -> None:
    """A new member's two answers: the personal-data consent, and yes or no to marketing."""
    await uow.consents.append(_personal_data(customer_id, registration, now))
    await uow.consents.append(
        ConsentRecord(
            customer_id=customer_id,
            kind=ConsentKind.MARKETING,
            granted=registration.marketing_opt_in,
            channel=registration.channel,
            at=now,
        )
    )


async def _renew_consent(
    uow: UnitOfWork, customer_id: int, registration: Registration, now: datetime
) -> None:
    """A channel joining an account was agreed to just now, to the document shown now: that is the
    consent in force from here on, and the earlier one stays in the history."""
    customer = await live_customer(uow, customer_id, lock=True)
    customer.pd_consent_at, customer.pd_policy_version = now, registration.policy_version
    await uow.customers.update(customer)
    await uow.consents.append(_personal_data(customer_id, registration, now))


def _personal_data(customer_id: int, registration: Registration, now: datetime) -> ConsentRecord:
    return ConsentRecord(
        customer_id=customer_id,
        kind=ConsentKind.PERSONAL_DATA,
        granted=True,
        channel=registration.channel,
        document_version=registration.policy_version,
        document_hash=registration.document_hash,
        at=now,
    )


async def set_locale(uow: UnitOfWork, customer_id: int, locale: str) -> Customer:
    customer = await live_customer(uow, customer_id, lock=True)
    customer.locale = locale
    await uow.customers.update(customer)
    return customer


async def set_birthday(uow: UnitOfWork, customer_id: int, birthday: date, now: datetime) -> Customer:
    """Change the birthday; `birthday_set_at` restarts the waiting time before a birthday bonus."""
    customer = await live_customer(uow, customer_id, lock=True)
    if customer.birthday != birthday:
        customer.birthday = birthday
        customer.birthday_set_at = now
        await uow.customers.update(customer)
    return customer
