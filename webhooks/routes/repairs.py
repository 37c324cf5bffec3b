"""PLACEHOLDER owned by issue 3 (repairs): POST /webhooks/repairs."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
