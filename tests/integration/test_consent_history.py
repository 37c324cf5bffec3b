"""The consent history is appended on every grant, withdrawal and channel join, never overwritten."""

from __future__ import annotations

from datetime import timedelta

from domain.consents import ConsentKind
from domain.customers import Channel
from domain.services.privacy import delete_customer, export_customer_data
from domain.services.registration import set_marketing_consent
from tests.builders import registered


def _lines(history) -> list[tuple]:
    return [(c.kind, c.granted, c.channel, c.document_version, c.at) for c in history]


async def _history(uow_factory, cid: int):
    async with uow_factory() as uow:
        return await uow.consents.of_customer(cid)


async def test_a_member_s_consents_are_kept_as_a_history_from_sign_up_to_erasure(uow_factory, rules, clock):
    t0 = clock.now()
    cid = (await registered(uow_factory(), rules, t0, marketing_opt_in=False)).customer.id
    t1 = t0 + timedelta(days=3)
    async with uow_factory() as uow:  # /subscribe in Telegram
        await set_marketing_consent(uow, cid, True, t1, channel=Channel.TELEGRAM)
        await set_marketing_consent(uow, cid, True, t1, channel=Channel.TELEGRAM)  # no change: no entry
        await uow.commit()
    # WhatsApp joins the account after a newer policy: that consent is the one in force now
    t2 = t0 + timedelta(days=10)
    await registered(
        uow_factory(),
        rules,
        t2,
        channel=Channel.WHATSAPP,
        external_id="79161234567",
        policy_version="2026-12-01",
        marketing_opt_in=False,  # and STOP-like: the latest word on marketing
    )
    async with uow_factory() as uow:
        customer = await uow.customers.get(cid)
    assert (customer.pd_policy_version, customer.pd_consent_at) == ("2026-12-01", t2)
    t3 = t0 + timedelta(days=20)
    async with uow_factory() as uow:
        exported = await export_customer_data(uow, cid)
        await delete_customer(uow, cid, t3)
        await uow.commit()

    pd, mk = ConsentKind.PERSONAL_DATA, ConsentKind.MARKETING
    assert _lines(await _history(uow_factory, cid)) == [
        (pd, True, Channel.TELEGRAM, "2026-11-01", t0),
        (mk, False, Channel.TELEGRAM, None, t0),
        (mk, True, Channel.TELEGRAM, None, t1),
        (pd, True, Channel.WHATSAPP, "2026-12-01", t2),
        (mk, False, Channel.WHATSAPP, None, t2),
        (pd, False, None, None, t3),  # erasure withdraws; marketing was already off
    ]
    assert [(c["kind"], c["granted"], c["channel"]) for c in exported["consent_history"]] == [
        ("personal_data", True, "telegram"),
        ("marketing", False, "telegram"),
        ("marketing", True, "telegram"),
        ("personal_data", True, "whatsapp"),
        ("marketing", False, "whatsapp"),
    ]


async def test_erasing_a_subscribed_member_withdraws_both_consents(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        await delete_customer(uow, cid, clock.now())
        await uow.commit()
    assert [(c.kind.value, c.granted) for c in await _history(uow_factory, cid)] == [
        ("personal_data", True),
        ("marketing", True),
        ("personal_data", False),
        ("marketing", False),
    ]


async def test_a_refused_registration_writes_no_consent(uow_factory, rules, clock):
    import pytest

    from domain.errors import ConsentRequired

    with pytest.raises(ConsentRequired):
        await registered(uow_factory(), rules, clock.now(), policy_version="")
    async with uow_factory() as uow:
        assert await uow.consents.of_customer(1) == []
