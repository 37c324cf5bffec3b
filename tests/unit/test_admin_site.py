"""The /admin site's words and form checks: both languages complete, every key a page uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from domain.customers import Channel
from domain.ledger import EntryKind
from domain.repairs import RepairStatus
from messages import Renderer
from messages.admin import AdminTexts, admin_labels
from webhooks.admin.forms import Form

TEMPLATES = Path(__file__).parents[2] / "webhooks" / "admin" / "templates"
PYTHON = Path(__file__).parents[2] / "webhooks" / "admin"
_USED = re.compile(r"""(?:w\.t\(|words\.t\(|\bt\()\s*["']([a-z_]+\.[a-z_.0-9]*[a-z0-9])["']""")
_FIELD_LABEL = re.compile(r"""field\([^)]*?["']([a-z_]+\.[a-z_0-9]+)["']""")
_FAIL = re.compile(r"""\.fail\([^)]*?["']([a-z_]+\.[a-z_0-9]+)["']""")


def test_both_languages_have_the_same_admin_labels_and_none_is_empty():
    assert admin_labels("ru").keys() == admin_labels("en").keys()
    for locale in ("ru", "en"):
        assert all(text.strip() for text in admin_labels(locale).values())


def test_every_label_a_template_or_page_names_exists():
    used: set[str] = set()
    for path in [*TEMPLATES.glob("*.html"), *PYTHON.glob("*.py")]:
        text = path.read_text()
        for pattern in (_USED, _FIELD_LABEL, _FAIL):
            used.update(pattern.findall(text))
    assert used, "the scan found no labels at all"
    assert used - admin_labels("ru").keys() == set()


def test_every_label_a_page_builds_from_a_value_exists():
    """Keys made at render time: KPI tiles, ledger kinds, repair statuses, channels, ROI bases."""
    labels = admin_labels("ru")
    dashboard = (TEMPLATES / "dashboard.html").read_text()
    tiles = re.findall(r'tile\(w, "([a-z_]+)"', dashboard)
    assert len(tiles) >= 20
    built = [f"kpi.{key}" for key in tiles]
    built += [f"customers.kind_{kind.value}" for kind in EntryKind]
    built += [f"customers.status_{status.value}" for status in RepairStatus]
    built += [f"customers.channel_{channel.value}" for channel in Channel]
    built += ["dashboard.roi_basis_holdout", "dashboard.roi_basis_members_vs_non_members"]
    assert [key for key in built if key not in labels] == []


def test_numbers_money_and_rates_read_the_russian_way_in_russian():
    words = AdminTexts(Renderer(currency="RUB")).words("ru")
    assert words.n(1234567) == "1\xa0234\xa0567"
    assert words.money(123400) == "1\xa0234 ₽" and words.money(123456) == "1\xa0234,56 ₽"
    assert words.pct(None) == "—"
    assert words.pct(0.125) == "12,5\xa0%"
    assert words.pts(21) == "21 балл" and words.pts(5) == "5 баллов"
    english = AdminTexts(Renderer(currency="RUB")).words("en")
    assert english.n(1234567) == "1,234,567" and english.pct(0.125) == "12.5%"


def test_an_unknown_language_falls_back_to_the_default():
    texts = AdminTexts(Renderer(), "en")
    assert texts.words("de").locale == "en" and texts.words(None).locale == "en"


def test_a_form_reports_each_field_once_with_its_message_and_keeps_what_was_typed():
    form = Form({"points": "12a", "reason": "  ", "csrf_token": "x", "count": "7", "big": "100"})
    assert form.integer("points", minimum=-10, maximum=10) is None
    assert form.text("reason") == ""
    assert form.integer("count", minimum=1, maximum=10) == 7
    assert form.integer("big", minimum=1, maximum=10) is None
    assert form.integer("zero_missing", minimum=1, maximum=10) is None
    words = AdminTexts(Renderer()).words("ru")
    assert not form.ok
    assert form.message("points", words) == "Введите целое число."
    assert form.message("reason", words) == "Заполните это поле."
    assert form.message("big", words) == "Число от 1 до 10."
    assert form.message("count", words) is None
    assert form.value("points") == "12a" and "csrf_token" not in form.values


def test_a_zero_and_a_long_text_are_refused_and_a_signed_minus_accepted():
    form = Form({"points": "0", "reason": "x" * 201, "debit": "−150"})
    assert form.integer("points", minimum=-1000, maximum=1000, nonzero=True) is None
    assert form.errors["points"].key == "form.not_zero"
    form.text("reason", max_length=200)
    assert form.errors["reason"].key == "form.too_long"
    assert form.integer("debit", minimum=-1000, maximum=1000) == -150
