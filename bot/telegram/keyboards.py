"""Keyboards: every label comes from messages/labels through Texts."""

from __future__ import annotations

from urllib.parse import urlencode

from aiogram.types import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.telegram.callbacks import (
    AskCb,
    ConsentCb,
    DeleteCb,
    LanguageCb,
    ProfileCb,
    RegistrationCb,
    ScreenCb,
)
from bot.telegram.texts import Texts
from bot.vocabulary import Screen
from messages import LOCALES

MENU_SCREENS = tuple(s for s in Screen if s is not Screen.MENU)


def main_menu(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for screen in MENU_SCREENS:
        kb.button(text=texts.label(screen), callback_data=ScreenCb(name=screen))
    kb.button(text=texts.label("ask"), callback_data=AskCb())
    kb.adjust(2)
    return kb.as_markup()


def type_question(texts: Texts) -> ForceReply:
    return ForceReply(input_field_placeholder=texts.label("question_placeholder"))


def _menu_button(texts: Texts) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=texts.label(Screen.MENU), callback_data=ScreenCb(name=Screen.MENU).pack()
    )


def back_to_menu(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_menu_button(texts)]])


def consent(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts.label("agree"), callback_data=ConsentCb(agree=True))
    kb.button(text=texts.label("decline"), callback_data=ConsentCb(agree=False))
    return kb.as_markup()


def share_phone(texts: Texts) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=texts.label("share_phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=texts.label("phone_placeholder"),
    )


def type_birthday(texts: Texts) -> ForceReply:
    """The input field opens with the date format in it: the answer is typed, not tapped."""
    return ForceReply(input_field_placeholder=texts.label("birthday_placeholder"))


def birthday_or_skip(texts: Texts) -> ReplyKeyboardMarkup:
    """The sign-up's birthday step: the date is typed (the input field says how), or skipped with
    the one button under it; a ForceReply could not carry that button."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=texts.label("skip"))]],
        resize_keyboard=True,
        input_field_placeholder=texts.label("birthday_placeholder"),
    )


def remove() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove()


def marketing(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts.label("yes"), callback_data=RegistrationCb(action="marketing_yes"))
    kb.button(text=texts.label("no"), callback_data=RegistrationCb(action="marketing_no"))
    return kb.as_markup()


def languages(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for locale in LOCALES:
        kb.button(text=texts.label(f"lang_{locale}"), callback_data=LanguageCb(locale=locale))
    return kb.as_markup()


def profile(texts: Texts, marketing_opt_in: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts.label("edit_language"), callback_data=ProfileCb(action="language"))
    kb.button(text=texts.label("edit_birthday"), callback_data=ProfileCb(action="birthday"))
    toggle = "marketing_off" if marketing_opt_in else "marketing_on"
    kb.button(text=texts.label(toggle), callback_data=ProfileCb(action=toggle))
    kb.button(text=texts.label("export"), callback_data=ProfileCb(action="export"))
    kb.button(text=texts.label("delete"), callback_data=ProfileCb(action="delete"))
    kb.add(_menu_button(texts))
    kb.adjust(2, 1, 2, 1)
    return kb.as_markup()


def invite(texts: Texts, link: str) -> InlineKeyboardMarkup:
    share = "https://t.me/share/url?" + urlencode({"url": link, "text": texts.label("share_text")})
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=texts.label("share"), url=share)],
            [_menu_button(texts)],
        ]
    )


def confirm_delete(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts.label("delete_confirm"), callback_data=DeleteCb(confirm=True))
    kb.button(text=texts.label("cancel"), callback_data=DeleteCb(confirm=False))
    kb.adjust(1)
    return kb.as_markup()
