"""The one composition root: settings in, a container of ready parts out. Nothing connects at import."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.rules_file import load_rules
from app.settings import Settings
from bot.deps import ChatDeps, PrivacyPolicy
from bot.runtime import ChannelRuntime
from bot.telegram.runtime import TelegramConfig, TelegramRuntime, build_telegram, staff_desk
from bot.telegram.storage import build_storage, dialogue_secret
from bot.whatsapp.runtime import WhatsAppConfig, WhatsAppRuntime
from domain.clock import Clock, SystemClock
from domain.customers import Channel
from domain.delivery import MessageSender
from domain.events import QuoteAnswered
from domain.outbound_webhooks import queue_approval_answered
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
from domain.rules import ProgramRules
from messages import LOCALES, Renderer
from messages.admin import AdminTexts
from messages.campaigns import SandboxedCampaignTexts
from messages.documents import Documents, render_documents
from scheduler.campaign_messages import CampaignComposer
from scheduler.delivery import LEASE, Delivery
from scheduler.jobs import JobDeps, Jobs, build_jobs
from scheduler.outbound_webhooks import WebhookDelivery
from scheduler.recurrence import CronSchedules
from store.chat_state import SqlChatStateStore
from store.engine import create_engine, ping, session_factory
from store.uow import SqlUnitOfWork
from webhooks.admin.site import AdminSite
from webhooks.admin.throttle import LoginThrottle
from webhooks.deps import CampaignTools, WebDeps

log = logging.getLogger("loyalty")


@dataclass
class Container:
    settings: Settings
    rules: ProgramRules
    engine: AsyncEngine
    uow: Callable[[], UnitOfWork]
    renderer: Renderer
    clock: Clock
    chat: ChatDeps
    documents: Documents
    channels: dict[Channel, ChannelRuntime] = field(default_factory=dict)
    jobs: Jobs = field(init=False)
    campaign_texts: SandboxedCampaignTexts = field(default_factory=SandboxedCampaignTexts)
    admin: AdminSite | None = None

    @property
    def senders(self) -> dict[Channel, MessageSender]:
        return {channel: runtime.sender for channel, runtime in self.channels.items()}

    def webhook_delivery(self) -> WebhookDelivery | None:
        """The signed webhooks to the repair system, when REPAIR_SYSTEM_WEBHOOK_URL is set."""
        url, secret = self.settings.repair_system_webhook_url, self.settings.repair_system_webhook_secret
        if url is None or secret is None:
            return None
        return WebhookDelivery(self.uow, self.clock, url=str(url), secret=secret.get_secret_value())

    def delivery(
        self, senders: Mapping[Channel, MessageSender] | None = None, *, lease: timedelta = LEASE
    ) -> Delivery:
        """The outbox delivery over these channels' senders (or the given ones), under the rules."""
        return Delivery(
            self.uow,
            self.senders if senders is None else senders,
            self.renderer,
            self.clock,
            marketing=self.rules.marketing,
            timezone=self.settings.timezone,
            campaigns=CampaignComposer(
                self.uow,
                self.rules,
                self.campaign_texts,
                self.clock,
                default_locale=self.settings.default_locale,
            ),
            lease=lease,
        )

    @property
    def web(self) -> WebDeps:
        """What the HTTP routes use, and nothing else."""
        settings = self.settings
        telegram, whatsapp = self.channels.get(Channel.TELEGRAM), self.channels.get(Channel.WHATSAPP)
        return WebDeps(
            uow=self.uow,
            clock=self.clock,
            rules=self.rules,
            ping_database=functools.partial(ping, self.engine),
            admin_api_token=_secret(settings.admin_api_token),
            repair_webhook_secret=_secret(settings.repair_webhook_secret),
            telegram=telegram if isinstance(telegram, TelegramRuntime) else None,
            whatsapp=whatsapp if isinstance(whatsapp, WhatsAppRuntime) else None,
            jobs=self.jobs,
            timezone=settings.timezone,
            documents=self.documents,
            campaigns=CampaignTools(
                texts=self.campaign_texts,
                schedules=CronSchedules(settings.timezone, self.clock),
                locales=LOCALES,
                default_locale=settings.default_locale,
            ),
            admin=self.admin,
        )

    async def aclose(self) -> None:
        await self.engine.dispose()
        if self.admin is not None:
            await self.admin.throttle.aclose()


ChannelBuilder = Callable[[Container], ChannelRuntime | None]


def telegram_channel(container: Container) -> TelegramRuntime | None:
    """On with a bot token: webhook mode with TELEGRAM_WEBHOOK_URL, else long polling."""
    settings = container.settings
    if not settings.telegram_enabled or settings.telegram_bot_token is None:  # the same, for mypy
        return None  # app/cli.py says so in its start-up line
    token = settings.telegram_bot_token.get_secret_value()
    config = TelegramConfig(
        token=token,
        api_url=_url(settings.telegram_api_url),
        webhook_url=_url(settings.telegram_webhook_url),
        webhook_secret=_secret(settings.telegram_webhook_secret),
        rate_per_second=settings.telegram_rate_per_second,
        chat_rate_per_second=settings.telegram_chat_rate_per_second,
    )
    chat_states = SqlChatStateStore(container.engine, container.clock)
    storage, isolation = build_storage(chat_states, settings.redis_url, dialogue_secret(token))
    return build_telegram(config, container.chat, storage, isolation)


def whatsapp_channel(container: Container) -> WhatsAppRuntime | None:
    """On with the three Twilio settings; nothing connects until the first send."""
    settings = container.settings
    sid, token, sender = (
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        settings.twilio_whatsapp_from,
    )
    if not settings.whatsapp_enabled or not (sid and token and sender):
        return None
    config = WhatsAppConfig(
        account_sid=sid,
        auth_token=token.get_secret_value(),
        from_number=sender,
        public_base_url=str(settings.public_base_url),
        api_base_url=_url(settings.twilio_api_base_url),
        templates=settings.twilio_content_templates,
        rate_per_second=settings.whatsapp_rate_per_second,
    )
    # A WhatsApp customer's question goes to the staff chat through the Telegram bot, when there is one.
    telegram = container.channels.get(Channel.TELEGRAM)
    desk = staff_desk(telegram.bot, container.chat) if isinstance(telegram, TelegramRuntime) else None
    return WhatsAppRuntime(config, dataclasses.replace(container.chat, staff=desk))


DEFAULT_CHANNELS: dict[Channel, ChannelBuilder] = {
    Channel.TELEGRAM: telegram_channel,
    Channel.WHATSAPP: whatsapp_channel,
}


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: ProgramRules | None = None,
    engine: AsyncEngine | None = None,
    channel_builders: dict[Channel, ChannelBuilder] | None = None,
) -> Container:
    """Build every part from settings; tests pass fakes for what lies outside this machine."""
    rules = rules or load_rules(settings.program_rules)
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or SystemClock()
    reactions = ProgramReactions(rules, timezone=settings.timezone)
    if settings.repair_system_webhook_url is not None:  # unset: answers are kept, nobody is told
        reactions.on(QuoteAnswered, queue_approval_answered)
    renderer = Renderer(timezone=settings.timezone, currency=rules.currency, shop=rules.shop)
    consent_url = str(settings.public_base_url).rstrip("/") + "/privacy/consent"
    documents = render_documents(
        renderer,
        version=settings.privacy_policy_version,
        policy_url=str(settings.policy_url),
        consent_url=consent_url,
        channels=[
            c
            for c, on in (("telegram", settings.telegram_enabled), ("whatsapp", settings.whatsapp_enabled))
            if on
        ],
        linking_days=rules.linking_max_age_days,
    )

    def new_uow() -> UnitOfWork:
        return SqlUnitOfWork(sessions, reactions)

    chat = ChatDeps(
        uow=new_uow,
        clock=clock,
        rules=rules,
        renderer=renderer,
        policy=PrivacyPolicy(
            str(settings.policy_url),
            documents.version,
            consent_url=consent_url,
            hashes={locale: documents.consent_hash(locale) for locale in LOCALES},
        ),
        timezone=settings.timezone,
        default_locale=settings.default_locale,
        staff_chat_id=settings.staff_telegram_chat_id,
        staff_secret=_staff_secret(settings),
    )
    container = Container(
        settings=settings,
        rules=rules,
        engine=engine,
        uow=new_uow,
        renderer=renderer,
        clock=clock,
        chat=chat,
        documents=documents,
    )
    container.admin = AdminSite(
        texts=AdminTexts(renderer, settings.default_locale),
        throttle=LoginThrottle.over(settings.redis_url),
        session_ttl=timedelta(hours=settings.admin_session_hours),
        secure_cookies=str(settings.public_base_url).startswith("https://"),
    )
    container.jobs = build_jobs(JobDeps(new_uow, clock, rules, settings.timezone))
    builders = DEFAULT_CHANNELS if channel_builders is None else channel_builders
    for channel, build in builders.items():
        runtime = build(container)
        if runtime is not None:
            container.channels[channel] = runtime
    return container


def _staff_secret(settings: Settings) -> str:
    """Signs the references on question cards; from the bot token, so every replica agrees."""
    token = settings.telegram_bot_token
    if token is None:
        return ""
    return hmac.new(token.get_secret_value().encode(), b"staff-questions", hashlib.sha256).hexdigest()


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _url(value: object | None) -> str | None:
    return str(value) if value is not None else None
