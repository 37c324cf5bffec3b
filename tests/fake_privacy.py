"""Fakes of the consent history and the data-request trail, on the fakes' shared store (tests/fakes.py)."""

from __future__ import annotations

import copy
from typing import Any

from domain.consents import ConsentLog, ConsentRecord
from domain.data_requests import DataRequest, DataRequestLog


class FakeConsentLog(ConsentLog):
    def __init__(self, store: Any) -> None:
        self.s = store

    async def append(self, record: ConsentRecord) -> None:
        record = copy.copy(record)
        record.id = len(self.s.consent_log) + 1
        self.s.consent_log.append(record)

    async def of_customer(self, customer_id: int) -> list[ConsentRecord]:
        return [copy.copy(r) for r in self.s.consent_log if r.customer_id == customer_id]


class FakeDataRequests(DataRequestLog):
    def __init__(self, store: Any) -> None:
        self.s = store

    async def record(self, request: DataRequest) -> DataRequest:
        request.id = len(self.s.data_requests) + 1
        self.s.data_requests.append(copy.copy(request))
        return request

    async def of_customer(self, customer_id: int) -> list[DataRequest]:
        return [copy.copy(r) for r in self.s.data_requests if r.customer_id == customer_id]
