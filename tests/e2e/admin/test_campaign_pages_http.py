"""The campaign pages over in-process HTTP, on SQLite and PostgreSQL: every filter key, the live
count against the API's preview, refusals that write nothing, both languages, a recurring campaign."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.builders import registered
from tests.e2e.conftest import running

TOKEN = "in-process-admin-token"
API = {"Authorization": f"Bearer {TOKEN}"}
EVERY_KEY = {
    "tiers": ["bronze", "silver"],
    "channels": ["telegram"],
    "locales": ["ru"],
    "device_categories": ["phone", "laptop"],
    "min_visits": "0",
    "max_visits": "5",
    "min_spend": "0",
    "max_spend": "15000,50",
    "last_visit_within_days": "",
    "no_visit_for_days": "",
    "registered_within_days": "30",
    "birthday_month": "",
}


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def _sign_in(client: httpx.AsyncClient, lang: str = "ru") -> str:
    login = await client.get("/admin/login")
    signed = await client.post(
        "/admin/login", data={"token": TOKEN, "name": "Анна", "csrf_token": _csrf(login)}
    )
    assert signed.status_code == 303
    client.cookies.set("loyalty_admin_lang", lang, path="/admin")
    return _csrf(await client.get("/admin/campaigns/new"))


def _form(csrf: str, **values: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "csrf_token": csrf,
        "name": "Осень",
        "message_ru": "{{ name }}, у вас {{ pts(points) }}.",
    }
    fields |= {"holdout_percent": "0", "bonus_points": "0", "schedule": "now"} | values
    return fields


async def _members(container, *phones_locales: tuple[str, str]) -> list[int]:
    ids = []
    for phone, locale in phones_locales:
        result = await registered(
            container.uow(), container.rules, container.clock.now(), phone, locale=locale
        )
        ids.append(result.customer.id)
    return ids


async def _count(client: httpx.AsyncClient) -> int:
    answer = await client.get("/api/v1/campaigns", headers=API, params={"limit": 100})
    return len(answer.json()["items"])


@pytest.mark.parametrize("lang", ["ru", "en"])
async def test_every_filter_key_is_built_counted_as_the_api_counts_and_shown_on_the_campaign_page(
    make_container, lang: str
):
    container = await make_container(admin_api_token=TOKEN)
    await _members(container, ("+79160000301", "ru"), ("+79160000302", "ru"), ("+79160000303", "en"))
    async with running(container) as client:
        csrf = await _sign_in(client, lang)
        data = _form(csrf, **EVERY_KEY)
        count = await client.post("/admin/campaigns/count", data=data)
        assert count.status_code == 200
        api_filter = {
            "tiers": ["bronze", "silver"],
            "channels": ["telegram"],
            "locales": ["ru"],
            "device_categories": ["phone", "laptop"],
            "min_visits": 0,
            "max_visits": 5,
            "min_spend": "0",
            "max_spend": "15000.50",
            "registered_within_days": 30,
        }
        preview = await client.post("/api/v1/segments/preview", headers=API, json={"filter": api_filter})
        assert count.json()["count"] == preview.json()["count"]
        # members with no repair have no device: the device filter leaves nobody; without it, two
        without_devices = {k: v for k, v in data.items() if k != "device_categories"}
        both = await client.post("/admin/campaigns/count", data=without_devices)
        assert both.json()["count"] == 2
        assert both.json()["text"] == ("2 получателя" if lang == "ru" else "2 recipients")
        created = await client.post(
            "/admin/campaigns/new", data={**data, "action": "create", "birthday_month": "2"}
        )
        assert created.status_code == 303, created.text
        page = await client.get(created.headers["location"])
        assert page.status_code == 200
        made = (await client.get("/api/v1/campaigns", headers=API)).json()["items"][0]
        assert made["filter"] == {**api_filter, "birthday_month": 2}
        assert made["author"].startswith("admin:Анна:")
        assert ("Февраль" if lang == "ru" else "February") in page.text
        listed = await client.get("/admin/campaigns")
        assert "Осень" in listed.text and 'data-status="sending"' not in listed.text


async def test_a_recurring_campaign_is_scheduled_from_its_crontab_and_a_bad_one_is_refused_beside_it(
    make_container,
):
    container = await make_container(admin_api_token=TOKEN)
    async with running(container) as client:
        csrf = await _sign_in(client)
        bad = await client.post(
            "/admin/campaigns/new", data=_form(csrf, schedule="cron", cron="* * * * *", action="create")
        )
        assert bad.status_code == 422
        assert 'data-error-for="cron"' in bad.text
        assert await _count(client) == 0
        good = await client.post(
            "/admin/campaigns/new", data=_form(csrf, schedule="cron", cron="0 10 * * MON", action="create")
        )
        assert good.status_code == 303
        made = (await client.get("/api/v1/campaigns", headers=API)).json()["items"][0]
        assert made["cron"] == "0 10 * * MON" and made["send_at"] is None and made["next_run_at"]


async def test_a_date_and_time_are_the_shops_and_the_limits_are_refused_beside_each_field(make_container):
    container = await make_container(admin_api_token=TOKEN)
    local = container.clock.now().astimezone(ZoneInfo("Europe/Moscow"))
    async with running(container) as client:
        csrf = await _sign_in(client)
        refused = await client.post(
            "/admin/campaigns/new",
            data=_form(
                csrf,
                schedule="at",
                send_date=(local + timedelta(days=400)).date().isoformat(),
                send_time="25:00",
                bonus_points="1000000",
                min_spend="abc",
                last_visit_within_days="30",
                no_visit_for_days="60",
                tiers=["diamond"],
                wa_sid="HX123",
                message_ru="",
                action="create",
            ),
        )
        assert refused.status_code == 422
        for name in ("send_time", "bonus_points", "min_spend", "last_visit_within_days", "tiers", "wa_sid"):
            assert f'data-error-for="{name}"' in refused.text, name
        assert 'data-error-for="message_ru"' in refused.text
        far = await client.post(
            "/admin/campaigns/new",
            data=_form(
                csrf,
                schedule="at",
                send_date=(local + timedelta(days=400)).date().isoformat(),
                send_time="10:00",
                action="create",
            ),
        )
        assert far.status_code == 422 and "Не дальше чем на год вперёд." in far.text
        assert await _count(client) == 0
        tomorrow = (local + timedelta(days=1)).date().isoformat()
        made = await client.post(
            "/admin/campaigns/new",
            data=_form(csrf, schedule="at", send_date=tomorrow, send_time="09:30", action="create"),
        )
        assert made.status_code == 303
        campaign = (await client.get("/api/v1/campaigns", headers=API)).json()["items"][0]
        assert campaign["send_at"].startswith(f"{tomorrow}T06:30:00")


async def test_cancel_twice_says_it_is_over_and_a_missing_campaign_is_a_404_page(make_container):
    container = await make_container(admin_api_token=TOKEN)
    async with running(container) as client:
        csrf = await _sign_in(client)
        created = await client.post("/admin/campaigns/new", data=_form(csrf, action="create"))
        path = created.headers["location"].split("?")[0]
        first = await client.post(f"{path}/cancel", data={"csrf_token": csrf})
        assert first.status_code == 303
        again = await client.post(f"{path}/cancel", data={"csrf_token": csrf})
        assert again.status_code == 409 and 'data-test="notice"' in again.text
        test = await client.post(f"{path}/test", data={"csrf_token": csrf, "customer_id": "1"})
        assert test.status_code == 422 and 'data-error-for="customer_id"' in test.text
        for missing in ("/admin/campaigns/999", "/admin/campaigns/999/cancel", "/admin/campaigns/999/test"):
            method = client.get if missing.endswith("999") else client.post
            answer = await method(
                missing,
                **({} if method == client.get else {"data": {"csrf_token": csrf, "customer_id": "1"}}),
            )
            assert answer.status_code == 404, missing
        assert (await client.get("/admin/campaigns")).text.count('data-status="cancelled"') == 1


async def test_check_previews_each_language_for_the_first_member_with_that_languages_tier_name(
    make_container,
):
    container = await make_container(admin_api_token=TOKEN)
    await _members(container, ("+79160000401", "en"), ("+79160000402", "ru"))
    async with running(container) as client:
        csrf = await _sign_in(client)
        texts = {
            "message_ru": "{{ name }}: {{ tier }}, {{ pts(points) }}",
            "message_en": "{{ tier }} {{ pts(5) }}",
        }
        checked = await client.post(
            "/admin/campaigns/new", data=_form(csrf, **texts, name="", action="check")
        )
        assert checked.status_code == 200
        assert 'data-error-for="name"' not in checked.text  # a check asks only for what it needs
        assert "Иван Петров: Бронза, 200 баллов" in checked.text
        assert "Bronze 5 points" in checked.text
        broken = await client.post(
            "/admin/campaigns/new",
            data=_form(csrf, message_ru="{{ name ", message_en="{{ nope }}", action="check"),
        )
        assert broken.text.count("Текст не собирается") == 2
        assert 'data-error-for="message_ru"' in broken.text and 'data-error-for="message_en"' in broken.text
        assert await _count(client) == 0


async def test_a_double_submit_of_the_create_form_makes_one_campaign(make_container):
    import asyncio

    container = await make_container(admin_api_token=TOKEN)
    await _members(container, ("+79160000401", "ru"))
    async with running(container) as client:
        csrf = await _sign_in(client)
        page = await client.get("/admin/campaigns/new")
        key = re.search(r'name="form_key" value="([0-9a-f]{32})"', page.text).group(1)
        form = _form(csrf, action="create", form_key=key, bonus_points="50")
        first, second = await asyncio.gather(
            client.post("/admin/campaigns/new", data=form), client.post("/admin/campaigns/new", data=form)
        )
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]  # the same campaign, twice shown
        assert await _count(client) == 1
        # a new form is a new campaign
        again = await client.get("/admin/campaigns/new")
        other = re.search(r'name="form_key" value="([0-9a-f]{32})"', again.text).group(1)
        assert other != key
        made = await client.post("/admin/campaigns/new", data=_form(csrf, action="create", form_key=other))
        assert made.status_code == 303 and await _count(client) == 2
