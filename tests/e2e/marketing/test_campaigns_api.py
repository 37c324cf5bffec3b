"""The campaign API over HTTP: create, read with stats, list, test, cancel; refusals name the field and
write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.customers import Channel
from domain.delivery import Delivered, MessageSender, SendResult
from tests.e2e.repairs.conftest import AUTH

CAMPAIGNS = "/api/v1/campaigns"
MESSAGE = {"ru": "{{ name }}, у вас {{ pts(points) }}", "en": "{{ name }}, you have {{ pts(points) }}"}


class Recorder(MessageSender):
    channel = Channel.TELEGRAM

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send(self, identity, message, text) -> SendResult:  # type: ignore[no-untyped-def]
        self.texts.append(text)
        return Delivered(f"tg-{len(self.texts)}")


def _campaign(**fields):
    return {"name": "Зимняя акция", "filter": {}, "message": MESSAGE} | fields


async def test_a_marketer_schedules_watches_and_finishes_a_campaign(desk):
    members = [await desk.register(f"+7916123456{n}", name=f"Клиент {n}") for n in range(3)]
    await desk.register("+79161234569", marketing_opt_in=False)
    created = await desk.client.post(CAMPAIGNS, json=_campaign(bonus_points=25), headers=AUTH)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "scheduled" and body["stats"]["recipients"] == 0
    assert body["author"] == "api:admin" and body["next_run_at"] is not None

    ran = await desk.client.post("/api/v1/jobs/campaigns/run", headers=AUTH)
    assert ran.status_code == 200 and ran.json()["counts"]["started"] == 1
    read = (await desk.client.get(f"{CAMPAIGNS}/{body['id']}", headers=AUTH)).json()
    assert read["status"] == "sending"
    assert read["stats"] | {"skipped_by_reason": {}} == {
        "recipients": 3,
        "sent": 0,
        "delivered": 0,
        "failed": 0,
        "skipped": 0,
        "skipped_by_reason": {},
        "pending": 3,
        "holdout": 0,
        "runs": 1,
    }

    sender = Recorder()
    delivery = desk.container.delivery({Channel.TELEGRAM: sender})
    while (await delivery.deliver_due()).handled:
        pass
    await desk.client.post("/api/v1/jobs/campaigns/run", headers=AUTH)
    done = (await desk.client.get(f"{CAMPAIGNS}/{body['id']}", headers=AUTH)).json()
    assert done["status"] == "done" and done["stats"]["sent"] == 3 and done["stats"]["pending"] == 0
    assert sorted(sender.texts)[0].startswith("Клиент 0, у вас")
    assert [await desk.balance(m) for m in members] == [desk.container.rules.welcome.points + 25] * 3

    listed = (await desk.client.get(CAMPAIGNS, headers=AUTH)).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]] and listed["next_before_id"] is None
    again = await desk.client.post(f"{CAMPAIGNS}/{body['id']}/cancel", headers=AUTH)
    assert again.status_code == 409 and again.json()["detail"]["code"] == "campaign_finished"


async def test_cancel_skips_what_is_queued_and_a_test_send_goes_to_one_member(desk):
    member = await desk.register("+79161234560", name="Анна")
    stranger = await desk.register("+79161234561", marketing_opt_in=False)
    at = (desk.container.clock.now() + timedelta(hours=2)).isoformat()
    created = (await desk.client.post(CAMPAIGNS, json=_campaign(send_at=at), headers=AUTH)).json()
    url = f"{CAMPAIGNS}/{created['id']}"

    test = await desk.client.post(f"{url}/test", json={"customer_id": member}, headers=AUTH)
    assert test.status_code == 202, test.text
    assert test.json()["preview"] == f"Анна, у вас {desk.container.rules.welcome.points} баллов"
    refused = await desk.client.post(f"{url}/test", json={"customer_id": stranger}, headers=AUTH)
    assert refused.status_code == 409 and refused.json()["detail"]["code"] == "test_recipient_refused"
    missing = await desk.client.post(f"{url}/test", json={"customer_id": 10**9}, headers=AUTH)
    assert missing.status_code == 404

    cancelled = await desk.client.post(f"{url}/cancel", headers=AUTH)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["next_run_at"] is None
    desk.container.clock.advance(timedelta(hours=3))
    ran = await desk.client.post("/api/v1/jobs/campaigns/run", headers=AUTH)
    assert ran.json()["counts"]["started"] == 0
    assert (await desk.client.get(f"{CAMPAIGNS}/404404", headers=AUTH)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"filter": {"colour": "red"}}, ["body", "filter", "colour"]),
        ({"filter": {"min_spend": -1}}, ["body", "filter", "min_spend"]),
        ({"message": {"ru": "Привет, {{ nickname }}"}}, ["body", "message", "ru"]),
        ({"message": {"ru": "{{ ''.__class__ }}"}}, ["body", "message", "ru"]),
        ({"bonus_points": -5}, ["body", "bonus_points"]),
        ({"bonus_points": 10**6}, ["body", "bonus_points"]),
        ({"bonus_points": "5"}, ["body", "bonus_points"]),
        ({"holdout_percent": 60}, ["body", "holdout_percent"]),
        ({"cron": "* * * * *"}, ["body", "cron"]),
        ({"cron": "0 0 30 2 *"}, ["body", "cron"]),
        ({"send_at": "2020-01-01T10:00:00+03:00"}, ["body", "send_at"]),
        ({"send_at": "2026-12-01T10:00:00"}, ["body", "send_at"]),
        ({"whatsapp_template": {"sid": "nope"}}, ["body", "whatsapp_template", "sid"]),
        (
            {"whatsapp_template": {"sid": "HX" + "a" * 32, "variables": ["{{ x }}"]}},
            ["body", "whatsapp_template", "variables", 0],
        ),
        ({"colour": "red"}, ["body", "colour"]),
        ({"cron": "0 10 * * MON\u0000"}, ["body", "cron"]),
        ({"cron": "0 10 1 * MON"}, ["body", "cron"]),
        ({"message": {"ru": "{{ name[0] }}"}}, ["body", "message", "ru"]),
        ({"message": {"ru": "{% for x in 'ab' %}{{ x }}{% endfor %}"}}, ["body", "message", "ru"]),
    ],
)
async def test_a_campaign_that_cannot_work_is_a_422_naming_the_field(desk, fields, loc):
    await desk.register("+79161234560")
    before = await desk.counts()
    response = await desk.client.post(CAMPAIGNS, json=_campaign(**fields), headers=AUTH)
    assert response.status_code == 422, response.text
    assert [d["loc"] for d in response.json()["detail"]] == [loc]
    assert await desk.counts() == before


async def test_a_cron_is_kept_in_its_plain_form(desk):
    created = await desk.client.post(CAMPAIGNS, json=_campaign(cron="0  10 *\t* MON"), headers=AUTH)
    assert created.status_code == 422  # a tab is not a crontab separator here
    created = await desk.client.post(CAMPAIGNS, json=_campaign(cron=" 0  10 * *  MON "), headers=AUTH)
    assert created.status_code == 201 and created.json()["cron"] == "0 10 * * MON"


async def test_a_test_send_that_does_not_render_for_that_member_queues_nothing(desk):
    from domain.campaigns import Campaign

    member = await desk.register("+79161234560")
    async with desk.container.uow() as uow:  # stored before today's checks
        old = await uow.campaigns.add(
            Campaign("Old", {}, {"ru": "{{ nickname }}"}, desk.container.clock.now())
        )
        await uow.commit()
    before = await desk.counts()
    response = await desk.client.post(
        f"{CAMPAIGNS}/{old.id}/test", json={"customer_id": member}, headers=AUTH
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "customer_id"]
    assert await desk.counts() == before
