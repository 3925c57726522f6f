"""``check --statistics``: the number of diagnostics per code, most frequent first."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kerascheck.report import FileReport


def render(reports: list[FileReport]) -> str:
    """``--statistics``: the number of diagnostics per code, most frequent first."""
    counts = Counter((d.code, d.name, d.severity) for r in reports for d in r.diagnostics)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return "\n".join(f"{n:>{width}}  {code}  {name} ({severity})" for (code, name, severity), n in rows)
