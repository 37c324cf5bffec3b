"""The marketer's API runs on the same app and fixtures as the desk's."""

from __future__ import annotations

from tests.e2e.repairs.conftest import desk  # noqa: F401  (the running app with a bearer token)
