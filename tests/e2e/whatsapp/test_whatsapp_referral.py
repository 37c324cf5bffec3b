"""WhatsApp invitations: the exact wa.me link, and a first message carrying its code is the referral."""

from __future__ import annotations

from urllib.parse import quote

from domain.referrals import ReferralStatus
from tests.builders import registered
from tests.e2e.whatsapp.conftest import PHONE, runtime_of, say


async def test_the_invite_link_is_the_shops_number_with_the_prefilled_code_url_encoded(wa, rules, clock):
    inviter = (await registered(wa.uow(), rules, clock.now(), phone="+79169999999")).customer
    link = runtime_of(wa).conversation.invite_link(inviter.referral_code, "ru")
    text = f"Привет! Хочу вступить в программу лояльности. Код приглашения: ref_{inviter.referral_code}"
    assert link == "https://wa.me/14155238886?text=" + quote(text, safe="")
    assert " " not in link and "%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%21%20" in link


async def test_a_new_contacts_first_message_with_a_code_pays_the_friend_and_waits_for_the_repair(
    wa, client, fake_twilio, rules, clock
):
    inviter = (await registered(wa.uow(), rules, clock.now(), phone="+79169999999")).customer
    await say(client, fake_twilio, f"Здравствуйте, ref_{inviter.referral_code}")
    await say(client, fake_twilio, "да")
    await say(client, fake_twilio, "пропустить")
    await say(client, fake_twilio, "нет")
    async with wa.uow() as uow:
        friend = await uow.customers.by_phone(PHONE)
        referral = await uow.referrals.of_friend(friend.id)
        balance = await uow.ledger.balance_of(friend.id)
    assert friend.referred_by_id == inviter.id and referral.status is ReferralStatus.PENDING
    assert balance == rules.welcome.points + rules.referral.friend_bonus


async def test_an_unknown_code_in_the_first_message_says_nothing_about_anyone(wa, client, fake_twilio):
    consent = await say(client, fake_twilio, "Здравствуйте, ref_nosuchcode1")
    assert "согласие" in consent and "Вас пригласил друг" not in consent
    await say(client, fake_twilio, "да")
    await say(client, fake_twilio, "пропустить")
    await say(client, fake_twilio, "нет")
    async with wa.uow() as uow:
        friend = await uow.customers.by_phone(PHONE)
        assert friend.referred_by_id is None and await uow.referrals.of_friend(friend.id) is None
