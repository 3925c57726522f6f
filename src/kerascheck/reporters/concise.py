"""``--output-format concise``: ``path:line:col: CODE severity: message``, one line each."""

from __future__ import annotations

from kerascheck.report import FileReport
from kerascheck.reporters.text import tally


def render(reports: list[FileReport], color: bool = False) -> str:
    lines = [
        f"{r.path}:{d.span.line}:{d.span.column}: {d.code} {d.severity}: {d.message}"
        for r in reports
        for d in r.diagnostics
    ]
    return "\n".join([*lines, tally(reports)])
