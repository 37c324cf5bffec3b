"""A waiting_approval event may carry the quote: the customer's message shows it; a bad quote is refused."""

from __future__ import annotations

import pytest

from tests.e2e.repairs.conftest import event

QUOTE = {"amount": "2500.00", "text": "Замена аккумулятора"}


async def _repair(desk, order_id: str = "R-1042"):
    async with desk.container.uow() as uow:
        return await uow.repairs.by_order(order_id)


async def test_the_waiting_for_approval_message_shows_the_quote_in_both_languages(desk):
    cid = await desk.register()
    response = await desk.post_event(event(status="waiting_approval", quote=QUOTE))
    assert response.status_code == 200, response.text
    repair = await _repair(desk)
    assert (repair.quote_amount_minor, repair.quote_text) == (250000, "Замена аккумулятора")
    [(name, context)] = await desk.outbox(cid)
    assert name == "repair_waiting_approval"
    ru = desk.container.renderer.render(name, "ru", "plain", **context)
    en = desk.container.renderer.render(name, "en", "plain", **context)
    assert "диагностика завершена.\nПредлагаем: Замена аккумулятора — 2\xa0500 ₽." in ru
    assert "Our quote: Замена аккумулятора, " in en and "2,500" in en


async def test_a_revised_quote_is_told_again_and_a_repeated_one_is_not(desk):
    cid = await desk.register()
    await desk.post_event(event(status="waiting_approval", quote=QUOTE))
    await desk.post_event(event(status="waiting_approval", quote=QUOTE))
    revised = {"amount": "3100.00", "text": "Замена аккумулятора и шлейфа"}
    await desk.post_event(event(status="waiting_approval", quote=revised))
    messages = await desk.outbox(cid)
    assert [c["quote_amount_minor"] for _, c in messages] == [250000, 310000]
    assert (await _repair(desk)).quote_text == "Замена аккумулятора и шлейфа"


async def test_a_waiting_for_approval_without_a_quote_reads_as_before(desk):
    cid = await desk.register()
    await desk.post_event(event(status="waiting_approval"))
    [(name, context)] = await desk.outbox(cid)
    text = desk.container.renderer.render(name, "ru", "plain", **context)
    assert "Предлагаем" not in text and "диагностика завершена.\nПожалуйста" in text


@pytest.mark.parametrize(
    ("quote", "status", "field"),
    [
        ({"amount": "25,00", "text": "Замена"}, "waiting_approval", ["body", "quote", "amount"]),
        ({"amount": 2500, "text": "Замена"}, "waiting_approval", ["body", "quote", "amount"]),
        ({"amount": "2500.00", "text": "   "}, "waiting_approval", ["body", "quote", "text"]),
        ({"amount": "2500.00", "text": "x" * 201}, "waiting_approval", ["body", "quote", "text"]),
        ({"amount": "2500.00"}, "waiting_approval", ["body", "quote", "text"]),
        ("2500.00", "waiting_approval", ["body", "quote"]),
        (QUOTE, "in_repair", ["body", "quote"]),
    ],
)
async def test_a_bad_quote_is_refused_with_its_field_named_and_changes_nothing(desk, quote, status, field):
    cid = await desk.register()
    counts = await desk.counts()
    response = await desk.post_event(event(status=status, quote=quote))
    assert response.status_code == 422
    assert field in [e["loc"] for e in response.json()["detail"]]
    assert await desk.counts() == counts and await desk.outbox(cid) == []
