"""Applying the edits of diagnostics' fixes to a source text, and to the files
checked (``check --fix``).

A diagnostic's edits are applied together or not at all; a diagnostic whose
edits overlap those of one already taken is left for the next round, as
ruff does, so each round applies fixes that do not interfere.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Iterable

from kerascheck.diagnostics import Diagnostic, Span
from kerascheck.report import FileReport
from kerascheck.sources import decode

LINE_END = re.compile(r"\r\n|\r|\n")


def apply_fixes(source: str, diagnostics: Iterable[Diagnostic]) -> tuple[str, int]:
    """``source`` with the edits of every diagnostic that has some and whose edits
    do not overlap an earlier one's; and how many diagnostics were fixed."""
    starts = _line_starts(source)
    taken: list[tuple[int, int, str]] = []
    fixed = 0
    for diagnostic in diagnostics:
        if not diagnostic.edits:
            continue
        ranges = [(*_offsets(edit.span, starts), edit.text) for edit in diagnostic.edits]
        if any(_overlap(r, t) for r in ranges for t in taken) or any(
            _overlap(a, b) for i, a in enumerate(ranges) for b in ranges[i + 1 :]
        ):
            continue
        taken += ranges
        fixed += 1
    for start, end, text in sorted(taken, key=lambda r: (r[0], r[1]), reverse=True):
        source = source[:start] + text + source[end:]
    return source, fixed


def _line_starts(source: str) -> list[int]:
    """The index where each line (as Python numbers them) starts."""
    return [0, *(m.end() for m in LINE_END.finditer(source))]


def _offsets(span: Span, starts: list[int]) -> tuple[int, int]:
    return starts[span.line - 1] + span.column - 1, starts[span.end_line - 1] + span.end_column - 1


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Whether two edits touch the same text (two insertions at one place do too)."""
    return a[0] < b[1] and b[0] < a[1] or a[0] == b[0]


def fix_files(reports: Iterable[FileReport]) -> int:
    """Apply the fixes of each report to its file, if the file still holds the text
    analysed; how many diagnostics were fixed."""
    fixed = 0
    for report in reports:
        if not any(d.edits for d in report.diagnostics):
            continue
        path = Path(report.path)
        try:
            data = path.read_bytes()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except (OSError, SyntaxError):
            continue
        if decode(data) != report.source:
            continue  # changed since it was read
        source, count = apply_fixes(report.source, report.diagnostics)
        try:
            path.write_bytes(source.encode(encoding))
        except (OSError, UnicodeEncodeError):
            continue
        fixed += count
    return fixed
