"""Callback data of the inline buttons (aiogram CallbackData: typed, prefixed, under 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ScreenCb(CallbackData, prefix="s"):
    name: str  # a Screen; a plain string, so an old button with a gone name still parses


class ConsentCb(CallbackData, prefix="c"):
    agree: bool


class RegistrationCb(CallbackData, prefix="r"):
    action: str  # "skip_birthday", "marketing_yes", "marketing_no"


class LanguageCb(CallbackData, prefix="l"):
    locale: str


class ProfileCb(CallbackData, prefix="p"):
    action: str  # "language", "birthday", "marketing_on", "marketing_off", "export", "delete"


class AskCb(CallbackData, prefix="q"):
    """The menu's "Ask a question" button."""


class DeleteCb(CallbackData, prefix="d"):
    confirm: bool


class QuoteCb(CallbackData, prefix="qa"):
    """An answer to a repair quote: `ref` names the order and its quote (domain.quote_answers.quote_ref)."""

    answer: str  # an Answer's value; anything else is refused on press
    ref: str


class FeedbackCb(CallbackData, prefix="fb"):
    """A score for a repair (`ref`: its feedback request's id), or "skip" for the comment after it."""

    score: str  # "1".."5" or "skip"; anything else is refused on press
    ref: str
