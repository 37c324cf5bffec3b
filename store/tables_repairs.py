"""Tables of the repair-events feature (issue 3), on the shared metadata."""

from __future__ import annotations
