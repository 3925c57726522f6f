"""Diagnostics: what kerascheck reports about a file, with the source span it points at."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

SEVERITIES = ("error", "warning", "info")

#: codes reported by the analysis itself (rules add their own)
NAMES = {
    "KC000": ("internal-error", "error"),
    "KC001": ("syntax-error", "error"),
    "KC002": ("analysis-limit", "info"),
    "KC003": ("unreadable-file", "error"),
    "KC101": ("non-positive-dimension", "error"),
    "KC102": ("merge-shape-mismatch", "error"),
    "KC103": ("incompatible-rank", "error"),
    "KC104": ("reshape-size-mismatch", "error"),
    "KC105": ("non-integer-size", "error"),
    "KC107": ("invalid-layer-argument", "error"),
}


@dataclass(frozen=True)
class Span:
    """1-based lines and columns; the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Diagnostic:
    code: str
    message: str
    node: cst.CSTNode | None = None  # resolved to ``span`` when reported
    span: Span | None = None
    fix: str | None = None  # how to fix it, in words
    severity: str = ""  # defaults to the code's severity
    name: str = ""  # defaults to the code's name

    def __post_init__(self) -> None:
        if not self.name or not self.severity:
            name, severity = NAMES.get(self.code, ("", "error"))
            self.name = self.name or name
            self.severity = self.severity or severity
