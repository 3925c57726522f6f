"""Reporters: one module per output format.

``summary`` uses ``table`` and ``json_report``; ``check`` picks a module with
``check_reporter``, each exposing ``render(reports, color=False) -> str``.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kerascheck.report import FileReport

CHECK_MODULES = {
    "full": "full",
    "concise": "concise",
    "json": "check_json",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
}


def check_reporter(output_format: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{CHECK_MODULES[output_format]}")


def source_lines(source: str) -> list[str]:
    """The source's lines as Python numbers them: ``str.splitlines`` would also break
    at form feeds and U+2028 inside strings or comments, shifting later lines."""
    lines = re.split(r"\r\n|\r|\n", source)
    return lines[:-1] if lines[-1] == "" else lines


def statistics(reports: list[FileReport]) -> str:
    """``--statistics``: the number of diagnostics per code, most frequent first."""
    counts = Counter((d.code, d.name, d.severity) for r in reports for d in r.diagnostics)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return "\n".join(f"{n:>{width}}  {code}  {name} ({severity})" for (code, name, severity), n in rows)


def tally(reports: list[FileReport]) -> str:
    """The closing line of the human formats: ``Found 3 diagnostics (1 error, 2 warnings).``"""
    counts = Counter(d.severity for r in reports for d in r.diagnostics)
    total = sum(counts.values())
    if not total:
        return "All checks passed!"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    return f"Found {total} diagnostic{'s' if total != 1 else ''} ({', '.join(parts)})."
