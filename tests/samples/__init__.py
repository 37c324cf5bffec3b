"""Sample contexts for every message template, one module per feature.

Each module exposes SAMPLES: {template name: context}. tests/unit/test_messages.py
renders every template of every locale on every channel with its sample, and fails
for a template without one. Add a module for a new feature instead of editing another's.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def all_samples() -> dict[str, dict[str, Any]]:
    samples: dict[str, dict[str, Any]] = {}
    for module in pkgutil.iter_modules(__path__):
        found = importlib.import_module(f"{__name__}.{module.name}").SAMPLES
        overlap = samples.keys() & found.keys()
        assert not overlap, f"templates sampled twice: {overlap}"
        samples.update(found)
    return samples
