"""``--output-format full``: each diagnostic with its source line, a caret under
the span, and the fix (the default on a terminal)."""

from __future__ import annotations

from kerascheck.diagnostics import Diagnostic
from kerascheck.report import FileReport
from kerascheck.reporters.text import source_lines, tally

COLORS = {"error": "31", "warning": "33", "info": "36", "code": "1", "dim": "2", "caret": "31"}


def _paint(text: str, what: str, color: bool) -> str:
    return f"\033[{COLORS[what]}m{text}\033[0m" if color else text


def render_one(path: str, lines: list[str], d: Diagnostic, color: bool) -> str:
    span = d.span
    head = f"{path}:{span.line}:{span.column}: {_paint(d.code, 'code', color)} {_paint(d.severity, d.severity, color)}: {d.message}"
    out = [head]
    if 1 <= span.line <= len(lines):
        text = lines[span.line - 1].expandtabs(1)
        end = span.end_column if span.end_line == span.line else len(text) + 1
        width = max(1, min(end, len(text) + 1) - span.column)
        gutter = " " * len(str(span.line))
        out += [
            _paint(f"{gutter} |", "dim", color),
            f"{_paint(f'{span.line} |', 'dim', color)} {text}",
            f"{_paint(f'{gutter} |', 'dim', color)} {' ' * (span.column - 1)}{_paint('^' * width, 'caret', color)}"
            + (" …" if span.end_line > span.line else ""),
        ]
    if d.fix:
        out.append(f"  = fix: {d.fix}")
    out += [f"  = note: reached from {r.path or path}:{r.span.line}:{r.span.column}, which {r.message}" for r in d.related]
    return "\n".join(out)


def render(reports: list[FileReport], color: bool = False) -> str:
    blocks = []
    for report in reports:
        lines = source_lines(report.source)
        blocks += [render_one(report.path, lines, d, color) for d in report.diagnostics]
    return "\n\n".join([*blocks, tally(reports)])
