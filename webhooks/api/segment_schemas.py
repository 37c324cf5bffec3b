"""Request and response models of the segment preview, with the examples OpenAPI shows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.segments import KEYS

FILTER_DOC = (
    "Keys are ANDed; leave a key out to match any. "
    f"Known keys: {', '.join(KEYS)}. Amounts (`min_spend`, `max_spend`) are whole units or decimal "
    "strings; a visit is a completed repair. Only members with marketing consent and a reachable "
    "channel are ever counted, whatever the filter says."
)


class SegmentPreviewIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "filter": {
                        "tiers": ["silver", "gold"],
                        "min_visits": 2,
                        "no_visit_for_days": 180,
                        "device_categories": ["phone"],
                        "channels": ["telegram"],
                        "locales": ["ru"],
                    }
                },
                {"filter": {"birthday_month": 12, "min_spend": "15000.00"}},
            ]
        }
    )

    filter: dict[str, Any] = Field(description=FILTER_DOC)


class SegmentMemberOut(BaseModel):
    id: int
    phone: str | None = Field(description="Masked: country, operator and the last two digits.")
    name: str | None
    tier: str
    locale: str


class SegmentPreviewOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "count": 1342,
                    "sample": [
                        {
                            "id": 7,
                            "phone": "+7 916 ***-**-67",
                            "name": "Иван Петров",
                            "tier": "silver",
                            "locale": "ru",
                        }
                    ],
                }
            ]
        }
    )

    count: int = Field(description="Members the filter reaches now.")
    sample: list[SegmentMemberOut] = Field(description="The first few of them, by id.")
