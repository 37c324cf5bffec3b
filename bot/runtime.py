"""What a chat channel gives the composition root: its sender, and how to start and stop it."""

from __future__ import annotations

from typing import Protocol

from domain.delivery import MessageSender


class ChannelRuntime(Protocol):
    sender: MessageSender

    async def start(self) -> None:
        """Begin receiving (set the webhook, start polling). Must not block."""

    async def stop(self) -> None: ...
