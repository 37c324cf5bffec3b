"""The Telegram channel: bot, dispatcher and sender built from the settings; webhook or long polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage

from bot.deps import ChatDeps
from bot.telegram.commands import set_commands
from bot.telegram.descriptions import set_descriptions
from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.limits import SplitLongMessages
from bot.telegram.sender import GLOBAL_RATE, PER_CHAT_RATE, TelegramSender
from bot.telegram.staff_desk import TelegramStaffDesk
from bot.telegram.storage import ABANDONED_DIALOGUE, DatabaseStorage
from domain.delivery import MessageSender

log = logging.getLogger("loyalty")

MAX_POLLING_BACKOFF = 60.0

# Every text the bot sends is rendered by messages/ as Telegram HTML.
BOT_DEFAULTS = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    api_url: str | None = None  # a local Bot API server, or a test double
    webhook_url: str | None = None  # set: webhook mode; unset: long polling
    webhook_secret: str | None = None
    rate_per_second: float = GLOBAL_RATE
    chat_rate_per_second: float = PER_CHAT_RATE


class TelegramRuntime:
    """A ChannelRuntime. `webhook` says whether updates arrive at POST /telegram/webhook."""

    def __init__(self, config: TelegramConfig, deps: ChatDeps, bot: Bot, dispatcher: Dispatcher) -> None:
        self.deps = deps
        self.bot = bot
        self.dispatcher = dispatcher
        self.sender: MessageSender = TelegramSender(
            bot, global_rate=config.rate_per_second, per_chat_rate=config.chat_rate_per_second
        )
        self.webhook_url = config.webhook_url
        self.webhook_secret = config.webhook_secret
        self._polling: asyncio.Task[None] | None = None
        self.in_flight: set[int] = set()  # webhook updates being handled by this process

    @property
    def webhook(self) -> bool:
        return self.webhook_url is not None

    async def start(self) -> None:
        """Announce the commands, then set the webhook or start polling in the background."""
        storage = self.dispatcher.storage
        if isinstance(storage, DatabaseStorage):
            forgotten = await storage.purge(self.deps.clock.now() - ABANDONED_DIALOGUE)
            if forgotten:
                log.info("telegram: forgot %s abandoned dialogues", forgotten)
        await set_descriptions(self.bot, self.deps.renderer, self.deps.default_locale)
        try:
            await set_commands(self.bot, self.deps.renderer, self.deps.default_locale)
            if self.webhook_url:
                await self.bot.set_webhook(
                    self.webhook_url,
                    secret_token=self.webhook_secret,
                    allowed_updates=self.dispatcher.resolve_used_update_types(),
                )
                log.info("telegram: webhook mode, updates at %s", self.webhook_url)
                return
            await self.bot.delete_webhook(drop_pending_updates=False)
        except TelegramAPIError as exc:
            # The rest of the product keeps working; polling (below) retries by itself.
            log.error("telegram: could not configure the bot: %s", exc)
            if self.webhook_url:
                return
        log.info("telegram: long polling")
        self._polling = asyncio.create_task(self._poll(), name="telegram-polling")

    async def _poll(self) -> None:
        """aiogram retries failed getUpdates itself, but not a failure to start (getMe): we do."""
        delay = 1.0
        while True:
            try:
                await self.dispatcher.start_polling(self.bot, handle_signals=False, close_bot_session=False)
                return  # stopped on request
            except TelegramAPIError as exc:
                log.error("telegram: polling could not start (%s); trying again in %.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_POLLING_BACKOFF)

    async def stop(self) -> None:
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):  # polling had not got going yet
                await self.dispatcher.stop_polling()
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        await self.dispatcher.storage.close()
        await self.bot.session.close()


def build_bot(config: TelegramConfig) -> Bot:
    """No connection is made here: aiohttp opens its session on the first request."""
    api = config.api_url
    session = AiohttpSession(api=TelegramAPIServer.from_base(api)) if api else AiohttpSession()
    session.middleware(SplitLongMessages())  # every text the bot sends passes here
    return Bot(config.token, session=session, default=BOT_DEFAULTS)


def build_telegram(
    config: TelegramConfig, deps: ChatDeps, storage: BaseStorage, isolation: BaseEventIsolation | None
) -> TelegramRuntime:
    dispatcher = build_dispatcher(deps, storage, isolation)
    # In webhook mode an update that fails for want of the database is sent again by Telegram.
    dispatcher["redelivered_on_failure"] = config.webhook_url is not None
    bot = build_bot(config)
    dispatcher["staff"] = staff_desk(bot, deps)
    return TelegramRuntime(config, deps, bot, dispatcher)


def staff_desk(bot: Bot, deps: ChatDeps) -> TelegramStaffDesk | None:
    """The staff chat through this bot, when STAFF_TELEGRAM_CHAT_ID names one."""
    if deps.staff_chat_id is None:
        return None
    return TelegramStaffDesk(
        bot, deps.staff_chat_id, deps.renderer, deps.rules, deps.staff_secret, deps.default_locale
    )
