"""One router per file, collected in the order they must see updates.

Each file builds its router in `build_router()`: an aiogram router joins one dispatcher only, and
tests (or a restart) build a fresh dispatcher.
"""

from __future__ import annotations

from aiogram import Router


def get_routers() -> list[Router]:
    """Blocks and unblocks (not messages: no other router sees them), the staff chat (whose messages
    no customer router may see), registered customers' screens and questions, then the sign-up
    dialogue, then the catch-all answers."""
    from bot.telegram.routers import (
        errors,
        fallback,
        feedback,
        membership,
        privacy,
        questions,
        quotes,
        registration,
        screens,
        settings,
        staff,
    )

    modules = (
        errors,
        membership,
        staff,
        screens,
        questions,
        quotes,
        feedback,
        settings,
        privacy,
        registration,
        fallback,
    )
    return [module.build_router() for module in modules]
