"""PLACEHOLDER owned by issue 5 (WhatsApp): POST /whatsapp/webhook and /whatsapp/status."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
