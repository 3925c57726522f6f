"""What the human-readable formats share: the source's lines, and the closing tally."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kerascheck.report import FileReport


def source_lines(source: str) -> list[str]:
    """The source's lines as Python numbers them: ``str.splitlines`` would also break
    at form feeds and U+2028 inside strings or comments, shifting later lines."""
    lines = re.split(r"\r\n|\r|\n", source)
    return lines[:-1] if lines[-1] == "" else lines


def tally(reports: list[FileReport]) -> str:
    """The closing line of the human formats: ``Found 3 diagnostics (1 error, 2 warnings);
    12 files checked.``"""
    if not reports:
        return "No files checked."
    counts = Counter(d.severity for r in reports for d in r.diagnostics)
    total = sum(counts.values())
    checked = files_checked(reports)
    if not total:
        return f"All checks passed! ({checked})"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    return f"Found {total} diagnostic{'s' if total != 1 else ''} ({', '.join(parts)}); {checked}."


def files_checked(reports: list[FileReport]) -> str:
    """``12 files checked``: those read and analysed."""
    count = sum(report.analysed for report in reports)
    return f"{count:,} file{'s' if count != 1 else ''} checked"
