"""The WhatsApp registrar and member menu against the fake unit of work: the dialogue behind its port."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.deps import ChatDeps, PrivacyPolicy
from bot.vocabulary import Screen
from bot.whatsapp.member import CONFIRM_TTL, Member
from bot.whatsapp.registration import Registrar
from bot.whatsapp.state import Inbound, Say, Show
from domain.clock import FixedClock
from domain.customers import Channel
from domain.rules import ProgramRules
from messages import Renderer
from tests.builders import registered
from tests.fakes import FakeUnitOfWork, Store

WA_ID = "79161234567"
PHONE = "+79161234567"
KEY = "k" * 64


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def deps(store: Store, rules: ProgramRules, clock: FixedClock) -> ChatDeps:
    return ChatDeps(
        uow=lambda: FakeUnitOfWork(store),
        clock=clock,
        rules=rules,
        renderer=Renderer(timezone="Europe/Moscow", currency=rules.currency),
        policy=PrivacyPolicy("https://shop.example/privacy", "2026-11-01"),
        timezone="Europe/Moscow",
        default_locale="ru",
    )


async def say(deps: ChatDeps, text: str, handler=None):
    """One message through the registrar (or `handler`), in its own committed unit of work."""
    handler = handler or Registrar(deps)
    async with deps.uow() as uow:
        outcome = await handler.handle(uow, KEY, Inbound(WA_ID, text, profile_name="Иван"), deps.clock.now())
        await uow.commit()
    return outcome


def templates(outcome) -> list[str]:
    return [r.template if isinstance(r, Say) else f"show:{r.screen}" for r in outcome.replies]


async def test_a_stranger_registers_in_three_answers_and_the_dialogue_is_gone(deps, store):
    first = await say(deps, "Привет")
    assert templates(first) == ["wa_intro", "wa_consent"]
    assert first.replies[1].context["policy_url"] == "https://shop.example/privacy"
    assert list(store.dialogues) == [KEY] and store.customers == {}  # nothing personal yet
    assert store.dialogues[KEY].data == {}
    assert templates(await say(deps, "да")) == ["wa_ask_birthday"]
    assert templates(await say(deps, "25.04.1990")) == ["wa_ask_marketing"]
    done = await say(deps, "да")
    assert templates(done) == ["wa_welcome", f"show:{Screen.MENU}"]
    (customer,) = store.customers.values()
    assert customer.phone == PHONE and customer.marketing_opt_in is True
    assert customer.birthday == date(1990, 4, 25) and customer.pd_policy_version == "2026-11-01"
    assert store.dialogues == {}
    (identity,) = store.identities.values()
    assert identity.channel is Channel.WHATSAPP and identity.external_id == WA_ID


async def test_declining_consent_forgets_the_dialogue_and_stores_nobody(deps, store):
    await say(deps, "Привет")
    assert templates(await say(deps, "нет")) == ["wa_declined"]
    assert store.dialogues == {} and store.customers == {}


async def test_an_impossible_birthday_is_asked_again_and_nothing_moves(deps, store):
    await say(deps, "Привет")
    await say(deps, "да")
    again = await say(deps, "31.02.1990")
    assert templates(again) == ["wa_birthday_invalid"] and again.replies[0].context["reason"] == "impossible"
    assert store.dialogues[KEY].step == "birthday"


async def test_a_dialogue_abandoned_for_a_day_starts_over(deps, store, clock):
    await say(deps, "Привет")
    await say(deps, "да")
    clock.advance(timedelta(days=1, minutes=1))
    assert templates(await say(deps, "25.04.1990")) == ["wa_intro", "wa_consent"]


async def test_a_member_from_telegram_who_answers_on_whatsapp_is_joined_with_those_answers(
    deps, store, rules, clock
):
    """One joining rule for every channel: the answers given on joining are the customer's latest
    word (marketing consent as answered; the birthday when there was none), as on Telegram."""
    await say(deps, "Привет")
    await say(deps, "да")
    await say(deps, "25.04.1990")
    # meanwhile the same phone registers in Telegram, with marketing on and no birthday
    await registered(FakeUnitOfWork(store), rules, clock.now(), PHONE, marketing_opt_in=True)
    joined = await say(deps, "нет")
    assert templates(joined) == ["wa_joined", f"show:{Screen.MENU}"]
    (customer,) = store.customers.values()
    assert customer.marketing_opt_in is False and customer.birthday == date(1990, 4, 25)
    assert {i.channel for i in store.identities.values()} == {Channel.TELEGRAM, Channel.WHATSAPP}


async def test_a_member_deletes_the_account_only_with_a_timely_yes(deps, store, rules, clock):
    result = await registered(FakeUnitOfWork(store), rules, clock.now(), PHONE)
    member, customer_id = Member(), result.customer.id

    async def member_says(text: str):
        async with deps.uow() as uow:
            customer = await uow.customers.get(customer_id)
            outcome = await member.handle(uow, KEY, Inbound(WA_ID, text), customer, clock.now())
            await uow.commit()
        return outcome

    assert templates(await member_says("удалить")) == ["wa_delete_confirm"]
    assert store.dialogues[KEY].step == "confirm_delete"
    clock.advance(CONFIRM_TTL + timedelta(seconds=1))
    assert templates(await member_says("да")) == ["wa_delete_cancelled", f"show:{Screen.MENU}"]
    assert store.customers[customer_id].is_deleted is False and store.dialogues == {}
    await member_says("удалить")
    assert templates(await member_says("да")) == ["wa_deleted"]
    assert store.customers[customer_id].is_deleted is True


async def test_stop_while_a_deletion_waits_keeps_the_account_and_opts_out_at_once(deps, store, rules, clock):
    result = await registered(FakeUnitOfWork(store), rules, clock.now(), PHONE, marketing_opt_in=True)
    customer_id = result.customer.id
    async with deps.uow() as uow:
        customer = await uow.customers.get(customer_id)
        await Member().handle(uow, KEY, Inbound(WA_ID, "удалить"), customer, clock.now())
        outcome = await Member().handle(uow, KEY, Inbound(WA_ID, "СТОП"), customer, clock.now())
        await uow.commit()
    assert templates(outcome) == ["wa_delete_cancelled", "wa_unsubscribed"]
    assert store.customers[customer_id].marketing_opt_in is False
    assert store.customers[customer_id].is_deleted is False
    assert Show(Screen.MENU) not in outcome.replies
