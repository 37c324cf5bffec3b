"""Tables of the WhatsApp feature (issue 5), on the shared metadata."""

from __future__ import annotations
