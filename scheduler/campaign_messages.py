"""The text of a campaign message, made at delivery: the bonus credited, the template rendered for the
customer as they are now, and the WhatsApp template's variables for outside the 24-hour window."""

from __future__ import annotations

from collections.abc import Callable

from domain.campaigns import CampaignStatus, CampaignTexts
from domain.clock import Clock
from domain.customers import Channel
from domain.delivery import Skipped
from domain.outbox import WHATSAPP_CONTENT, OutboxMessage
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.campaign_messages import campaign_variables, credit_campaign_bonus


class CampaignComposer:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        rules: ProgramRules,
        texts: CampaignTexts,
        clock: Clock,
        *,
        default_locale: str,
    ) -> None:
        self._uow = uow
        self._rules = rules
        self._texts = texts
        self._clock = clock
        self._default_locale = default_locale

    async def compose(self, message: OutboxMessage, channel: Channel) -> str | Skipped:
        campaign_id = int(message.context["campaign_id"])
        run_id = message.context.get("run_id")  # None for a test send: no bonus
        now = self._clock.now()
        async with self._uow() as uow:
            campaign = await uow.campaigns.get(campaign_id)
            if campaign is None:
                return Skipped("campaign_missing")
            if run_id is not None and campaign.status is CampaignStatus.CANCELLED:
                return Skipped("cancelled")
            if run_id is not None:
                await credit_campaign_bonus(uow, self._rules, campaign, int(run_id), message.customer_id, now)
            customer = await uow.customers.get(message.customer_id)
            if customer is None or customer.is_deleted:
                return Skipped("customer_deleted")
            variables = await campaign_variables(uow, self._rules, customer, campaign, now)
            await uow.commit()
        locale = customer.locale
        source = (
            campaign.messages.get(locale)
            or campaign.messages.get(self._default_locale)
            or next(iter(campaign.messages.values()))
        )
        template = campaign.whatsapp_template
        if template is not None:
            message.extra[WHATSAPP_CONTENT] = {
                "sid": template.sid,
                "variables": {
                    str(number): self._texts.render(value, variables, locale=locale, channel="plain")
                    for number, value in enumerate(template.variables, 1)
                },
            }
        return self._texts.render(source, variables, locale=locale, channel=channel.value)
