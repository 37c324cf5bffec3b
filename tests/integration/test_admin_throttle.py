"""Wrong /admin tokens are counted per client: in Redis every replica sees the same failures;
without Redis each process counts its own."""

from __future__ import annotations

import os
import uuid

from limits.aio.storage import MemoryStorage

from webhooks.admin.throttle import LoginThrottle

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def test_a_client_waits_after_five_wrong_tokens_and_another_client_does_not():
    throttle = LoginThrottle(MemoryStorage())
    for _ in range(5):
        assert await throttle.wait_seconds("10.0.0.1") == 0
        await throttle.failed("10.0.0.1")
    wait = await throttle.wait_seconds("10.0.0.1")
    assert 0 < wait <= 60
    assert await throttle.wait_seconds("10.0.0.2") == 0


async def test_the_hourly_limit_holds_after_the_minute_has_passed():
    throttle = LoginThrottle(MemoryStorage(), "100/minute;3/hour")
    for _ in range(3):
        await throttle.failed("10.0.0.3")
    assert 60 < await throttle.wait_seconds("10.0.0.3") <= 3600


async def test_two_replicas_over_one_redis_share_the_count():
    client = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().hex[:6]}"  # fresh keys on a shared Redis
    first, second = LoginThrottle.over(REDIS_URL), LoginThrottle.over(REDIS_URL)
    try:
        for replica in (first, second, first, second, first):
            assert await replica.wait_seconds(client) == 0
            await replica.failed(client)
        assert await second.wait_seconds(client) > 0
        assert await first.wait_seconds(client) > 0
    finally:
        await first.aclose()
        await second.aclose()
