"""Tables of the Telegram feature (issue 4), on the shared metadata."""

from __future__ import annotations
