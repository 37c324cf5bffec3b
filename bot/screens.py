"""The customer's screens, shared by every chat channel: build the view, render it for the channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.deps import ChatDeps
from bot.phones import mask_phone
from bot.vocabulary import SCREEN_NAMES
from domain.customers import Customer
from domain.jobs import shop_day
from domain.ports import UnitOfWork
from domain.program_guide import get_rules_view
from domain.services import views
from domain.services.customers import live_customer
from messages.faq import faq_phrases

InviteLink = Callable[[str], str]


class Screens:
    def __init__(self, deps: ChatDeps) -> None:
        self._c = deps

    async def render(
        self, name: str, customer_id: int, channel: str, *, invite_link_for: InviteLink | None = None
    ) -> str:
        """The screen `name` for the customer, in their language, formatted for `channel`."""
        faq = name.startswith("faq_") and name.removeprefix("faq_") in faq_phrases()
        if name not in SCREEN_NAMES and not faq:
            raise ValueError(f"unknown screen {name!r}")
        async with self._c.uow() as uow:
            customer = await live_customer(uow, customer_id)
            context = await self._context(name, uow, customer, invite_link_for)
            if name == "offers":
                await uow.commit()  # the personal codes issued on first show
        return self._c.renderer.render(f"screen_{name}", customer.locale, channel, **context)

    async def _context(
        self, name: str, uow: UnitOfWork, customer: Customer, invite_link_for: InviteLink | None
    ) -> dict[str, Any]:
        rules, now = self._c.rules, self._c.clock.now()
        builders: dict[str, Callable[[], Awaitable[Any]]] = {
            "balance": lambda: views.get_balance_view(uow, customer),
            "repairs": lambda: views.get_repairs_view(uow, customer),
            "tier": lambda: views.get_tier_view(uow, rules, customer, now),
            "offers": lambda: views.get_offers_view(
                uow, rules, customer, now, shop_day(now, self._c.timezone)
            ),
            "invite": lambda: views.get_invite_view(
                uow, rules, customer, (invite_link_for or _no_link)(customer.referral_code or "")
            ),
        }
        if name in builders:
            return {"view": await builders[name]()}
        if name == "rules":
            return {"view": get_rules_view(rules, customer.locale)}
        if name.startswith("faq_"):  # a common question: the rules and the customer's own numbers
            return {
                "rules": get_rules_view(rules, customer.locale),
                "balance": await views.get_balance_view(uow, customer),
                "tier": await views.get_tier_view(uow, rules, customer, now),
            }
        if name == "profile":
            masked = mask_phone(customer.phone) if customer.phone else ""
            held = await uow.badges.of_customer(customer.id) if customer.id is not None else []
            return {"view": views.get_profile_view(rules, customer, masked, held)}
        assert customer.id is not None
        return {
            "name": customer.name,
            "balance": await uow.ledger.balance_of(customer.id),
            "tier_name": rules.tier(customer.tier).name(customer.locale),
        }


def _no_link(code: str) -> str:
    return code
