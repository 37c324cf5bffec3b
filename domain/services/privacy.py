"""The customer's rights: export their data, delete their account."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.consents import ConsentKind, ConsentRecord
from domain.customers import Customer
from domain.ledger import EntryKind
from domain.ports import UnitOfWork
from domain.services.customers import live_customer
from domain.services.points import lock_customer, spend_points
from domain.services.referrals import fingerprint_of


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_customer_data(uow: UnitOfWork, customer_id: int) -> dict[str, Any]:
    """Everything the program keeps about the customer, as plain JSON-ready data."""
    customer = await live_customer(uow, customer_id)
    identities = await uow.identities.of_customer(customer_id)
    entries = await uow.ledger.history(customer_id, limit=100_000)
    repairs = await uow.repairs.of_customer(customer_id, limit=100_000)
    feedback = await uow.feedback.of_customer(customer_id)
    return {
        "customer": {
            "id": customer.id,
            "phone": customer.phone,
            "name": customer.name,
            "birthday": _iso(customer.birthday),
            "locale": customer.locale,
            "tier": customer.tier,
            "points_balance": await uow.ledger.balance_of(customer_id),
            "registered_at": _iso(customer.registered_at),
            "referral_code": customer.referral_code,
        },
        "consents": {
            "personal_data": {
                "given_at": _iso(customer.pd_consent_at),
                "policy_version": customer.pd_policy_version,
            },
            "marketing": {
                "opt_in": customer.marketing_opt_in,
                "changed_at": _iso(customer.marketing_consent_at),
            },
        },
        "channels": [
            {"channel": i.channel.value, "id": i.external_id, "since": _iso(i.created_at)} for i in identities
        ],
        "ledger": [
            {
                "id": e.id,
                "kind": e.kind.value,
                "points": e.points,
                "at": _iso(e.created_at),
                "expires_at": _iso(e.expires_at),
                "order_id": e.order_id,
                "reason": e.reason,
            }
            for e in entries
        ],
        "repairs": [
            {
                "order_id": r.order_id,
                "device": {
                    "category": r.device_category.value,
                    "brand": r.device_brand,
                    "model": r.device_model,
                },
                "status": r.status.value,
                "amount": f"{(r.amount_minor or 0) / 100:.2f}" if r.amount_minor is not None else None,
                "created_at": _iso(r.created_at),
                "completed_at": _iso(r.completed_at),
            }
            for r in repairs
        ],
        "consent_history": [
            {
                "kind": c.kind.value,
                "granted": c.granted,
                "channel": c.channel.value if c.channel else None,
                "document_version": c.document_version,
                "at": _iso(c.at),
            }
            for c in await uow.consents.of_customer(customer_id)
        ],
        "data_requests": [
            {"kind": q.kind.value, "at": _iso(q.at), "by": q.author, "reason": q.reason}
            for q in await uow.data_requests.of_customer(customer_id)
        ],
        "feedback": [
            {
                "order_id": f.order_id,
                "asked_at": _iso(f.asked_at),
                "score": f.score,
                "answered_at": _iso(f.answered_at),
                "comment": f.comment,
            }
            for f in feedback
        ],
    }


async def delete_customer(uow: UnitOfWork, customer_id: int, now: datetime) -> None:
    """Erase personal data; keep the ledger and repair amounts, anonymous, for the program's totals
    (and repair scores, without their comments, for CSAT).

    The remaining points are forfeited through the ledger (an expiry entry), so the books
    still balance and the points liability no longer counts an account nobody can use. The
    phone's keyed fingerprint is kept (or made now), so the phone coming back is a known phone.
    """
    customer = await lock_customer(uow, customer_id)
    balance = await uow.ledger.balance_of(customer_id)
    if balance > 0:
        await spend_points(
            uow,
            customer_id=customer_id,
            points=balance,
            source_key=f"delete:{customer_id}",
            now=now,
            kind=EntryKind.EXPIRE,
            reason="account deleted",
        )
    if customer.phone is not None:  # a member who joined before fingerprints existed has no mark yet
        fingerprint = await fingerprint_of(uow, customer.phone, now)
        welcomed = await uow.ledger.by_source_key(f"welcome:{customer_id}") is not None
        referred = customer.referred_by_id is not None
        await uow.phone_marks.mark(fingerprint, now, welcome_granted=welcomed, referred=referred)
    await _log_withdrawal(uow, customer, now)
    customer.phone = None
    customer.name = None
    customer.birthday = None
    customer.birthday_set_at = None
    customer.referral_code = None
    customer.marketing_opt_in = False
    customer.marketing_consent_at = now
    customer.deleted_at = now
    await uow.customers.update(customer)
    await uow.identities.delete_of_customer(customer_id)
    await uow.repairs.forget_customer(customer_id)
    await uow.feedback.forget_customer(customer_id)  # the comment goes; the anonymous score stays
    await uow.outbox.forget_customer(customer_id)
    await uow.ledger.forget_reasons(customer_id)  # a staff member's reason may name the person


async def _log_withdrawal(uow: UnitOfWork, customer: Customer, now: datetime) -> None:
    """Erasure withdraws every consent: the history says so, under the id that now names nobody."""
    assert customer.id is not None
    await uow.consents.append(
        ConsentRecord(customer_id=customer.id, kind=ConsentKind.PERSONAL_DATA, granted=False, at=now)
    )
    if customer.marketing_opt_in:
        await uow.consents.append(
            ConsentRecord(customer_id=customer.id, kind=ConsentKind.MARKETING, granted=False, at=now)
        )
