"""Repair messages go out through the real delivery loop, rendered in the customer's language."""

from __future__ import annotations

from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, MessageSender, SendResult
from domain.outbox import OutboxMessage
from tests.e2e.repairs.conftest import AUTH, PHONE, completed, event


class RecordingSender(MessageSender):
    """Stands in for the chat platform: what would have been sent, and to whom."""

    channel = Channel.TELEGRAM

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        self.sent.append((identity.external_id, message.template, text))
        return Delivered(provider_message_id=str(len(self.sent)))


async def test_status_points_tier_and_code_messages_are_delivered_rendered(desk):
    cid = await desk.register(locale="en")
    await desk.post_event(event(status="received", eta="2026-11-24"))
    await desk.post_event(event(status="ready", occurred_at="2026-11-22T09:10:00+03:00"))
    await desk.post_event(completed(amount="16000.00"))
    await desk.post_event(event(order_id="R-2", status="received", eta="2026-11-24"))
    response = await desk.client.post(
        "/api/v1/redemptions",
        json={"phone": PHONE, "points": 100, "order_id": "R-2", "amount": "1000.00"},
        headers=AUTH,
    )
    assert response.status_code == 201
    code = await desk.code_sent(cid)
    sender = RecordingSender()
    c = desk.container
    stats = await c.delivery({Channel.TELEGRAM: sender}).deliver_due()
    assert stats.sent == 7 and not stats.errors
    assert [template for _, template, _ in sender.sent] == [
        "repair_received",
        "repair_ready",
        "points_earned",
        "tier_upgraded",
        "badge_awarded",
        "repair_received",
        "redemption_code",
    ]
    texts = {template: text for _, template, text in sender.sent}
    assert "Expected to be ready by November 24, 2026" in texts["repair_received"]
    assert "<b>You earned 480 points</b>" in texts["points_earned"] and "680 points" in texts["points_earned"]
    assert "Silver" in texts["tier_upgraded"]
    assert "<b>New badge: First repair</b>" in texts["badge_awarded"]
    assert code in texts["redemption_code"]
    # once delivered, the one-time code is no longer kept in the outbox
    assert [ctx for name, ctx in await desk.outbox(cid) if name == "redemption_code"] == [{}]
    assert {to for to, _, _ in sender.sent} == {f"tg-{PHONE}"}
