"""Chat updates: /balance through the product's real dispatcher against a bare aiogram echo bot.

Both bots talk over real HTTP (aiogram's aiohttp session) to the same fake Bot API, a child
process on 127.0.0.1 (benchmarks/fake_bot_api.py), and both get the same updates the same way:
parsed into an aiogram Update and handed to `Dispatcher.feed_update`, by W concurrent workers
(benchmarks/common.py). The product is `app.bootstrap.telegram_channel` over the real
bootstrap and a real database; each update is `/balance` from one of the registered customers
(the customer lookup, the dialogue state, the balance read, rendering, sendMessage). The floor
is a Dispatcher with one message handler that echoes the text back.

    python -m benchmarks.chat_updates [--updates N] [--workers W] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import Message, Update
from sqlalchemy import event

from app.bootstrap import bootstrap, telegram_channel
from app.settings import Settings
from benchmarks.common import BenchDatabase, Child, Comparison, Result, child_process, given_or_new, run_load
from benchmarks.webhook_ingestion import register_customers
from bot.telegram.runtime import TelegramRuntime
from domain.customers import Channel

TOKEN = "4242:BENCH-token-for-the-loyalty-bot"
FIRST_USER_ID = 900_000  # the customers registered by register_customers: 900000 + index
CHILD_MAX_SECONDS = 600.0
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)")
SQL_SAMPLE = 50  # updates whose SQL statements are counted, between the warm-up and the measurement


def updates(count: int, customers: int, first_id: int, spread: int = 1) -> list[dict[str, Any]]:
    """`/balance` from each customer in turn: consecutive updates are from different chats.

    The customers are 0, spread, 2 * spread, ...: on a seeded database spread over all N."""
    now = int(datetime.now(UTC).timestamp())
    made = []
    for index, update_id in zip(range(count), itertools.count(first_id), strict=False):
        user_id = FIRST_USER_ID + index % customers * spread
        user = {"id": user_id, "is_bot": False, "first_name": "Иван", "language_code": "ru"}
        message = {
            "message_id": update_id,
            "date": now,
            "chat": {"id": user_id, "type": "private", "first_name": "Иван"},
            "from": user,
            "text": "/balance",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        }
        made.append({"update_id": update_id, "message": message})
    return made


def feeder(dp: Dispatcher, bot: Bot) -> Callable[[dict[str, Any]], Any]:
    """The same way in for both bots: parse the Update, feed it to the dispatcher."""

    async def one(raw: dict[str, Any]) -> bool:
        update = Update.model_validate(raw, context={"bot": bot})
        await dp.feed_update(bot, update)
        return True

    return one


def echo_bot(api_url: str) -> tuple[Dispatcher, Bot]:
    """The floor: a bare aiogram bot that echoes every text, with the product's bot defaults."""
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    default = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
    return dp, Bot(TOKEN, session=session, default=default)


async def api_stats(api: Child) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=api.url) as client:
        stats: dict[str, Any] = (await client.get("/stats")).json()
        return stats


async def measure(
    name: str,
    dp: Dispatcher,
    bot: Bot,
    api: Child,
    warmup: Sequence[dict[str, Any]],
    measured: Sequence[dict[str, Any]],
    workers: int,
    max_seconds: float,
    count_sql: Callable[[], Any] | None = None,
) -> Result:
    one = feeder(dp, bot)
    await run_load(name, warmup, one, workers=workers, max_seconds=max_seconds)
    notes: dict[str, Any] = {}
    sample, measured = measured[:SQL_SAMPLE], measured[SQL_SAMPLE:]
    if count_sql is not None:
        with count_sql() as statements:
            await run_load(name, sample, one, workers=workers, max_seconds=max_seconds)
        notes["sql_statements_per_update"] = round(len(statements) / len(sample), 2)
        notes["sql_per_update_by_kind"] = {
            kind: round(n / len(sample), 2) for kind, n in sorted(Counter(statements).items())
        }
    else:
        await run_load(name, sample, one, workers=workers, max_seconds=max_seconds)
    before = await api_stats(api)
    result = await run_load(name, measured, one, workers=workers, max_seconds=max_seconds, load_pid=api.pid)
    after = await api_stats(api)
    sent = after["counts"].get("sendmessage", 0) - before["counts"].get("sendmessage", 0)
    notes["sendMessage_calls"] = sent
    notes["reply_sample"] = after["last_text"][:300]
    if sent != result.requests:
        notes["warning"] = f"{sent} messages sent for {result.requests} updates"
    result.notes.update(notes)
    return result


@contextlib.contextmanager
def statements_of(engine: Any) -> Any:
    """The SQL statements run on `engine` inside the block (their first word and table)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        table = _TABLE.search(statement)
        seen.append(f"{statement.split(maxsplit=1)[0]} {table.group(1) if table else ''}".strip())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def bench(
    *,
    updates_count: int = 3000,
    workers: int = 8,
    customers: int = 100,
    max_seconds: float = 45.0,
    database_url: str | None = None,
    seeded: BenchDatabase | None = None,
    spread: int = 1,
) -> Comparison:
    """`seeded`: run on this already seeded database (benchmarks/seed.py), `/balance` from every
    `spread`-th seeded customer, instead of a new database with `customers` registered."""
    warm = customers  # one update per customer: the first one refreshes last_inbound_at
    total = warm + SQL_SAMPLE + updates_count
    async with (
        given_or_new(database_url, seeded) as database,
        child_process("benchmarks.fake_bot_api", "--token", TOKEN, max_seconds=CHILD_MAX_SECONDS) as api,
    ):
        if seeded is None:
            await register_customers(database, customers)

        dp, bot = echo_bot(api.url)
        try:
            raw = updates(total, customers, first_id=1, spread=spread)
            floor = await measure(
                "aiogram echo bot", dp, bot, api, raw[:warm], raw[warm:], workers, max_seconds
            )
        finally:
            await bot.session.close()

        settings = Settings(
            _env_file=None,
            database_url=database.url,
            telegram_bot_token=TOKEN,
            telegram_api_url=api.url,
        )
        container = bootstrap(
            settings, engine=database.engine(), channel_builders={Channel.TELEGRAM: telegram_channel}
        )
        runtime = container.channels[Channel.TELEGRAM]
        assert isinstance(runtime, TelegramRuntime)
        try:
            raw = updates(total, customers, first_id=100_000, spread=spread)
            product = await measure(
                "/balance, product dispatcher",
                runtime.dispatcher,
                runtime.bot,
                api,
                raw[:warm],
                raw[warm:],
                workers,
                max_seconds,
                count_sql=lambda: statements_of(container.engine),
            )
        finally:
            await runtime.stop()  # closes the bot's session; polling was never started
            await container.aclose()
    return Comparison("chat updates", database.kind, product, floor)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--updates", type=int, default=3000, help="measured updates per side")
    parser.add_argument("--workers", type=int, default=8, help="updates fed concurrently")
    parser.add_argument("--customers", type=int, default=100, help="registered customers (and chats)")
    parser.add_argument("--max-seconds", type=float, default=45.0, help="time cap of each measured side")
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")


def main() -> None:
    from benchmarks.report import print_comparisons

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args()
    comparison = asyncio.run(
        bench(
            updates_count=args.updates,
            workers=args.workers,
            customers=args.customers,
            max_seconds=args.max_seconds,
            database_url=args.database_url,
        )
    )
    print_comparisons([comparison])


if __name__ == "__main__":
    main()
