"""The SQLAlchemy unit of work: one session, one transaction, rollback unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.ports import Reactions, UnitOfWork
from store.errors import is_outage, unavailable
from store.queries.badges import SqlBadgeRepository
from store.queries.birthdays import SqlBirthdayRepository
from store.queries.kpi import SqlReports
from store.queries.ledger_audit import SqlLedgerAudit
from store.repositories.bookkeeping import (
    SqlJobRunRepository,
    SqlOutboxRepository,
    SqlProcessedEventRepository,
)
from store.repositories.campaigns import SqlCampaignRepository
from store.repositories.consents import SqlConsentLog
from store.repositories.customers import SqlCustomerRepository, SqlIdentityRepository
from store.repositories.data_requests import SqlDataRequestLog
from store.repositories.feedback import SqlFeedbackRepository
from store.repositories.ledger import SqlLedgerRepository
from store.repositories.offer_codes import SqlOfferCodeRepository
from store.repositories.outbound_webhooks import SqlOutboundWebhookRepository
from store.repositories.quotes import SqlQuoteAnswerRepository
from store.repositories.redemptions import SqlRedemptionRepository
from store.repositories.referrals import SqlPhoneMarkRepository, SqlReferralRepository
from store.repositories.repairs import SqlRepairRepository
from store.repositories.whatsapp import SqlDialogueRepository, SqlMessageStatusRepository
from store.segments import SqlSegmentRepository


class SqlUnitOfWork(UnitOfWork):
    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[Any], reactions: Reactions) -> None:
        super().__init__(reactions)
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        s = self.session
        self.customers = SqlCustomerRepository(s)
        self.identities = SqlIdentityRepository(s)
        self.ledger = SqlLedgerRepository(s)
        self.repairs = SqlRepairRepository(s)
        self.events = SqlProcessedEventRepository(s)
        self.outbox = SqlOutboxRepository(s)
        self.jobs = SqlJobRunRepository(s)
        self.redemptions = SqlRedemptionRepository(s)
        self.dialogues = SqlDialogueRepository(s)
        self.message_statuses = SqlMessageStatusRepository(s)
        self.segments = SqlSegmentRepository(s)
        self.audit = SqlLedgerAudit(s)
        self.birthdays = SqlBirthdayRepository(s)
        self.campaigns = SqlCampaignRepository(s)
        self.reports = SqlReports(s)
        self.referrals = SqlReferralRepository(s)
        self.phone_marks = SqlPhoneMarkRepository(s)
        self.offer_codes = SqlOfferCodeRepository(s)
        self.quote_answers = SqlQuoteAnswerRepository(s)
        self.outbound_webhooks = SqlOutboundWebhookRepository(s)
        self.badges = SqlBadgeRepository(s)
        self.data_requests = SqlDataRequestLog(s)
        self.consents = SqlConsentLog(s)
        self.feedback = SqlFeedbackRepository(s)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.rollback()
        except Exception:
            if exc is None or not is_outage(exc):
                raise  # a rollback that fails on its own is news; after an outage it is expected
        finally:
            await self.session.close()
        if exc is not None and is_outage(exc):
            raise unavailable(exc) from exc  # run_with_retries looks at the cause for a lost race

    async def _commit(self) -> None:
        await self.session.commit()

    async def _rollback(self) -> None:
        await self.session.rollback()
