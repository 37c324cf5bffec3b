"""The quote a waiting_approval repair event may carry: what the customer is asked to approve."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from webhooks.fields import Money, Text


def _not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must say what the quote is for, not only spaces")
    return stripped


class QuoteIn(BaseModel):
    """The price (0 for work under warranty, which still needs a yes) and a line of what is done."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"amount": "2500.00", "text": "Замена аккумулятора"}]}
    )

    amount: Money
    text: Annotated[Text, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
