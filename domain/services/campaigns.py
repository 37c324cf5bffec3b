"""Campaign use cases: create, cancel, queue a test, and a run's three steps (start, snapshot, finish).

Each step is one unit of work the caller commits; each locks the campaign row first (then its
run), so cancel and the snapshot, or two replicas on one run, take turns instead of racing, and
each step is safe to repeat: a run per occurrence (unique), recipients and outbox rows per
(run, customer) (insert-or-ignore), and the snapshot resumes from its cursor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.campaigns import (
    CAMPAIGN_TEMPLATE,
    CANCELLED,
    MAX_HOLDOUT_PERCENT,
    MAX_NAME,
    MAX_TEXT,
    SEND_AT_SLACK_SECONDS,
    Campaign,
    CampaignFinished,
    CampaignNotFound,
    CampaignRun,
    CampaignRunStatus,
    CampaignStatus,
    CampaignTexts,
    InvalidCampaign,
    Recipient,
    Schedules,
    TestRecipientRefused,
    WhatsAppTemplate,
    in_holdout,
    message_key_prefix,
)
from domain.errors import CustomerDeleted, CustomerNotFound
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.segments import InvalidSegment, SegmentFilter, parse_segment_filter
from domain.services.campaign_messages import campaign_variables

MAX_LEAD = timedelta(days=366)


@dataclass(frozen=True)
class CampaignDraft:
    name: str
    filter: Mapping[str, Any]
    messages: Mapping[str, str]
    send_at: datetime | None = None
    cron: str | None = None
    bonus_points: int = 0
    holdout_percent: int = 0
    whatsapp_template: WhatsAppTemplate | None = None
    author: str | None = None
    client_key: str | None = None  # a double submit with the same key creates one campaign


def campaign_segment(campaign: Campaign, rules: ProgramRules) -> SegmentFilter:
    return parse_segment_filter(campaign.filter, tiers=[t.key for t in rules.tiers])


def check_draft(
    draft: CampaignDraft,
    *,
    rules: ProgramRules,
    texts: CampaignTexts,
    schedules: Schedules,
    locales: Iterable[str],
    now: datetime,
) -> datetime | None:
    """Refuse a campaign that cannot work (InvalidCampaign naming the field); its first run's time."""
    if not draft.name.strip() or len(draft.name) > MAX_NAME:
        raise InvalidCampaign("name", f"must be 1 to {MAX_NAME} characters")
    try:
        parse_segment_filter(draft.filter, tiers=[t.key for t in rules.tiers])
    except InvalidSegment as exc:
        field = f"filter.{exc.field}" if exc.field != "filter" else "filter"
        raise InvalidCampaign(field, exc.reason) from None
    known = list(locales)
    if not draft.messages:
        raise InvalidCampaign("message", f"needs a text in at least one language ({', '.join(known)})")
    for locale, text in draft.messages.items():
        if locale not in known:
            raise InvalidCampaign(f"message.{locale}", f"unknown language; known: {', '.join(known)}")
        if not text.strip() or len(text) > MAX_TEXT:
            raise InvalidCampaign(f"message.{locale}", f"must be 1 to {MAX_TEXT} characters")
        texts.check(f"message.{locale}", text)
    if draft.whatsapp_template is not None:
        for number, variable in enumerate(draft.whatsapp_template.variables):
            texts.check(f"whatsapp_template.variables.{number}", variable)
    limit = rules.marketing.campaign_max_bonus_points
    if not 0 <= draft.bonus_points <= limit:
        raise InvalidCampaign("bonus_points", f"must be between 0 and {limit} (the rules' limit)")
    if not 0 <= draft.holdout_percent <= MAX_HOLDOUT_PERCENT:
        raise InvalidCampaign("holdout_percent", f"must be between 0 and {MAX_HOLDOUT_PERCENT}")
    if draft.cron is not None:
        if draft.send_at is not None:
            raise InvalidCampaign("send_at", "give send_at (one-off) or cron (recurring), not both")
        return schedules.parse(draft.cron).next_after(now)
    if draft.send_at is None:
        return now
    if draft.send_at < now - timedelta(seconds=SEND_AT_SLACK_SECONDS):
        raise InvalidCampaign("send_at", "is in the past")
    if draft.send_at > now + MAX_LEAD:
        raise InvalidCampaign("send_at", "is more than a year ahead")
    return max(draft.send_at, now)


async def create_campaign(
    uow: UnitOfWork,
    draft: CampaignDraft,
    *,
    rules: ProgramRules,
    texts: CampaignTexts,
    schedules: Schedules,
    locales: Iterable[str],
    now: datetime,
) -> Campaign:
    first_run = check_draft(draft, rules=rules, texts=texts, schedules=schedules, locales=locales, now=now)
    return await uow.campaigns.add(
        Campaign(
            name=draft.name.strip(),
            filter=dict(draft.filter),
            messages=dict(draft.messages),
            created_at=now,
            send_at=draft.send_at,
            cron=" ".join(draft.cron.split()) if draft.cron is not None else None,
            bonus_points=draft.bonus_points,
            holdout_percent=draft.holdout_percent,
            whatsapp_template=draft.whatsapp_template,
            next_run_at=first_run,
            author=draft.author,
            client_key=draft.client_key,
        )
    )


async def get_campaign(uow: UnitOfWork, campaign_id: int, *, lock: bool = False) -> Campaign:
    campaign = await uow.campaigns.get(campaign_id, lock=lock)
    if campaign is None:
        raise CampaignNotFound(f"campaign {campaign_id} not found")
    return campaign


async def cancel_campaign(uow: UnitOfWork, campaign_id: int, now: datetime) -> tuple[Campaign, int]:
    """Stop what has not gone yet; the campaign and its open runs end as cancelled."""
    campaign = await get_campaign(uow, campaign_id, lock=True)
    if campaign.finished:
        raise CampaignFinished(f"campaign {campaign_id} is {campaign.status} already")
    campaign.status, campaign.cancelled_at, campaign.next_run_at = CampaignStatus.CANCELLED, now, None
    await uow.campaigns.update(campaign)
    for run in await uow.campaigns.runs_of(campaign_id):
        if run.status is CampaignRunStatus.SENDING:
            run.status, run.finished_at = CampaignRunStatus.CANCELLED, now
            await uow.campaigns.update_run(run)
    return campaign, await uow.campaigns.skip_pending(campaign_id, CANCELLED)


@dataclass(frozen=True)
class TestQueued:
    message: OutboxMessage
    campaign: Campaign
    locale: str
    variables: dict[str, Any]


async def queue_test_message(
    uow: UnitOfWork, rules: ProgramRules, campaign_id: int, customer_id: int, now: datetime
) -> TestQueued:
    """The campaign's message to one member now, as they would get it: no bonus, not in the stats,
    not held by the quiet hours; only to someone the campaign itself could reach."""
    campaign = await get_campaign(uow, campaign_id)
    if campaign.status is CampaignStatus.CANCELLED:
        raise CampaignFinished(f"campaign {campaign_id} is cancelled")
    customer = await uow.customers.get(customer_id)
    if customer is None:
        raise CustomerNotFound(f"customer {customer_id} not found")
    if customer.is_deleted:
        raise CustomerDeleted(f"customer {customer_id} was deleted")
    if customer.pd_consent_at is None or not customer.marketing_opt_in:
        raise TestRecipientRefused(f"customer {customer_id} has not agreed to promotional messages")
    if not any(i.unreachable_at is None for i in await uow.identities.of_customer(customer_id)):
        raise TestRecipientRefused(f"customer {customer_id} has no reachable chat")
    key = f"campaign-test:{campaign_id}:{customer_id}:{now.isoformat()}"
    context = {"campaign_id": campaign_id, "run_id": None}
    message = await uow.outbox.add(OutboxMessage(customer_id, CAMPAIGN_TEMPLATE, context, key, now))
    variables = await campaign_variables(uow, rules, customer, campaign, now)
    return TestQueued(message, campaign, customer.locale, variables)


async def start_campaign_run(
    uow: UnitOfWork, campaign_id: int, *, schedules: Schedules, now: datetime
) -> CampaignRun | None:
    """The due occurrence's run, with the campaign's next occurrence set; None if nothing is due
    (another worker started it, or it was cancelled meanwhile)."""
    campaign = await get_campaign(uow, campaign_id, lock=True)
    due = campaign.next_run_at
    if campaign.finished or due is None or due > now:
        return None
    assert campaign.id is not None
    last = await uow.segments.last_customer_id()
    run = await uow.campaigns.add_run(
        CampaignRun(campaign.id, scheduled_for=due, started_at=now, last_customer_id=last)
    )
    # A schedule missed while nothing ran (a long outage) starts one run, not one per occurrence.
    campaign.next_run_at = (
        schedules.parse(campaign.cron).next_after(max(due, now)) if campaign.cron is not None else None
    )
    campaign.status = CampaignStatus.SENDING
    await uow.campaigns.update(campaign)
    return run


async def take_snapshot_page(
    uow: UnitOfWork, run_id: int, *, rules: ProgramRules, now: datetime, page: int
) -> bool:
    """Snapshot the members of the run's segment among the next `page` customer ids (as of the
    run's start) and queue their messages; True once the snapshot is complete (or the run over)."""
    found = await uow.campaigns.get_run(run_id)
    if found is None:
        return True
    campaign = await get_campaign(uow, found.campaign_id, lock=True)
    run = await uow.campaigns.get_run(run_id, lock=True)
    if run is None or run.snapshot_done or run.status is not CampaignRunStatus.SENDING:
        return True
    assert campaign.id is not None and run.id is not None
    up_to = min(run.cursor + page, run.last_customer_id)
    try:
        spec = campaign_segment(campaign, rules)
    except InvalidSegment:
        ids: list[int] = []  # the rules lost a tier the filter names: nobody matches it any more
    else:
        ids = await uow.segments.member_ids_between(spec, run.started_at, after_id=run.cursor, up_to_id=up_to)
    recipients = [Recipient(cid, in_holdout(campaign.id, cid, campaign.holdout_percent)) for cid in ids]
    message = OutboxMessage(
        0,  # each recipient's own
        CAMPAIGN_TEMPLATE,
        {"campaign_id": campaign.id, "run_id": run.id},
        message_key_prefix(run.id),
        now,
        marketing=True,
        campaign_run_id=run.id,
    )
    await uow.campaigns.add_recipients(run.id, recipients, message)
    run.cursor = up_to
    held = sum(1 for r in recipients if r.holdout)
    run.recipients += len(recipients) - held
    run.holdout += held
    run.snapshot_done = up_to >= run.last_customer_id
    await uow.campaigns.update_run(run)
    return run.snapshot_done


async def finish_campaign_run(uow: UnitOfWork, run_id: int, now: datetime) -> bool:
    """Close a run whose snapshot is complete and whose messages are all final; True if closed."""
    found = await uow.campaigns.get_run(run_id)
    if found is None:
        return False
    campaign = await get_campaign(uow, found.campaign_id, lock=True)
    run = await uow.campaigns.get_run(run_id, lock=True)
    if run is None or run.status is not CampaignRunStatus.SENDING or not run.snapshot_done:
        return False
    if await uow.campaigns.pending_messages(run_id) > 0:
        return False
    run.status, run.finished_at = CampaignRunStatus.DONE, now
    await uow.campaigns.update_run(run)
    if campaign.status is CampaignStatus.SENDING:
        still_open = [
            r for r in await uow.campaigns.runs_of(found.campaign_id) if r.status is CampaignRunStatus.SENDING
        ]
        if not still_open:
            campaign.status = CampaignStatus.SCHEDULED if campaign.next_run_at else CampaignStatus.DONE
            await uow.campaigns.update(campaign)
    return True
