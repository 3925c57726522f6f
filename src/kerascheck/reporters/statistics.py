"""``check --statistics``: the number of diagnostics per code, most frequent first, info notes apart."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kerascheck.report import FileReport


def render(reports: list[FileReport]) -> str:
    """``--statistics``: the number of diagnostics per code, most frequent first; the
    info notes after the problems (errors and warnings), under their own heading."""
    counts = Counter((d.code, d.name, d.severity) for r in reports for d in r.diagnostics)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (item[0][2] == "info", -item[1], item[0][0]))
    lines = [f"{n:>{width}}  {code}  {name} ({severity})" for (code, name, severity), n in rows]
    notes = sum(1 for (_, _, severity) in counts if severity == "info")
    if notes:
        lines.insert(len(lines) - notes, "notes:")
    return "\n".join(lines)
