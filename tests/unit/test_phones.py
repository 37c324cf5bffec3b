from __future__ import annotations

import pytest

from app.phones import InvalidPhone, mask_phone, normalize_phone


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
    assert mask_phone("+79161234567") == "+7916***-**-67"
