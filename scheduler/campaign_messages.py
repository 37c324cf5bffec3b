"""The text of a campaign message, made at delivery, and its bonus, credited once it has gone out.

`compose` renders the template for the customer as they are now (their points with the run's bonus
added, since the message announces it), refuses what may no longer go (an opt-out after the
message was queued, a cancelled campaign, a template that does not render for this customer),
and prepares the WhatsApp template's variables for outside the 24-hour window. `on_delivered`
credits the bonus in the transaction that records the message sent, so a message that was
skipped, refused or failed pays nothing, and one sent pays once (the source key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from domain.campaigns import Campaign, CampaignStatus, CampaignTexts
from domain.clock import Clock
from domain.customers import Channel
from domain.delivery import Skipped
from domain.delivery_policy import CUSTOMER_DELETED, MARKETING_OPT_OUT
from domain.outbox import WHATSAPP_CONTENT, OutboxMessage
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.campaign_messages import campaign_variables, credit_campaign_bonus

log = logging.getLogger(__name__)

CAMPAIGN = "campaign"  # OutboxMessage.extra: the campaign whose bonus the message carries
RENDER_ERROR = "render_error"


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
            customer = await uow.customers.get(message.customer_id)
            if customer is None or customer.is_deleted:
                return Skipped(CUSTOMER_DELETED)
            if not customer.marketing_opt_in:  # a test send is not held by the policies, but this holds
                return Skipped(MARKETING_OPT_OUT)
            variables = await campaign_variables(uow, self._rules, customer, campaign, now)
        if run_id is not None and campaign.bonus_points > 0:
            variables["points"] += campaign.bonus_points
            message.extra[CAMPAIGN] = campaign
        locale = customer.locale
        source = campaign.text_for(locale, self._default_locale)
        try:
            text = self._texts.render(source, variables, locale=locale, channel=channel.value)
            template = campaign.whatsapp_template
            if template is not None:
                message.extra[WHATSAPP_CONTENT] = {
                    "sid": template.sid,
                    "variables": {
                        str(number): self._texts.render(value, variables, locale=locale, channel="plain")
                        for number, value in enumerate(template.variables, 1)
                    },
                }
        except Exception as exc:  # checked at creation, but this customer's values may still break it
            log.warning("campaign %s does not render for customer %s: %s", campaign_id, customer.id, exc)
            return Skipped(f"{RENDER_ERROR}: {exc}"[:500])
        return text

    async def on_delivered(self, uow: UnitOfWork, message: OutboxMessage) -> None:
        campaign = message.extra.get(CAMPAIGN)
        run_id = message.context.get("run_id")
        if isinstance(campaign, Campaign) and run_id is not None:
            await credit_campaign_bonus(
                uow, self._rules, campaign, int(run_id), message.customer_id, self._clock.now()
            )
