"""PLACEHOLDER owned by issue 4 (Telegram): builds the bot, its dispatcher and sender from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.bootstrap import Container
    from app.runtime import ChannelRuntime


def build_telegram(container: Container) -> ChannelRuntime | None:
    return None
