"""SQL pieces the KPI queries share, spelled so that SQLite and PostgreSQL answer alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement

from domain.repairs import RepairStatus
from store.tables import customers, repairs
from store.types import UTCDateTime

COMPLETED = RepairStatus.COMPLETED.value


class AddDays(ColumnElement[datetime]):
    """`moment + days` (days a bound integer): the dialects spell date arithmetic differently."""

    __visit_name__ = "loyalty_add_days"
    inherit_cache = False
    type = UTCDateTime()

    def __init__(self, moment: ColumnElement[Any], days: int) -> None:
        self.moment = moment
        self.days = days


@compiles(AddDays, "sqlite")
def _add_days_sqlite(element: AddDays, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps a UTC moment as 'YYYY-MM-DD HH:MM:SS.ffffff': strftime's %f has milliseconds,
    # so three zeros make the text compare as the stored values do
    moment = compiler.process(element.moment, **kw)
    return f"(strftime('%Y-%m-%d %H:%M:%f', {moment}, '+{int(element.days)} days') || '000')"


@compiles(AddDays, "postgresql")
def _add_days_postgresql(element: AddDays, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.moment, **kw)
    return f"({moment} + make_interval(days => {int(element.days)}))"


def member_at(moment: datetime) -> ColumnElement[bool]:
    """The customer was a member at `moment`: consented before it, not deleted by then."""
    c = customers.c
    return sa.and_(
        c.pd_consent_at.is_not(None),
        c.pd_consent_at < moment,
        sa.or_(c.deleted_at.is_(None), c.deleted_at >= moment),
    )


def completed_between(start: datetime, end: datetime) -> ColumnElement[bool]:
    r = repairs.c
    return sa.and_(r.status == COMPLETED, r.completed_at >= start, r.completed_at < end)


def bucket(moment: ColumnElement[Any], boundaries: Sequence[datetime]) -> ColumnElement[int]:
    """The index of the first boundary after `moment` (len(boundaries) when none is, or when
    `moment` is NULL): "x counts at boundary i" becomes "bucket(x) <= i"."""
    whens = [(moment < boundary, index) for index, boundary in enumerate(boundaries)]
    return sa.case(*whens, else_=len(boundaries))


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def sum_if(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)
