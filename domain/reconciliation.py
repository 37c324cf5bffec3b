"""The ledger's invariant, checked for every customer: stored balance == sum of entries == sum of lots.

A mismatch is reported (count and ids), never "fixed": a silent correction would hide the bug
that caused it and move money nobody can account for.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerMismatch:
    customer_id: int
    balance: int
    sum_of_entries: int
    sum_of_lots: int


@dataclass(frozen=True)
class ReconciliationReport:
    customers: int
    mismatches: int
    sample: tuple[LedgerMismatch, ...]  # the first ones by customer id, at most the limit asked for


class LedgerAudit(abc.ABC):
    """Read-only, whole-ledger checks, each one SQL query."""

    @abc.abstractmethod
    async def reconcile(self, limit: int) -> ReconciliationReport: ...
