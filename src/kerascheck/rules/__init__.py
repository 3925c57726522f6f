"""The rules: one module per rule (``kcNNN_name.py``), each exposing ``RULE``."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rule modules (and libcst) load on first use
    from kerascheck.rules.base import Rule

_RULES: dict[str, Rule] | None = None


def all_rules() -> dict[str, Rule]:
    """Every rule by code, in code order (modules are imported on first use)."""
    global _RULES
    if _RULES is None:
        found = {}
        for info in pkgutil.iter_modules(__path__):
            if info.name.startswith("kc"):
                rule = importlib.import_module(f"{__name__}.{info.name}").RULE
                found[rule.code] = rule
        _RULES = dict(sorted(found.items()))
    return _RULES
