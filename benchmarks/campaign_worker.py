"""A child process: the product's outbox delivery loop alone, as `loyalty serve` runs it, sending to a
(fake) Bot API. The campaign benchmark starts it, kills it with SIGKILL midway, and starts it again.

    python -m benchmarks.campaign_worker --database-url URL --api-url URL --token TOKEN [--schema S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

from app.bootstrap import bootstrap, telegram_channel
from app.settings import Settings
from benchmarks.common import announce_ready
from domain.customers import Channel
from scheduler.delivery import run_forever
from store.engine import create_engine


async def work(
    database_url: str, schema: str | None, api_url: str, token: str, lease: float, max_seconds: float
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        telegram_bot_token=token,
        telegram_api_url=api_url,
        telegram_webhook_url="https://bench.invalid/telegram/webhook",
        telegram_webhook_secret="bench-secret-0123456789",
    )
    engine = create_engine(database_url, search_path=schema)
    container = bootstrap(settings, engine=engine, channel_builders={Channel.TELEGRAM: telegram_channel})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    announce_ready(0)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                run_forever(container.delivery(), idle_seconds=0.2, stop=stop), max_seconds
            )
    finally:
        for runtime in container.channels.values():
            await runtime.stop()
        await container.aclose()


def _delivery(container: Any, lease: float) -> Any:
    """`container.delivery()`, with a shorter lease when asked: a dead worker's rows come back
    (and its messages in flight go again) within the benchmark's window."""
    from datetime import timedelta

    return container.delivery(lease=timedelta(seconds=lease)) if lease else container.delivery()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schema")
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--lease-seconds", type=float, default=0.0, help="0: the product's 5 minutes")
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            work(
                args.database_url, args.schema, args.api_url, args.token, args.lease_seconds, args.max_seconds
            )
        )


if __name__ == "__main__":
    main()
