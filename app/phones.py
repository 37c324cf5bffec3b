"""Phone numbers normalised to E.164 at the edge, with `phonenumbers`."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "RU"


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


def mask_phone(e164: str) -> str:
    """'+79161234567' -> '+7 916 ***-**-67' style: country, operator, last two digits."""
    if len(e164) < 6:
        return "***"
    return f"{e164[:-7]}***-**-{e164[-2:]}"
