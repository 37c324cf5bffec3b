"""Campaigns on SQLite and PostgreSQL: snapshot, consent, holdout, bonus once, cancel, recurring runs,
two replicas, and delivery stopped midway. The job and the delivery loop are the real ones; only
the chat platform is a recording sender."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from domain.campaigns import Campaign, CampaignStatus, InvalidCampaign, in_holdout
from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, Failed, MessageSender, SendResult, Skipped, Unreachable
from domain.ledger import EntryKind
from domain.outbox import OutboxMessage
from domain.services.campaigns import (
    CampaignDraft,
    cancel_campaign,
    create_campaign,
    queue_test_message,
    start_campaign_run,
    take_snapshot_page,
)
from domain.services.registration import set_marketing_consent
from messages import LOCALES, Renderer
from messages.campaigns import SandboxedCampaignTexts
from scheduler.campaign_messages import CampaignComposer
from scheduler.delivery import Delivery
from scheduler.jobs import JobDeps, build_jobs
from scheduler.recurrence import CronSchedules
from store.tables import ledger_entries
from store.tables_campaigns import campaign_recipients
from tests.builders import registered, uow_on

TZ = "Europe/Moscow"


class RecordingSender(MessageSender):
    """What the platform received: (dedupe key, text) per send; answers from a script, else Delivered."""

    def __init__(self, channel: Channel = Channel.TELEGRAM, *answers: SendResult) -> None:
        self.channel = channel
        self.answers = list(answers)
        self.by_customer: dict[int, SendResult] = {}  # a customer's own answer, whatever the order
        self.sent: list[tuple[str, str]] = []

    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        await asyncio.sleep(0)
        self.sent.append((message.dedupe_key, text))
        if message.customer_id in self.by_customer:
            return self.by_customer[message.customer_id]
        return self.answers.pop(0) if self.answers else Delivered(f"p-{len(self.sent)}")

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.sent]


TEXT = {"ru": "{{ name }}, у вас {{ pts(points) }}", "en": "{{ name }}, you have {{ pts(points) }}"}


async def _members(uow_factory, rules, clock, count: int, start: int = 0, **overrides) -> list[int]:
    ids = []
    for n in range(start, start + count):
        result = await registered(uow_factory(), rules, clock.now(), f"+7916{n:07d}", **overrides)
        ids.append(result.customer.id)
    return ids


async def _create(uow_factory, rules, clock, **fields) -> int:
    draft = CampaignDraft(
        name=fields.pop("name", "Promo"),
        filter=fields.pop("filter", {}),
        messages=fields.pop("messages", TEXT),
        **fields,
    )
    async with uow_factory() as uow:
        campaign = await create_campaign(
            uow,
            draft,
            rules=rules,
            texts=SandboxedCampaignTexts(),
            schedules=CronSchedules(TZ, clock),
            locales=LOCALES,
            now=clock.now(),
        )
        await uow.commit()
    assert campaign.id is not None
    return campaign.id


def _jobs(uow_factory, clock, rules):
    return build_jobs(JobDeps(uow_factory, clock, rules, TZ))


def _delivery(uow_factory, sender, clock, rules) -> Delivery:
    composer = CampaignComposer(uow_factory, rules, SandboxedCampaignTexts(), clock, default_locale="ru")
    return Delivery(
        uow_factory,
        {Channel.TELEGRAM: sender},
        Renderer(),
        clock,
        marketing=rules.marketing,
        timezone=TZ,
        campaigns=composer,
    )


async def _drain(delivery: Delivery) -> None:
    while (await delivery.deliver_due()).handled:
        pass


async def _campaign(uow_factory, campaign_id):
    async with uow_factory() as uow:
        return await uow.campaigns.get(campaign_id), await uow.campaigns.stats(campaign_id)


async def _run_id(uow_factory, campaign_id) -> int:
    async with uow_factory() as uow:
        [run] = await uow.campaigns.runs_of(campaign_id)
    assert run.id is not None
    return run.id


async def _bonus_keys(engine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.scalars(
            sa.select(ledger_entries.c.source_key).where(ledger_entries.c.kind == EntryKind.CAMPAIGN.value)
        )
        return list(rows)


async def test_a_one_off_campaign_reaches_consenting_members_once_with_its_bonus(
    uow_factory, rules, clock, engine
):
    members = await _members(uow_factory, rules, clock, 3)
    await _members(uow_factory, rules, clock, 1, start=10, marketing_opt_in=False)
    cid = await _create(uow_factory, rules, clock, bonus_points=100)
    jobs, sender = _jobs(uow_factory, clock, rules), RecordingSender()
    delivery = _delivery(uow_factory, sender, clock, rules)

    counts = (await jobs.run("campaigns", jobs.today())).counts
    assert counts["started"] == 1 and counts["failed"] == 0
    await _drain(delivery)
    again = await jobs.run("campaigns", jobs.today())  # closes the run, starts nothing new
    assert again.counts["started"] == 0 and again.counts["finished"] == 1
    await _drain(delivery)

    campaign, stats = await _campaign(uow_factory, cid)
    assert campaign.status is CampaignStatus.DONE
    assert (stats.recipients, stats.sent, stats.failed, stats.pending, stats.holdout) == (3, 3, 0, 0, 0)
    run = await _run_id(uow_factory, cid)
    assert sorted(await _bonus_keys(engine)) == sorted(f"campaign:{run}:{m}" for m in members)
    assert sorted(key for key, _ in sender.sent) == sorted(f"campaign:{run}:{m}" for m in members)
    async with uow_factory() as uow:
        balance = await uow.ledger.balance_of(members[0])
    assert balance == rules.welcome.points + 100
    # the text is rendered after the bonus, with the balance that includes it
    assert sender.texts[0] == f"Иван Петров, у вас {balance} баллов"


async def test_the_bonus_is_credited_once_however_often_delivery_retries(uow_factory, rules, clock, engine):
    [member] = await _members(uow_factory, rules, clock, 1)
    await _create(uow_factory, rules, clock, bonus_points=50)
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    sender = RecordingSender(Channel.TELEGRAM, Failed("502", retryable=True))
    delivery = _delivery(uow_factory, sender, clock, rules)
    await delivery.deliver_due()
    clock.advance(timedelta(minutes=10))
    await delivery.deliver_due()
    assert len(sender.sent) == 2  # one failure, one retry
    assert len(await _bonus_keys(engine)) == 1
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(member) == rules.welcome.points + 50


async def test_an_unsubscribe_before_the_start_or_after_the_enqueue_is_respected(uow_factory, rules, clock):
    early, late, stays = await _members(uow_factory, rules, clock, 3)
    cid = await _create(uow_factory, rules, clock)
    async with uow_factory() as uow:  # between creation and start: not in the snapshot
        await set_marketing_consent(uow, early, False, clock.now())
        await uow.commit()
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    async with uow_factory() as uow:  # between enqueue and send: skipped at delivery
        await set_marketing_consent(uow, late, False, clock.now())
        await uow.commit()
    sender = RecordingSender()
    await _drain(_delivery(uow_factory, sender, clock, rules))
    _, stats = await _campaign(uow_factory, cid)
    assert stats.recipients == 2 and stats.sent == 1
    assert dict(stats.skipped) == {"marketing_opt_out": 1}
    assert [key for key, _ in sender.sent] == [f"campaign:{await _run_id(uow_factory, cid)}:{stays}"]


async def test_the_holdout_is_deterministic_recorded_and_sent_nothing(uow_factory, rules, clock, engine):
    members = await _members(uow_factory, rules, clock, 60)
    cid = await _create(uow_factory, rules, clock, holdout_percent=30, bonus_points=10)
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    expected_holdout = {m for m in members if in_holdout(cid, m, 30)}
    async with engine.connect() as conn:
        rows = (
            await conn.execute(sa.select(campaign_recipients.c.customer_id, campaign_recipients.c.holdout))
        ).all()
    assert {cid_ for cid_, held in rows if held} == expected_holdout
    assert len(rows) == 60 and 6 <= len(expected_holdout) <= 30  # 30 % of 60, give or take chance
    sender = RecordingSender()
    await _drain(_delivery(uow_factory, sender, clock, rules))
    _, stats = await _campaign(uow_factory, cid)
    assert stats.holdout == len(expected_holdout) and stats.sent == 60 - len(expected_holdout)
    bonus_customers = {int(k.rsplit(":", 1)[1]) for k in await _bonus_keys(engine)}
    assert not bonus_customers & expected_holdout


def test_the_holdout_share_is_close_to_its_percent_and_stable():
    drawn = [in_holdout(7, customer, 10) for customer in range(1, 20_001)]
    assert 0.09 < sum(drawn) / len(drawn) < 0.11
    assert drawn == [in_holdout(7, customer, 10) for customer in range(1, 20_001)]
    assert not any(in_holdout(7, customer, 0) for customer in range(1, 1000))


async def test_cancel_midway_stops_what_has_not_gone(uow_factory, rules, clock):
    await _members(uow_factory, rules, clock, 5)
    cid = await _create(uow_factory, rules, clock)
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    sender = RecordingSender()
    delivery = _delivery(uow_factory, sender, clock, rules)
    await delivery.deliver_due(limit=2)
    async with uow_factory() as uow:
        _, skipped = await cancel_campaign(uow, cid, clock.now())
        await uow.commit()
    await _drain(delivery)
    await jobs.run("campaigns", jobs.today())
    campaign, stats = await _campaign(uow_factory, cid)
    assert skipped == 3 and len(sender.sent) == 2
    assert campaign.status is CampaignStatus.CANCELLED
    assert stats.sent == 2 and dict(stats.skipped) == {"cancelled": 3}


async def test_a_recurring_campaign_runs_each_occurrence_with_a_fresh_snapshot(uow_factory, rules, clock):
    clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # Monday 09:00 in Moscow
    await _members(uow_factory, rules, clock, 2)
    cid = await _create(uow_factory, rules, clock, cron="0 10 * * MON")
    jobs = _jobs(uow_factory, clock, rules)
    sender = RecordingSender()
    delivery = _delivery(uow_factory, sender, clock, rules)
    assert (await jobs.run("campaigns", jobs.today())).counts["started"] == 0  # not yet 10:00

    clock.set(datetime(2026, 11, 23, 7, 0, 30, tzinfo=UTC))  # 10:00:30
    assert (await jobs.run("campaigns", jobs.today())).counts["started"] == 1
    await _drain(delivery)
    await jobs.run("campaigns", jobs.today())
    campaign, stats = await _campaign(uow_factory, cid)
    assert campaign.status is CampaignStatus.SCHEDULED
    assert campaign.next_run_at == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert (stats.runs, stats.sent) == (1, 2)

    await _members(uow_factory, rules, clock, 1, start=50)  # joins before the next Monday
    clock.set(datetime(2026, 11, 30, 7, 1, tzinfo=UTC))
    await jobs.run("campaigns", jobs.today())
    await _drain(delivery)
    _, stats = await _campaign(uow_factory, cid)
    assert (stats.runs, stats.recipients, stats.sent) == (2, 5, 5)
    assert len(set(key for key, _ in sender.sent)) == 5


async def test_two_replicas_running_the_job_at_once_queue_each_recipient_once(
    database, engine, uow_factory, rules, clock
):
    await _members(uow_factory, rules, clock, 30)
    cid = await _create(uow_factory, rules, clock)
    other = database.engine()
    try:
        a, b = _jobs(uow_factory, clock, rules), _jobs(uow_on(other, rules), clock, rules)
        results = await asyncio.gather(a.run("campaigns", a.today()), b.run("campaigns", b.today()))
    finally:
        await other.dispose()
    assert sum(r.counts["started"] for r in results) == 1
    assert all(r.counts["failed"] == 0 for r in results)
    _, stats = await _campaign(uow_factory, cid)
    assert (stats.runs, stats.recipients, stats.pending) == (1, 30, 30)


async def test_delivery_stopped_between_batches_resumes_with_nobody_twice(uow_factory, rules, clock):
    await _members(uow_factory, rules, clock, 12)
    cid = await _create(uow_factory, rules, clock)
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    sender = RecordingSender()
    await _delivery(uow_factory, sender, clock, rules).deliver_due(limit=5)  # then the process "dies"
    await _drain(_delivery(uow_factory, sender, clock, rules))  # a new process
    await jobs.run("campaigns", jobs.today())
    campaign, stats = await _campaign(uow_factory, cid)
    assert len(sender.sent) == 12 and len({k for k, _ in sender.sent}) == 12
    assert campaign.status is CampaignStatus.DONE and stats.sent == 12


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"filter": {"colour": ["red"]}}, "filter.colour"),
        ({"filter": {"min_spend": -5}}, "filter.min_spend"),
        ({"messages": {"ru": "{{ nickname }}"}}, "message.ru"),
        ({"messages": {"ru": "{% if %}"}}, "message.ru"),
        ({"messages": {"de": "Hallo"}}, "message.de"),
        ({"messages": {}}, "message"),
        ({"bonus_points": 1001}, "bonus_points"),
        ({"bonus_points": -1}, "bonus_points"),
        ({"holdout_percent": 51}, "holdout_percent"),
        ({"cron": "*/30 * * * *"}, "cron"),
        ({"cron": "0 0 31 2 *"}, "cron"),
        ({"cron": "0 10 * * 1"}, "cron"),
        ({"send_at": datetime(2026, 11, 22, 6, 58, tzinfo=UTC)}, "send_at"),
        ({"send_at": datetime(2028, 1, 1, tzinfo=UTC)}, "send_at"),
        ({"name": "  "}, "name"),
    ],
)
async def test_a_campaign_that_cannot_work_is_refused_and_nothing_is_written(
    uow_factory, rules, clock, fields, field
):
    with pytest.raises(InvalidCampaign) as refused:
        await _create(uow_factory, rules, clock, **fields)
    assert refused.value.field == field
    async with uow_factory() as uow:
        assert await uow.campaigns.page(before_id=None, limit=10) == []


async def test_the_bonus_goes_only_with_a_message_that_went_out(uow_factory, rules, clock, engine):
    blocked, outside, reached = await _members(uow_factory, rules, clock, 3)
    cid = await _create(uow_factory, rules, clock, bonus_points=100)
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    sender = RecordingSender()
    sender.by_customer = {
        blocked: Unreachable("403: bot was blocked by the user"),
        outside: Skipped("outside_24h_window: no template"),
    }
    await _drain(_delivery(uow_factory, sender, clock, rules))
    _, stats = await _campaign(uow_factory, cid)
    assert (stats.sent, stats.failed, dict(stats.skipped)) == (1, 1, {"outside_24h_window": 1})
    assert await _bonus_keys(engine) == [f"campaign:{await _run_id(uow_factory, cid)}:{reached}"]
    async with uow_factory() as uow:
        balances = [await uow.ledger.balance_of(m) for m in (blocked, outside, reached)]
    welcome = rules.welcome.points
    assert balances == [welcome, welcome, welcome + 100]
    [(_, reached_text)] = [(k, t) for k, t in sender.sent if k.endswith(f":{reached}")]
    assert reached_text.endswith(f"у вас {welcome + 100} баллов")  # what it announced is what it paid


async def test_a_stored_template_that_no_longer_renders_is_skipped_and_pays_nothing(
    uow_factory, rules, clock, engine
):
    await _members(uow_factory, rules, clock, 1)
    async with uow_factory() as uow:  # a text from before today's checks, say
        campaign = await uow.campaigns.add(
            Campaign(
                "Old", {}, {"ru": "{{ nickname }}!"}, clock.now(), bonus_points=10, next_run_at=clock.now()
            )
        )
        await uow.commit()
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("campaigns", jobs.today())
    sender = RecordingSender()
    await _drain(_delivery(uow_factory, sender, clock, rules))
    _, stats = await _campaign(uow_factory, campaign.id)
    assert sender.sent == [] and dict(stats.skipped) == {"render_error": 1}
    assert await _bonus_keys(engine) == []


async def test_a_test_send_queued_before_an_opt_out_is_not_sent(uow_factory, rules, clock):
    [member] = await _members(uow_factory, rules, clock, 1)
    cid = await _create(uow_factory, rules, clock, send_at=clock.now() + timedelta(days=1))
    async with uow_factory() as uow:
        await queue_test_message(uow, rules, cid, member, clock.now())
        await set_marketing_consent(uow, member, False, clock.now())
        await uow.commit()
    sender = RecordingSender()
    await _drain(_delivery(uow_factory, sender, clock, rules))
    assert sender.sent == []


async def test_the_snapshot_is_of_the_members_there_when_the_run_started(uow_factory, rules, clock):
    early = await _members(uow_factory, rules, clock, 3)
    cid = await _create(uow_factory, rules, clock)
    async with uow_factory() as uow:
        run = await start_campaign_run(uow, cid, schedules=CronSchedules(TZ, clock), now=clock.now())
        await uow.commit()
    await _members(uow_factory, rules, clock, 2, start=40)  # they join while the snapshot is taken
    done = False
    while not done:
        async with uow_factory() as uow:
            done = await take_snapshot_page(uow, run.id, rules=rules, now=clock.now(), page=2)
            await uow.commit()
    _, stats = await _campaign(uow_factory, cid)
    assert stats.recipients == len(early) == 3
