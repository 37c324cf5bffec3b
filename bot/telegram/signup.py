"""The steps of the registration dialogue, shared by its handlers (which stay thin)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import User

from bot.deps import PrivacyPolicy
from bot.telegram import keyboards as kb
from bot.telegram.commands import set_chat_commands
from bot.telegram.states import Signup
from bot.telegram.texts import Texts
from domain.birthdays import BIRTHDAY_EXAMPLE
from domain.clock import Clock
from domain.customers import Channel, Registration
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.registration import register_customer


async def ask_consent(
    bot: Bot, chat_id: int, state: FSMContext, texts: Texts, policy: PrivacyPolicy, referral: str | None
) -> None:
    """Nothing about the person is kept before they agree: the state holds only the referral code."""
    await state.set_state(Signup.consent)
    await state.set_data({"referral": referral} if referral else {})
    text = texts(
        "tg_consent",
        policy_url=policy.url,
        consent_url=policy.consent_url,
        policy_version=policy.version,
        referred=referral is not None,
    )
    await bot.send_message(chat_id, text, reply_markup=kb.consent(texts))


async def ask_phone(bot: Bot, chat_id: int, state: FSMContext, texts: Texts, template: str) -> None:
    await state.set_state(Signup.phone)
    button = texts.label("share_phone")
    await bot.send_message(chat_id, texts(template, button=button), reply_markup=kb.share_phone(texts))


async def ask_birthday(bot: Bot, chat_id: int, state: FSMContext, texts: Texts) -> None:
    await state.set_state(Signup.birthday)
    text = texts("tg_ask_birthday", editing=False, example=BIRTHDAY_EXAMPLE)
    await bot.send_message(chat_id, text, reply_markup=kb.birthday_or_skip(texts))


async def ask_marketing(bot: Bot, chat_id: int, state: FSMContext, texts: Texts) -> None:
    await state.set_state(Signup.marketing)
    await bot.send_message(chat_id, texts("tg_ask_marketing"), reply_markup=kb.marketing(texts))


async def resume(bot: Bot, chat_id: int, state: FSMContext, texts: Texts, policy: PrivacyPolicy) -> None:
    """Ask again the step the dialogue stands at (or begin it)."""
    current = await state.get_state()
    if current == Signup.phone.state:
        await ask_phone(bot, chat_id, state, texts, "tg_ask_phone")
    elif current == Signup.birthday.state:
        await ask_birthday(bot, chat_id, state, texts)
    elif current == Signup.marketing.state:
        await ask_marketing(bot, chat_id, state, texts)
    else:
        referral = (await state.get_data()).get("referral")
        await ask_consent(bot, chat_id, state, texts, policy, referral)


async def finish(
    bot: Bot,
    user: User,
    state: FSMContext,
    texts: Texts,
    marketing_opt_in: bool,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    rules: ProgramRules,
    policy: PrivacyPolicy,
) -> None:
    """Register (or join the customer who owns the phone), then welcome them with the menu."""
    data = await state.get_data()
    if "phone" not in data:  # a stale button from an abandoned dialogue
        return await resume(bot, user.id, state, texts, policy)
    now = clock.now()
    registration = Registration(
        phone=data["phone"],
        name=data.get("name"),
        locale=texts.locale,
        policy_version=policy.version,
        document_hash=policy.hash_for(texts.locale),
        marketing_opt_in=marketing_opt_in,
        birthday=date.fromisoformat(data["birthday"]) if data.get("birthday") else None,
        channel=Channel.TELEGRAM,
        external_id=str(user.id),
        referral_code=data.get("referral"),
    )
    async with uow() as unit:
        result = await register_customer(unit, rules, registration, now)
        customer, customer_id = result.customer, result.customer.id
        assert customer_id is not None
        balance = await unit.ledger.balance_of(customer_id)
        await unit.commit()
    await state.clear()
    texts = Texts(texts.renderer, customer.locale)
    tier_name = rules.tier(customer.tier).name(customer.locale)
    if result.joined_existing:
        text = texts("tg_joined", balance=balance, tier_name=tier_name)
    else:
        welcome = result.welcome.entry if result.welcome else None
        text = texts(
            "tg_welcome",
            name=customer.name,
            bonus=welcome.points if welcome else 0,
            bonus_expires_at=welcome.expires_at if welcome else None,
            balance=balance,
            tier_name=tier_name,
        )
    await set_chat_commands(bot, texts.renderer, user.id, customer.locale)
    await bot.send_message(user.id, text, reply_markup=kb.main_menu(texts))
