from __future__ import annotations

from datetime import UTC, date, datetime

from app.rules_file import load_rules
from domain.ledger import EntryKind, LedgerEntry
from domain.program_guide import get_rules_view
from domain.repairs import DeviceCategory, Repair, RepairStatus
from domain.rules import Perk
from domain.views import (
    BadgeLine,
    BalanceView,
    InviteView,
    OffersView,
    OfferView,
    ProfileView,
    RepairsView,
    TierView,
)

AT = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def _repair(order: str, status: RepairStatus, **kw: object) -> Repair:
    return Repair(
        order_id=order,
        phone="+79161234567",
        status=status,
        device_category=DeviceCategory.PHONE,
        created_at=AT,
        updated_at=AT,
        **kw,
    )  # type: ignore[arg-type]


SAMPLES = {
    "screen_menu": {"name": "Ivan", "balance": 21, "tier_name": "Silver"},
    "screen_help": {},
    "screen_balance": {
        "view": BalanceView(
            name="Ivan",
            balance=1_234,
            recent=(
                LedgerEntry(1, EntryKind.EARN, 135, "k1", AT),
                LedgerEntry(1, EntryKind.SPEND, -300, "k2", AT),
            ),
            next_expiry_points=200,
            next_expiry_at=AT,
        )
    },
    "screen_repairs": {
        "view": RepairsView(
            active=(
                _repair(
                    "R-1",
                    RepairStatus.WAITING_APPROVAL,
                    device_brand="Apple",
                    device_model="iPhone 13",
                    eta=date(2026, 11, 24),
                ),
            ),
            recent=(_repair("R-0", RepairStatus.COMPLETED, amount_minor=450_000),),
            more_active=12,
            more_recent=1,
        )
    },
    "screen_tier": {
        "view": TierView(
            tier_key="silver",
            tier_name="Silver",
            earn_rate_percent="5",
            perks=(Perk("extra_warranty_months", 1),),
            next_tier_name="Gold",
            next_earn_rate_percent="7",
            next_perks=(Perk("extra_warranty_months", 3), Perk("free_diagnostics")),
            spent_minor=2_000_000,
            left_to_next_minor=3_000_000,
            to_keep_minor=0,
            progress_ratio=0.14,
            window_days=365,
        )
    },
    "screen_offers": {
        "view": OffersView(
            offers=(
                OfferView("shop", "Cleaning", "20% off.", None, None, "K7QM-4XZP", date(2026, 12, 31)),
                OfferView("partner", "Insurance", "10% off.", "SafeGadget", "REPAIR10"),
            ),
            marketing_opt_in=False,
        )
    },
    "screen_rules": {"view": get_rules_view(load_rules(), "en")},
    "screen_invite": {
        "view": InviteView(
            link="https://t.me/shop_bot?start=abc",
            friend_bonus=300,
            referrer_bonus=500,
            min_first_repair_minor=100_000,
            invited=3,
            pending=2,
            rewarded=1,
        )
    },
    "screen_profile": {
        "view": ProfileView(
            name="Ivan",
            phone_masked="+7 916 ***-**-67",
            birthday=date(1990, 2, 28),
            locale="en",
            marketing_opt_in=True,
            pd_consent_at=AT,
            pd_policy_version="2026-11-01",
            tier_name="Silver",
            member_since=AT,
            badges=(BadgeLine("First repair", AT), BadgeLine("Gold tier", AT)),
        )
    },
}

_FAQ = {
    "rules": get_rules_view(load_rules(), "en"),
    "balance": SAMPLES["screen_balance"]["view"],
    "tier": SAMPLES["screen_tier"]["view"],
}
SAMPLES.update({"screen_faq_expiry": _FAQ, "screen_faq_spend": _FAQ, "screen_faq_tier": _FAQ})
