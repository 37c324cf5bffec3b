"""Response model of a personal offer code, as the desk sees it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.offer_codes import OfferCode, OfferCodeStatus
from domain.rules import ProgramRules


class OfferCodeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "K7QM-4XZP",
                    "offer": "phone_accessories",
                    "offer_titles": {"ru": "Скидка 15% на аксессуары", "en": "15% off accessories"},
                    "customer_id": 42,
                    "status": "issued",
                    "valid_until": "2026-12-31",
                    "used_at": None,
                }
            ]
        }
    )

    code: str
    offer: str = Field(description="The offer's key in the program rules file.")
    offer_titles: dict[str, str] | None = Field(
        description="The offer's title per language; null when the rules no longer have the offer."
    )
    customer_id: int
    status: OfferCodeStatus
    valid_until: date = Field(description="The last day (shop time) the code is accepted.")
    used_at: datetime | None

    @classmethod
    def of(cls, code: OfferCode, rules: ProgramRules, today: date) -> OfferCodeOut:
        titles = next((dict(o.titles) for o in rules.offers if o.key == code.offer_key), None)
        return cls(
            code=code.code,
            offer=code.offer_key,
            offer_titles=titles,
            customer_id=code.customer_id,
            status=code.status(today),
            valid_until=code.valid_until,
            used_at=code.used_at,
        )
