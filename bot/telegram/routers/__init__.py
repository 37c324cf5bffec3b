"""One router per file, collected in the order they must see updates.

Each file builds its router in `build_router()`: an aiogram router joins one dispatcher only, and
tests (or a restart) build a fresh dispatcher.
"""

from __future__ import annotations

from aiogram import Router


def get_routers() -> list[Router]:
    """Registered customers' screens first, then the sign-up dialogue, then the catch-all answers."""
    from bot.telegram.routers import errors, fallback, privacy, registration, screens, settings

    modules = (errors, screens, settings, privacy, registration, fallback)
    return [module.build_router() for module in modules]
