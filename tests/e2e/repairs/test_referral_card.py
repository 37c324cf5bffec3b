"""The customer card shows the member's referral code, referrer, friends and every refusal."""

from __future__ import annotations

from tests.e2e.repairs.conftest import AUTH, completed

REFERRER, FRIEND, LATE = "+79160000001", "+79160000002", "+79160000003"


async def test_the_card_shows_the_code_the_referrer_the_counts_and_the_refusals(desk):
    referrer = await desk.register(REFERRER)
    code = (await desk.client.get(f"/api/v1/customers/{referrer}", headers=AUTH)).json()["referral_code"]
    friend = await desk.register(FRIEND, referral_code=code)
    late = await desk.register(LATE)
    await desk.register(LATE, referral_code=code, channel=None, external_id=None)  # a link used too late
    assert (await desk.post_event(completed(phone=FRIEND))).status_code == 200

    card = (await desk.client.get(f"/api/v1/customers/{referrer}", headers=AUTH)).json()
    assert card["referred_by"] is None
    assert card["referrals"] == {"joined": 1, "pending": 0, "rewarded": 1}
    assert [(r["friend_customer_id"], r["reason"]) for r in card["referral_refusals"]] == [
        (late, "already_member")
    ]
    friend_card = (await desk.client.get(f"/api/v1/customers/{friend}", headers=AUTH)).json()
    assert friend_card["referred_by"] == referrer and friend_card["referral_refusals"] == []
    assert await desk.balance(referrer) == 200 + 500


async def test_the_card_lists_the_members_badges_with_the_moment_of_award(desk):
    member = await desk.register(REFERRER)
    card = (await desk.client.get(f"/api/v1/customers/{member}", headers=AUTH)).json()
    assert card["badges"] == []
    assert (await desk.post_event(completed(phone=REFERRER, amount="60000.00"))).status_code == 200
    card = (await desk.client.get(f"/api/v1/customers/{member}", headers=AUTH)).json()
    assert [b["key"] for b in card["badges"]] == ["first_repair", "gold_reached"]
    assert all(b["awarded_at"].startswith("2026-11-22T07:00:00") for b in card["badges"])
