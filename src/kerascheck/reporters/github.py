"""``--output-format github``: GitHub Actions workflow commands, which annotate the
lines of a pull request (``::error file=…,line=…::message``)."""

from __future__ import annotations

from kerascheck.report import FileReport

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    """Escape a command's message as the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a command's property value (file, title)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports: list[FileReport], color: bool = False) -> str:
    lines = []
    for report in reports:
        for d in report.diagnostics:
            s = d.span
            properties = (
                f"file={_property(report.path)},line={s.line},col={s.column},"
                f"endLine={s.end_line},endColumn={s.end_column},title={_property(f'kerascheck ({d.code})')}"
            )
            lines.append(f"::{LEVELS[d.severity]} {properties}::{_data(d.message)}")
    return "\n".join(lines)
