"""`loyalty jobs run NAME [--date YYYY-MM-DD]`: one scheduled job now, as if today were DATE."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from app.bootstrap import Container, bootstrap
from app.rules_file import RulesError
from app.settings import ConfigurationError, load_settings
from domain.jobs import FutureDay, JobResult
from store import migrate as migrations
from store.engine import is_sqlite
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR

jobs_cli = typer.Typer(help="Scheduled jobs: run one by hand.", no_args_is_help=True)
err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]{message}[/red]", highlight=False)
    return typer.Exit(2)


def _parse_day(text: str | None, container: Container) -> date:
    if text is None:
        return container.jobs.today()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("invalid")
    except ValueError:
        raise _fail(f"--date: {text!r} is not a date; YYYY-MM-DD expected, e.g. 2026-11-22") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:  # the API's bounds, so both refuse alike
        raise _fail(f"--date: the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    today = container.jobs.today()
    if day > today:
        raise _fail(f"--date: {FutureDay(day, today)}")
    return day


async def _schema_ready(container: Container) -> None:
    if is_sqlite(container.settings.database_url):
        await migrations.upgrade(container.engine)
        return
    current, head = await migrations.current_revision(container.engine), migrations.head_revision()
    if current != head:
        raise _fail(f"DATABASE_URL: schema is at {current or 'nothing'}, not {head}; run `loyalty migrate`")


@jobs_cli.command("run")
def run(
    name: Annotated[str, typer.Argument(help="The job's name, e.g. points_expiry.")],
    day: Annotated[
        str | None, typer.Option("--date", help="Do the work due on this shop date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Run one job now and print its answer as JSON; a day already done answers already_done."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        container = bootstrap(load_settings(), channel_builders={})
    except ConfigurationError as exc:
        raise _fail(str(exc)) from None
    except RulesError as exc:
        raise _fail(f"PROGRAM_RULES: {exc}") from None
    if name not in container.jobs.names:
        raise _fail(f"no job named {name!r}; known jobs: {', '.join(container.jobs.names)}")
    when = _parse_day(day, container)

    async def go() -> JobResult:
        try:
            await _schema_ready(container)
            return await container.jobs.run(name, when)
        finally:
            await container.aclose()

    result = asyncio.run(go())
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
