"""Diagnostics: what kerascheck reports about a file, with the source span it points at."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")  # most severe first


@dataclass(frozen=True)
class Span:
    """1-based lines and columns; the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class TextEdit:
    """Replace the text of ``span`` (empty: insert at its start) by ``text``."""

    span: Span
    text: str


@dataclass(frozen=True)
class Location:
    """A place in a file (None: the file reported), and what happens there."""

    path: str | None
    span: Span
    message: str


@dataclass
class Diagnostic:
    """A finding as reported: its rule's code, name and severity, and where it is."""

    code: str
    name: str
    severity: str
    message: str
    span: Span
    fix: str | None = None  # how to fix it, in words
    #: the fix as edits, when it is mechanical (``kerascheck check --fix``, the editor's quick fix)
    edits: tuple[TextEdit, ...] = ()
    #: the file it is in when that is not the file reported (a module the file
    #: imports: an absolute path), until the run moves it to that file's report
    path: str | None = None
    #: how the analysed file reached it: the calls from the file to its place
    related: tuple[Location, ...] = ()
