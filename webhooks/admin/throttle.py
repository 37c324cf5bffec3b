"""Wrong admin tokens are slowed down per client, with the `limits` library's moving window.

With REDIS_URL set the counts live in Redis, so every replica sees the same failures; without it
each replica counts its own (N replicas behind a balancer allow N times the attempts).
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

LOGIN_LIMITS = "5/minute;20/hour"  # wrong tokens a client may send before it must wait


class LoginThrottle:
    def __init__(
        self, storage: Storage, spec: str = LOGIN_LIMITS, pool: ConnectionPool | None = None
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._items: list[RateLimitItem] = parse_many(spec)
        self._pool = pool  # the Redis connections, ours to close (limits has no close of its own)

    @classmethod
    def over(cls, redis_url: str | None, spec: str = LOGIN_LIMITS) -> LoginThrottle:
        """Counts in Redis when there is one (shared by the replicas), else in this process."""
        if redis_url is None:
            return cls(MemoryStorage(), spec)
        pool = ConnectionPool.from_url(redis_url)  # connects on first use, not here
        storage = RedisStorage(
            f"async+{redis_url}",
            implementation="redispy",
            key_prefix="admin-login",
            connection_pool=pool,  # type: ignore[arg-type]  # documented, typed too narrowly
        )
        return cls(storage, spec, pool)

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def wait_seconds(self, client: str) -> int:
        """0 when `client` may try a token now, else how long until it may."""
        wait = 0.0
        for item in self._items:
            if not await self._limiter.test(item, client):
                stats = await self._limiter.get_window_stats(item, client)
                wait = max(wait, stats.reset_time - time.time())
        return math.ceil(wait) if wait > 0 else 0

    async def failed(self, client: str) -> None:
        for item in self._items:
            await self._limiter.hit(item, client)
