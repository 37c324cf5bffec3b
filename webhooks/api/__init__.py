"""The marketer / desk API under /api/v1. PLACEHOLDER owned by issue 3 until its first routes land."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
