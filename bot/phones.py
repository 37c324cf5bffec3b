"""Phone numbers normalised to E.164 at the edge, with `phonenumbers`."""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "RU"

# WhatsApp ids are the digits of the number, but WhatsApp keeps some numbers in an older national
# format than the numbering plan (and `phonenumbers`) now accepts.
_WA_ID = re.compile(r"[0-9]{7,15}")
_MEXICO_MOBILE = re.compile(r"521([0-9]{10})")  # the mobile "1" Mexico dropped in 2019
_BRAZIL_OLD_MOBILE = re.compile(r"55([1-9][1-9])([6-9][0-9]{7})")  # before the leading 9 (2012-2016)


class InvalidPhone(ValueError):
    """Not a phone number that can be called."""


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """'+7 916 123-45-67', '8 (916) 123-45-67', '79161234567' -> '+79161234567'."""
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise InvalidPhone("empty or too long")
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") and len(digits) == 11 and digits[0] in "78" and region == "RU":
        text = "+7" + digits[1:]
    elif not text.startswith("+") and len(digits) > 10:
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_whatsapp_id(wa_id: str) -> str:
    """A Twilio WaId ('79161234567', '5215512345678', '551187654321') -> E.164, or InvalidPhone."""
    if not _WA_ID.fullmatch(wa_id or ""):
        raise InvalidPhone("a WhatsApp id is 7 to 15 ASCII digits")
    try:
        return normalize_phone("+" + wa_id)
    except InvalidPhone:
        if mexico := _MEXICO_MOBILE.fullmatch(wa_id):
            return normalize_phone(f"+52{mexico.group(1)}")
        if brazil := _BRAZIL_OLD_MOBILE.fullmatch(wa_id):
            return normalize_phone(f"+55{brazil.group(1)}9{brazil.group(2)}")
        raise


def mask_phone(e164: str) -> str:
    """'+79161234567' -> '+7 916 ***-**-67': country code, the first three national digits, the last two."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "***"
    national = str(number.national_number)
    if len(national) < 7:
        return f"+{number.country_code} ***"
    return f"+{number.country_code} {national[:3]} ***-**-{national[-2:]}"
