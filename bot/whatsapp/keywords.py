"""What a customer's words mean: commands, yes/no, dates, the language of a first message.

These are the words customers type (input), in both languages; every text we answer with
lives in messages/templates.
"""

from __future__ import annotations

import re
import unicodedata

from bot.vocabulary import Action, Screen
from domain.quotes import Answer
from messages import LOCALES
from messages.renderer import labels

Command = Screen | Action

# The numbered menu (templates/<locale>/whatsapp/screen_menu.j2 shows the same numbers).
NUMBERS: dict[str, Command] = {
    "0": Screen.MENU,
    "1": Screen.BALANCE,
    "2": Screen.REPAIRS,
    "3": Screen.TIER,
    "4": Screen.OFFERS,
    "5": Screen.INVITE,
    "6": Screen.PROFILE,
    "7": Action.LANGUAGE,
    "8": Screen.HELP,
    "9": Action.ASK,
    "10": Screen.RULES,
}

WORDS: dict[Command, tuple[str, ...]] = {
    Screen.MENU: (
        "menu",
        "main menu",
        "меню",
        "главное меню",
        "hi",
        "hello",
        "hey",
        "привет",
        "здравствуйте",
    ),
    Screen.HELP: ("help", "info", "помощь", "справка", "помогите"),
    Screen.BALANCE: ("balance", "points", "my points", "баланс", "баллы", "мои баллы"),
    Screen.REPAIRS: (
        "repairs",
        "repair",
        "my repairs",
        "status",
        "ремонт",
        "ремонты",
        "мои ремонты",
        "статус",
    ),
    Screen.TIER: ("tier", "level", "уровень"),
    Screen.OFFERS: ("offers", "offer", "deals", "акции", "акция", "предложения"),
    Screen.INVITE: ("invite", "invite a friend", "referral", "пригласить", "пригласить друга"),
    Screen.PROFILE: ("profile", "my profile", "профиль", "мой профиль"),
    Screen.RULES: ("rules", "how it works", "правила", "условия", "как это работает", "правила программы"),
    Action.ASK: ("question", "ask", "ask a question", "вопрос", "задать вопрос", "есть вопрос"),
    Action.LANGUAGE: ("language", "lang", "язык", "english", "русский", "russian", "английский"),
    Action.UNSUBSCRIBE: (
        "stop",
        "stop all",
        "stopall",
        "unsubscribe",
        "opt out",
        "optout",
        "cancel",
        "стоп",
        "отписаться",
        "отписка",
        "отпишите",
        "отписаться от рассылки",
    ),
    Action.SUBSCRIBE: ("start", "subscribe", "unstop", "opt in", "старт", "подписаться", "подписка"),
    Action.DELETE: ("delete", "delete me", "delete account", "удалить", "удалить аккаунт", "удалите меня"),
}
_BY_WORD = {word: command for command, words in WORDS.items() for word in words}

YES = frozenset({"yes", "y", "yeah", "yep", "ok", "okay", "agree", "i agree", "да", "д", "ок", "согласен",
                 "согласна", "согласен а", "я согласен", "я согласна", "конечно"})  # fmt: skip
NO = frozenset({"no", "n", "nope", "decline", "i decline", "нет", "н", "не согласен", "не согласна",
                "не надо", "отказываюсь"})  # fmt: skip
# "cancel" at a confirmation cancels that step only; it is an opt-out word elsewhere.
CANCEL = frozenset({"cancel", "отмена", "отменить", "отмените"})
SKIP = frozenset({"skip", "пропустить", "пропуск", "не хочу", "later", "позже"})

# Words that are plainly English or Russian when a stranger writes first.
_ENGLISH_HINT = {"english", "en", "eng"}
_RUSSIAN_HINT = {"russian", "ru", "рус", "русский"}

_REFERRAL = re.compile(r"(?<![A-Za-z0-9])ref_([A-Za-z0-9_-]{6,64})")


def normalise(text: str) -> str:
    """Lowercase, ё -> е, punctuation and emoji dropped, spaces collapsed: 'Баланс!!' -> 'баланс'."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    kept = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(kept.split())


def command_of(text: str) -> Command | None:
    words = normalise(text)
    if words in NUMBERS:
        return NUMBERS[words]
    if text.strip() == "?":
        return Screen.HELP
    return _BY_WORD.get(words)


def is_yes(text: str) -> bool:
    return normalise(text) in YES


def is_no(text: str) -> bool:
    return normalise(text) in NO


def is_cancel(text: str) -> bool:
    return normalise(text) in CANCEL


def is_skip(text: str) -> bool:
    return normalise(text) in SKIP


def wanted_locale(text: str, current: str) -> str:
    """`language` toggles ru/en; `english`, `язык en`, `русский` choose one."""
    words = set(normalise(text).split())
    if words & _ENGLISH_HINT or "английский" in words:
        return "en"
    if words & _RUSSIAN_HINT:
        return "ru"
    return "en" if current == "ru" else "ru"


def detect_locale(text: str, default: str) -> str:
    """A stranger's first words: Cyrillic -> ru, Latin letters only -> en, else the shop's default."""
    letters = [ch for ch in unicodedata.normalize("NFKC", text) if ch.isalpha()]
    if not letters:
        return default
    if any("а" <= ch.lower() <= "я" or ch.lower() == "ё" for ch in letters):
        return "ru"
    if all(ch.isascii() for ch in letters):
        return "en"
    return default


def referral_code_in(text: str) -> str | None:
    """The code of an invite link's pre-filled text (`ref_<code>`), case kept."""
    found = _REFERRAL.search(text or "")
    return found.group(1) if found else None


# The words that answer a quote (messages/labels `quote_word_*`, the words the WhatsApp message
# asks for), in every language: a customer may answer in either.
_QUOTE_LABELS = {Answer.APPROVED: "quote_word_approve", Answer.DECLINED: "quote_word_decline",
                 Answer.CALL_ME: "quote_word_call_me"}  # fmt: skip
QUOTE_WORDS = {
    normalise(labels(locale)[key]): answer for locale in LOCALES for answer, key in _QUOTE_LABELS.items()
}


def quote_answer_of(text: str) -> Answer | None:
    """`да` / `нет` / `позвонить` (`yes` / `no` / `call`): an answer to a quote, else None."""
    return QUOTE_WORDS.get(normalise(text))
