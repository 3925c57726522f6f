"""Diagnostics: what kerascheck reports about a file, with the source span it points at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads SEVERITIES without loading libcst
    import libcst as cst

SEVERITIES = ("error", "warning", "info")  # most severe first


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
            from kerascheck.rules import all_rules  # every code is documented as a rule

            rule = all_rules()[self.code]
            self.name = self.name or rule.name
            self.severity = self.severity or rule.severity
