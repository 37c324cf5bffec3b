"""PLACEHOLDER owned by issue 4 (Telegram): POST /telegram/webhook."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
