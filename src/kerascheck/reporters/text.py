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
    """The closing line of the human formats: ``Found 3 diagnostics (1 error, 2 warnings).``;
    info notes are counted apart (``…, and 2 notes (info).``): they are not problems."""
    counts = Counter(d.severity for r in reports for d in r.diagnostics)
    problems, notes = counts["error"] + counts["warning"], counts["info"]
    noted = f"{notes} note{'s' if notes != 1 else ''} (info)"
    if not problems:
        return f"All checks passed, with {noted}." if notes else "All checks passed!"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning") if counts[s]]
    found = f"Found {problems} diagnostic{'s' if problems != 1 else ''} ({', '.join(parts)})"
    return f"{found}, and {noted}." if notes else f"{found}."
