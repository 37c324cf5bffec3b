"""Cutting a text over Telegram's limit into parts: at line ends, markup intact, nothing lost."""

from __future__ import annotations

import pytest

from bot.telegram.limits import TEXT_LIMIT, split_text, text_length


def test_a_text_within_the_limit_is_one_part():
    assert split_text("<b>a</b>\nb", html_markup=True) == ["<b>a</b>\nb"]


def test_parts_are_cut_at_line_ends_and_join_back_to_the_text():
    text = "\n".join(f"<i>line {k}</i>" for k in range(1000))
    parts = split_text(text, html_markup=True, limit=500)
    assert all(text_length(part) <= 500 for part in parts)
    assert "\n".join(parts) == text
    assert all(part.count("<i>") == part.count("</i>") for part in parts)


def test_the_limit_counts_utf16_units_like_telegram():
    assert text_length("😀") == 2 and text_length("ж") == 1
    parts = split_text("😀" * TEXT_LIMIT, html_markup=False)
    assert [text_length(p) for p in parts] == [TEXT_LIMIT, TEXT_LIMIT]


@pytest.mark.parametrize("html_markup", [True, False])
def test_a_single_overlong_line_is_cut_anywhere(html_markup):
    line = "<b>" + "x &lt; y " * 600 + "</b>"
    parts = split_text(line, html_markup=html_markup, limit=1000)
    assert len(parts) > 1
    if html_markup:  # the markup goes, the visible text stays (escaped again)
        assert "".join(parts) == ("x &lt; y " * 600)
    else:
        assert "".join(parts) == line


def test_blank_lines_between_long_blocks_do_not_make_empty_parts():
    block = "\n".join("y" * 90 for _ in range(10))
    parts = split_text(f"{block}\n\n\n{block}", html_markup=False, limit=950)
    assert all(part.strip() for part in parts)
