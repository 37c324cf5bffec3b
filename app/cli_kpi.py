"""`loyalty kpi [--from DATE] [--to DATE] [--json]`: the KPI report, the same numbers as
GET /api/v1/kpi (both print webhooks/api/kpi_schemas.KpiOut), as a table or as JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container, bootstrap
from app.cli_jobs import _fail, _schema_ready
from app.rules_file import RulesError
from app.settings import ConfigurationError, load_settings
from domain.jobs import shop_day
from domain.reports import InvalidPeriod
from domain.services.reports import read_kpi
from webhooks.api.kpi_schemas import KpiOut
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR

out = Console()


def _day(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("invalid")
    except ValueError:
        raise _fail(f"--{option}: {text!r} is not a date; YYYY-MM-DD expected, e.g. 2026-11-22") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:  # the API's bounds, so both refuse alike
        raise _fail(f"--{option}: the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return day


async def kpi_as_json(container: Container, first: date | None, last: date | None) -> dict[str, Any]:
    """The report as the API sends it; InvalidPeriod for bounds that make no period."""
    timezone = container.settings.timezone
    today = shop_day(container.clock.now(), timezone)
    async with container.uow() as uow:
        report = await read_kpi(uow, container.rules, first=first, last=last, today=today, timezone=timezone)
    return KpiOut.of(report, timezone, container.rules.currency).model_dump(mode="json", by_alias=True)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key} {count}" for key, count in value.items()) or "0"
    return str(value)


def _table(report: dict[str, Any]) -> Table:
    period = report["period"]
    table = Table(
        title=f"KPI {period['from']} .. {period['to']} ({period['timezone']}, {report['currency']})"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        if key in ("period", "currency", "ltv_trend", "points_by_month"):
            continue
        table.add_row(key, _cell(value))
    for point in report["ltv_trend"]:
        table.add_row(f"ltv {point['month']}", f"{_cell(point['ltv'])} ({point['members']} members)")
    for month in report["points_by_month"]:
        figures = f"issued {month['issued']}, redeemed {month['redeemed']}, expired {month['expired']}"
        table.add_row(f"points {month['month']}", figures)
    return table


def kpi(
    first: Annotated[
        str | None, typer.Option("--from", help="First shop day (YYYY-MM-DD); 30 days before --to.")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last shop day, included; today.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, as GET /api/v1/kpi answers.")] = False,
) -> None:
    """Print the KPI report (docs/kpi.md defines each figure)."""
    first_day, last_day = _day("from", first), _day("to", last)
    try:
        container = bootstrap(load_settings(), channel_builders={})
    except ConfigurationError as exc:
        raise _fail(str(exc)) from None
    except RulesError as exc:
        raise _fail(f"PROGRAM_RULES: {exc}") from None

    async def go() -> dict[str, Any]:
        try:
            await _schema_ready(container)
            return await kpi_as_json(container, first_day, last_day)
        finally:
            await container.aclose()

    try:
        report = asyncio.run(go())
    except InvalidPeriod as exc:
        raise _fail(f"--{exc.field}: {exc.reason}") from None
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        out.print(_table(report))
