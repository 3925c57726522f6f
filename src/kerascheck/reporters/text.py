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
    """The closing line of the human formats: ``Found 3 diagnostics (1 error, 2
    warnings); 12 files checked.``; info notes are counted apart (``…, and 2 notes
    (info); 12 files checked.``): they are not problems."""
    if not reports:
        return "No files checked."
    counts = Counter(d.severity for r in reports for d in r.diagnostics)
    problems, notes = counts["error"] + counts["warning"], counts["info"]
    noted = f"{notes} note{'s' if notes != 1 else ''} (info)"
    checked = files_checked(reports)
    if not problems and not any(report.analysed for report in reports):  # nothing was checked: nothing passed
        return f"No files checked, with {noted}." if notes else "No files checked."
    if not problems:
        return f"All checks passed, with {noted}; {checked}." if notes else f"All checks passed! ({checked})"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning") if counts[s]]
    found = f"Found {problems} diagnostic{'s' if problems != 1 else ''} ({', '.join(parts)})"
    return f"{found}, and {noted}; {checked}." if notes else f"{found}; {checked}."


def files_checked(reports: list[FileReport]) -> str:
    """``12 files checked``: those read and analysed."""
    count = sum(report.analysed for report in reports)
    return f"{count:,} file{'s' if count != 1 else ''} checked"
