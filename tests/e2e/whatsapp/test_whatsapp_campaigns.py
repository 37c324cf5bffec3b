"""Campaigns on WhatsApp through the real sender and Twilio client: the 24-hour window with and without
the campaign's approved template, and STOP between enqueue and send."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.e2e.conftest import running
from tests.e2e.repairs.conftest import AUTH, TOKEN
from tests.e2e.whatsapp.conftest import PHONE, register, runtime_of, say, whatsapp_settings

TEMPLATE_SID = "HX" + "0123456789abcdef" * 2
CAMPAIGN = {
    "name": "Зима",
    "filter": {"channels": ["whatsapp"]},
    "message": {"ru": "{{ name }}, у вас {{ pts(points) }}. Скидка 10% до пятницы."},
}


async def _run_campaign(container, http, fake, body):
    created = await http.post("/api/v1/campaigns", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    ran = await http.post("/api/v1/jobs/campaigns/run", headers=AUTH)
    assert ran.json()["counts"]["started"] == 1
    return created.json()["id"]


async def _deliver_and_read(container, http, campaign_id):
    while (await container.delivery().deliver_due()).handled:
        pass
    await http.post("/api/v1/jobs/campaigns/run", headers=AUTH)
    return (await http.get(f"/api/v1/campaigns/{campaign_id}", headers=AUTH)).json()


async def _container(make_container, fake):
    return await make_container(**whatsapp_settings(fake), admin_api_token=TOKEN)


async def test_inside_the_window_the_campaign_goes_as_text(make_container, fake_twilio):
    container = await _container(make_container, fake_twilio)
    async with running(container) as http:
        await register(http, fake_twilio)
        cid = await _run_campaign(container, http, fake_twilio, CAMPAIGN)
        before = len(fake_twilio.sent)
        read = await _deliver_and_read(container, http, cid)
    [sent] = fake_twilio.sent[before:]
    assert sent["Body"].endswith("баллов. Скидка 10% до пятницы.") and "ContentSid" not in sent
    assert read["status"] == "done" and read["stats"]["sent"] == 1
    await runtime_of(container).stop()


async def test_outside_the_window_only_the_campaigns_template_goes_else_it_is_skipped(
    make_container, fake_twilio, clock
):
    container = await _container(make_container, fake_twilio)
    async with running(container) as http:
        await register(http, fake_twilio)
        clock.advance(timedelta(hours=25))
        without = await _run_campaign(container, http, fake_twilio, CAMPAIGN)
        before = len(fake_twilio.sent)
        skipped = await _deliver_and_read(container, http, without)
        assert len(fake_twilio.sent) == before
        assert skipped["stats"]["skipped_by_reason"] == {"outside_24h_window": 1}

        template = {"sid": TEMPLATE_SID, "variables": ["{{ name or 'клиент' }}", "{{ points }}"]}
        with_template = await _run_campaign(
            container, http, fake_twilio, CAMPAIGN | {"whatsapp_template": template}
        )
        sent_by_template = await _deliver_and_read(container, http, with_template)
    [sent] = fake_twilio.sent[before:]
    assert sent["ContentSid"] == TEMPLATE_SID and "Body" not in sent
    variables = json.loads(sent["ContentVariables"])
    assert list(variables) == ["1", "2"] and variables["2"] == str(container.rules.welcome.points)
    assert sent_by_template["stats"]["sent"] == 1
    await runtime_of(container).stop()


async def test_stop_between_enqueue_and_send_skips_the_message(make_container, fake_twilio):
    container = await _container(make_container, fake_twilio)
    async with running(container) as http:
        await register(http, fake_twilio)
        cid = await _run_campaign(container, http, fake_twilio, CAMPAIGN)
        await say(http, fake_twilio, "STOP")
        before = len(fake_twilio.sent)
        read = await _deliver_and_read(container, http, cid)
    assert fake_twilio.sent[before:] == []
    assert read["stats"]["skipped_by_reason"] == {"marketing_opt_out": 1}
    async with container.uow() as uow:
        assert not (await uow.customers.by_phone(PHONE)).marketing_opt_in
    await runtime_of(container).stop()
