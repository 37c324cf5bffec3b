"""Chat dialogues in progress and delivery statuses: what the chat channels keep between messages."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Dialogue:
    """One conversation in progress (a registration step, a pending deletion), keyed without ids."""

    key: str
    step: str
    locale: str
    updated_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


class DialogueRepository(abc.ABC):
    """Dialogues kept in the unit of work's transaction, so a step commits with its change."""

    @abc.abstractmethod
    async def get(self, key: str) -> Dialogue | None: ...

    @abc.abstractmethod
    async def save(self, dialogue: Dialogue) -> None: ...

    @abc.abstractmethod
    async def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    async def delete_older_than(self, moment: datetime) -> None:
        """Forget conversations abandoned half-way (a birthday typed before the last step, say)."""


class MessageStatusRepository(abc.ABC):
    """The latest delivery stage a platform reported for each message it accepted from us."""

    @abc.abstractmethod
    async def get(self, message_sid: str) -> tuple[str, int | None] | None: ...

    @abc.abstractmethod
    async def put(self, message_sid: str, status: str, error_code: int | None, at: datetime) -> None: ...


class ChatStateStore(abc.ABC):
    """A chat framework's dialogue state (a state name and a small document per key).

    Unlike the repositories it runs its own short transaction per call: it backs the Telegram
    dialogue machinery, which reads and writes between the use cases, not inside them.
    """

    @abc.abstractmethod
    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]: ...

    @abc.abstractmethod
    async def set_state(self, key: str, state: str | None) -> None: ...

    @abc.abstractmethod
    async def set_data(self, key: str, data: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    async def purge(self, older_than: datetime) -> int:
        """Forget dialogues abandoned before `older_than` (they may hold a phone number)."""
