"""Approved WhatsApp templates: what may go out of the 24-hour window, and with which variables."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TwilioContentTemplate(BaseModel):
    """An approved WhatsApp template: its Content SID and the outbox context keys for {{1}}, {{2}}, ..."""

    sid: str = Field(pattern=r"^HX[0-9a-fA-F]{32}$")
    variables: list[str] = Field(default_factory=list)
