"""Reporters: one module per output format.

``summary`` uses ``table`` and ``json_report``; ``check`` picks a module with
``check_reporter``, each exposing ``render(reports, color=False) -> str``, or
``statistics`` for ``--statistics``.  ``text`` holds what the human formats share.
"""

from __future__ import annotations

import importlib
from types import ModuleType

CHECK_MODULES = {
    "full": "full",
    "concise": "concise",
    "json": "check_json",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
}


def check_reporter(output_format: str) -> ModuleType:
    """The reporter module of ``output_format``."""
    return importlib.import_module(f"{__name__}.{CHECK_MODULES[output_format]}")
