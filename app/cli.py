"""The `loyalty` command."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from sqlalchemy.exc import DBAPIError

from app import logging_filters
from app.background import web_app
from app.bootstrap import Container, bootstrap
from app.cli_jobs import jobs_cli
from app.cli_kpi import kpi
from app.rules_file import RulesError
from app.settings import ConfigurationError, Settings, load_settings
from store import migrate as migrations
from store.engine import is_sqlite
from store.errors import reason_of

cli = typer.Typer(
    help="A loyalty program for repair service centers, in the customers' messengers.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
log = logging.getLogger("loyalty")
cli.add_typer(jobs_cli, name="jobs")
cli.command("kpi")(kpi)


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler narrates every job it adds; scheduler/runner.py says what matters in one line
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None


def _container(settings: Settings) -> Container:
    try:
        return bootstrap(settings)
    except RulesError as exc:
        err.print(f"[red]PROGRAM_RULES: {exc}[/red]", highlight=False)
        raise typer.Exit(2) from None


def announce_channels(settings: Settings) -> None:
    """One clear line for each part that is off, so an operator knows why at a glance."""
    if not settings.telegram_enabled:
        log.info("Telegram bot is off: TELEGRAM_BOT_TOKEN is not set")
    if not settings.whatsapp_enabled:
        log.info(
            "WhatsApp is off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM to enable it"
        )
    if settings.admin_api_token is None:
        log.info("/api/v1 refuses every call: ADMIN_API_TOKEN is not set")
    if settings.repair_webhook_secret is None:
        log.info("/webhooks/repairs refuses every event: REPAIR_WEBHOOK_SECRET is not set")


async def _prepare_database(container: Container) -> None:
    """Migrate SQLite, check PostgreSQL's schema; a database that cannot be reached is named."""
    try:
        await _migrate_or_check(container)
    except (OSError, DBAPIError) as exc:
        raise ConfigurationError(f"DATABASE_URL: cannot use the database: {reason_of(exc, 300)}") from None


async def _migrate_or_check(container: Container) -> None:
    if is_sqlite(container.settings.database_url):
        await migrations.upgrade(container.engine)
        return
    current, head = await migrations.current_revision(container.engine), migrations.head_revision()
    if current != head:
        raise ConfigurationError(
            f"DATABASE_URL: schema is at {current or 'nothing'}, not {head}; run `loyalty migrate` first"
        )


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Do not fire the scheduled jobs.")
    ] = False,
) -> None:
    """Run the HTTP server with every endpoint (and, when configured, the chat channels and the scheduler)."""
    _configure_logging()
    settings = _settings()
    container = _container(settings)

    async def run() -> None:
        try:
            await _prepare_database(container)
        except ConfigurationError as exc:
            await container.aclose()
            err.print(f"[red]{exc}[/red]", highlight=False)
            raise typer.Exit(2) from None
        announce_channels(settings)
        logging_filters.install()
        if no_scheduler:
            log.info("scheduler is off: --no-scheduler")
        app = web_app(container, dispose_on_shutdown=True, scheduler=not no_scheduler)
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info", lifespan="on"))
        await server.serve()

    asyncio.run(run())


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    _configure_logging()
    settings = _settings()
    container = _container(settings)

    async def run() -> None:
        try:
            await migrations.upgrade(container.engine)
            log.info("database is at revision %s", await migrations.current_revision(container.engine))
        except (OSError, DBAPIError) as exc:
            err.print(
                f"[red]DATABASE_URL: cannot use the database: {reason_of(exc, 300)}[/red]", highlight=False
            )
            raise typer.Exit(2) from None
        finally:
            await container.aclose()

    asyncio.run(run())


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
