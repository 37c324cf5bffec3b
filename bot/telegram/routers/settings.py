"""Profile settings: language, birthday, marketing consent (effective at once)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, Message

from bot.telegram import keyboards as kb
from bot.telegram.callbacks import LanguageCb, ProfileCb
from bot.telegram.commands import set_chat_commands
from bot.telegram.filters import NotCommand, Registered
from bot.telegram.states import ProfileEdit
from bot.telegram.texts import Texts
from bot.vocabulary import Action
from domain.birthdays import BIRTHDAY_EXAMPLE, BadBirthday, parse_birthday, shop_today
from domain.clock import Clock
from domain.customers import Channel, Customer
from domain.ports import UnitOfWork
from domain.services.registration import set_birthday, set_locale, set_marketing_consent
from messages import LOCALES

UnitsOfWork = Callable[[], UnitOfWork]


async def _set_marketing(
    bot: Bot, chat_id: int, customer: Customer, opt_in: bool, texts: Texts, uow: UnitsOfWork, clock: Clock
) -> None:
    assert customer.id is not None
    async with uow() as unit:
        await set_marketing_consent(unit, customer.id, opt_in, clock.now(), channel=Channel.TELEGRAM)
        await unit.commit()
    await bot.send_message(
        chat_id, texts("tg_marketing_changed", opt_in=opt_in), reply_markup=kb.main_menu(texts)
    )


async def choose_language(event: Message | CallbackQuery, event_chat: Chat, bot: Bot, texts: Texts) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    await bot.send_message(event_chat.id, texts("tg_language_prompt"), reply_markup=kb.languages(texts))


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    bot: Bot,
    customer: Customer,
    texts: Texts,
    uow: UnitsOfWork,
) -> None:
    assert customer.id is not None
    async with uow() as unit:
        await set_locale(unit, customer.id, callback_data.locale)
        await unit.commit()
    await query.answer()
    texts = Texts(texts.renderer, callback_data.locale)
    await set_chat_commands(bot, texts.renderer, query.from_user.id, texts.locale)
    await bot.send_message(query.from_user.id, texts("tg_language_set"), reply_markup=kb.main_menu(texts))


async def marketing_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    customer: Customer,
    texts: Texts,
    uow: UnitsOfWork,
    clock: Clock,
) -> None:
    opt_in = command.command.lower() == Action.SUBSCRIBE
    await _set_marketing(bot, message.chat.id, customer, opt_in, texts, uow, clock)


async def marketing_button(
    query: CallbackQuery,
    callback_data: ProfileCb,
    bot: Bot,
    customer: Customer,
    texts: Texts,
    uow: UnitsOfWork,
    clock: Clock,
) -> None:
    await query.answer()
    opt_in = callback_data.action == "marketing_on"
    await _set_marketing(bot, query.from_user.id, customer, opt_in, texts, uow, clock)


async def edit_birthday(query: CallbackQuery, bot: Bot, state: FSMContext, texts: Texts) -> None:
    await query.answer()
    await state.set_state(ProfileEdit.birthday)
    text = texts("tg_ask_birthday", editing=True, example=BIRTHDAY_EXAMPLE)
    await bot.send_message(query.from_user.id, text, reply_markup=kb.type_birthday(texts))


async def birthday_edited(
    message: Message,
    state: FSMContext,
    customer: Customer,
    texts: Texts,
    uow: UnitsOfWork,
    clock: Clock,
    timezone: str,
) -> None:
    assert customer.id is not None
    now = clock.now()
    try:
        born = parse_birthday(message.text or "", shop_today(now, timezone))
    except BadBirthday as bad:
        text = texts("tg_birthday_invalid", reason=bad.reason, example=BIRTHDAY_EXAMPLE, editing=True)
        await message.answer(text, reply_markup=kb.type_birthday(texts))
        return
    async with uow() as unit:
        await set_birthday(unit, customer.id, born, now)
        await unit.commit()
    await state.clear()
    await message.answer(texts("tg_birthday_saved", birthday=born), reply_markup=kb.main_menu(texts))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.message.register(choose_language, Command(Action.LANGUAGE, ignore_case=True))
    router.callback_query.register(choose_language, ProfileCb.filter(F.action == "language"))
    router.callback_query.register(language_chosen, LanguageCb.filter(F.locale.in_(LOCALES)))
    router.message.register(
        marketing_command, Command(Action.SUBSCRIBE, Action.UNSUBSCRIBE, ignore_case=True)
    )
    router.callback_query.register(
        marketing_button, ProfileCb.filter(F.action.in_({"marketing_on", "marketing_off"}))
    )
    router.callback_query.register(edit_birthday, ProfileCb.filter(F.action == "birthday"))
    router.message.register(birthday_edited, ProfileEdit.birthday, NotCommand())
    return router
