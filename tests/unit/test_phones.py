from __future__ import annotations

import pytest

from bot.phones import InvalidPhone, mask_phone, normalize_phone, normalize_whatsapp_id


@pytest.mark.parametrize(
    "raw", ["+7 916 123-45-67", "8 (916) 123-45-67", "79161234567", "+79161234567", " 8-916-123-45-67 "]
)
def test_russian_numbers_in_any_usual_spelling_become_e164(raw):
    assert normalize_phone(raw) == "+79161234567"


def test_foreign_numbers_keep_their_country():
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("raw", ["", "abc", "123", "+7 916 123", "+1" + "9" * 40])
def test_what_is_not_a_phone_number_is_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_a_masked_phone_shows_only_the_country_operator_and_last_digits():
    assert mask_phone("+79161234567") == "+7 916 ***-**-67"


@pytest.mark.parametrize(
    ("wa_id", "e164"),
    [
        ("79161234567", "+79161234567"),
        ("442079460958", "+442079460958"),
        ("525512345678", "+525512345678"),  # Mexico City mobile, current format
        ("5215512345678", "+525512345678"),  # the same number as WhatsApp still sends it
        ("5218112345678", "+528112345678"),  # Monterrey
        ("5511987654321", "+5511987654321"),  # São Paulo mobile, current format
        ("551187654321", "+5511987654321"),  # the same mobile before the leading 9
        ("552198765432", "+5521998765432"),  # Rio de Janeiro, old format
        ("551123456789", "+551123456789"),  # a São Paulo landline keeps its 8 digits
    ],
)
def test_whatsapp_ids_become_e164_including_mexican_and_old_brazilian_mobiles(wa_id, e164):
    assert normalize_whatsapp_id(wa_id) == e164


@pytest.mark.parametrize(
    "wa_id", ["", "123", "5210000000000", "550012345678", "٧٩١٦١٢٣٤٥٦٧", "+79161234567", "7" * 16]
)
def test_what_is_not_a_whatsapp_number_is_refused(wa_id):
    with pytest.raises(InvalidPhone):
        normalize_whatsapp_id(wa_id)
