"""PLACEHOLDER owned by issue 5 (WhatsApp): builds the Twilio client and sender from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.bootstrap import Container
    from app.runtime import ChannelRuntime


def build_whatsapp(container: Container) -> ChannelRuntime | None:
    return None
