"""Sign-up: consent, own phone, birthday, marketing consent. Only for people not yet registered."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.deps import PrivacyPolicy
from bot.phones import InvalidPhone, mask_phone, normalize_phone
from bot.telegram import keyboards as kb
from bot.telegram import signup
from bot.telegram.callbacks import ConsentCb, RegistrationCb
from bot.telegram.commands import MEMBER_COMMANDS
from bot.telegram.filters import NotCommand, Registered
from bot.telegram.parsing import referral_code
from bot.telegram.states import Signup
from bot.telegram.texts import Texts
from domain.birthdays import BIRTHDAY_EXAMPLE, BadBirthday, parse_birthday, shop_today
from domain.clock import Clock
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.referrals import live_referral_code


async def start(
    message: Message,
    command: CommandObject,
    bot: Bot,
    state: FSMContext,
    texts: Texts,
    policy: PrivacyPolicy,
    uow: Callable[[], UnitOfWork],
) -> None:
    code = referral_code(command.args)
    if code is not None:  # only a link with a code costs a read
        async with uow() as unit:
            code = await live_referral_code(unit, code)
    await signup.ask_consent(bot, message.chat.id, state, texts, policy, code)


async def member_command(
    message: Message, bot: Bot, state: FSMContext, texts: Texts, policy: PrivacyPolicy
) -> None:
    await message.answer(texts("tg_registration_needed"))
    await signup.resume(bot, message.chat.id, state, texts, policy)


async def consent_given(query: CallbackQuery, bot: Bot, state: FSMContext, texts: Texts) -> None:
    await query.answer()
    await signup.ask_phone(bot, query.from_user.id, state, texts, "tg_ask_phone")


async def consent_declined(query: CallbackQuery, bot: Bot, state: FSMContext, texts: Texts) -> None:
    await state.clear()
    await query.answer()
    await bot.send_message(query.from_user.id, texts("tg_consent_declined"), reply_markup=kb.remove())


async def contact_shared(message: Message, bot: Bot, state: FSMContext, texts: Texts) -> None:
    contact, sender = message.contact, message.from_user
    assert contact is not None and sender is not None
    if contact.user_id != sender.id:
        return await signup.ask_phone(bot, message.chat.id, state, texts, "tg_phone_not_own")
    try:
        phone = normalize_phone(contact.phone_number)
    except InvalidPhone:
        return await signup.ask_phone(bot, message.chat.id, state, texts, "tg_phone_invalid")
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part) or sender.full_name
    await state.update_data(phone=phone, name=name[:200])
    await message.answer(texts("tg_phone_saved", phone=mask_phone(phone)), reply_markup=kb.remove())
    await signup.ask_birthday(bot, message.chat.id, state, texts)


async def phone_not_shared(message: Message, bot: Bot, state: FSMContext, texts: Texts) -> None:
    await signup.ask_phone(bot, message.chat.id, state, texts, "tg_phone_typed")


async def birthday_skipped(query: CallbackQuery, bot: Bot, state: FSMContext, texts: Texts) -> None:
    """The inline "Skip" of a birthday question sent before the step had its keyboard."""
    await query.answer()
    await bot.send_message(query.from_user.id, texts("tg_birthday_skipped"), reply_markup=kb.remove())
    await signup.ask_marketing(bot, query.from_user.id, state, texts)


async def birthday_given(
    message: Message, bot: Bot, state: FSMContext, texts: Texts, clock: Clock, timezone: str
) -> None:
    typed = (message.text or "").strip()
    if typed.casefold() == texts.label("skip").casefold():  # the keyboard's button
        await message.answer(texts("tg_birthday_skipped"), reply_markup=kb.remove())
        return await signup.ask_marketing(bot, message.chat.id, state, texts)
    try:
        born = parse_birthday(typed, shop_today(clock.now(), timezone))
    except BadBirthday as bad:
        text = texts("tg_birthday_invalid", reason=bad.reason, example=BIRTHDAY_EXAMPLE)
        await message.answer(text, reply_markup=kb.birthday_or_skip(texts))
        return
    await state.update_data(birthday=born.isoformat())
    await message.answer(texts("tg_birthday_saved", birthday=born), reply_markup=kb.remove())
    await signup.ask_marketing(bot, message.chat.id, state, texts)


async def marketing_chosen(
    query: CallbackQuery,
    callback_data: RegistrationCb,
    bot: Bot,
    state: FSMContext,
    texts: Texts,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    rules: ProgramRules,
    policy: PrivacyPolicy,
) -> None:
    await query.answer()
    opt_in = callback_data.action == "marketing_yes"
    await signup.finish(
        bot, query.from_user, state, texts, opt_in, uow=uow, clock=clock, rules=rules, policy=policy
    )


async def buttons_expected(
    message: Message, bot: Bot, state: FSMContext, texts: Texts, policy: PrivacyPolicy
) -> None:
    await message.answer(texts("tg_use_buttons"))
    await signup.resume(bot, message.chat.id, state, texts, policy)


async def member_button(
    query: CallbackQuery, bot: Bot, state: FSMContext, texts: Texts, policy: PrivacyPolicy
) -> None:
    """A menu button of someone not (or no longer) registered: lead them to registration."""
    await query.answer()
    await bot.send_message(query.from_user.id, texts("tg_registration_needed"))
    await signup.resume(bot, query.from_user.id, state, texts, policy)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered(False))
    router.callback_query.filter(Registered(False))
    router.message.register(start, CommandStart())
    router.message.register(member_command, Command(*MEMBER_COMMANDS, ignore_case=True))
    router.callback_query.register(consent_given, ConsentCb.filter(F.agree))
    router.callback_query.register(consent_declined, ConsentCb.filter(~F.agree))
    router.message.register(contact_shared, Signup.phone, F.contact)
    router.message.register(phone_not_shared, Signup.phone, NotCommand())
    router.callback_query.register(
        birthday_skipped, Signup.birthday, RegistrationCb.filter(F.action == "skip_birthday")
    )
    router.message.register(birthday_given, Signup.birthday, NotCommand())
    router.callback_query.register(
        marketing_chosen,
        Signup.marketing,
        RegistrationCb.filter(F.action.in_({"marketing_yes", "marketing_no"})),
    )
    router.message.register(buttons_expected, Signup.consent, NotCommand())
    router.message.register(buttons_expected, Signup.marketing, NotCommand())
    router.callback_query.register(member_button)
    return router
