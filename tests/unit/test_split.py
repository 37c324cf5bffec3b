"""One greedy splitter, parametrised by the length that counts and the places it may cut."""

from __future__ import annotations

from bot.split import cut_anywhere, split_text
from bot.telegram.limits import split_text as telegram_split
from bot.telegram.limits import text_length
from bot.whatsapp.split import split_text as whatsapp_split


def test_parts_are_packed_full_at_the_coarsest_cut_that_fits():
    text = "aaaa bbbb\ncccc\n\ndddd eeee"
    assert split_text(text, 14, separators=("\n\n", "\n", " ")) == ["aaaa bbbb\ncccc", "dddd eeee"]
    assert split_text(text, 9, separators=("\n\n", "\n", " ")) == ["aaaa bbbb", "cccc", "dddd eeee"]
    assert split_text(text, 9, separators=("\n",)) == ["aaaa bbbb", "cccc\n", "dddd eeee"]


def test_the_length_function_decides_what_fits():
    assert split_text("😀😀\n😀😀", 5) == ["😀😀\n😀😀"]
    assert split_text("😀😀\n😀😀", 5, length=text_length) == ["😀😀", "😀😀"]
    assert cut_anywhere("😀ж😀", 3, text_length) == ["😀ж", "😀"]


def test_what_is_left_over_the_limit_goes_to_the_last_resort_each_piece_a_part_of_its_own():
    assert split_text("ab xxxxxxx cd", 5, separators=(" ",)) == ["ab", "xxxxx", "xx cd"]
    shortened = split_text("ab\nxxxxxxxxxx", 9, last_resort=lambda line: [line[:2]])
    assert shortened == ["ab", "xx"]  # "xx" would fit after "ab\n", but starts a part of its own


def test_blank_parts_are_dropped():
    assert split_text("", 5) == [] and split_text(" \n \n ", 1) == []


def test_each_channel_is_this_splitter_with_its_own_length_and_cut_points():
    text = "😀😀😀 abc\nd"
    assert telegram_split(text, html_markup=False, limit=6) == ["😀😀😀", " abc\nd"]  # UTF-16, lines
    assert whatsapp_split(text, limit=6) == ["😀😀😀", "abc\nd"]  # characters, then words
