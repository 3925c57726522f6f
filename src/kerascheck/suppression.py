"""Inline suppressions: ``# noqa``, ``# kerascheck: ignore[...]`` and ``ignore-file``.

A comment on any line a diagnostic spans (the layer's constructor call, which
may run over several lines) suppresses it:

- ``# noqa`` — everything there; ``# noqa: KC201, KC202`` — those codes (flake8/ruff style);
- ``# kerascheck: ignore`` — everything there; ``# kerascheck: ignore[KC201]`` — those codes;
- ``# kerascheck: ignore-file`` anywhere — the whole file; ``# kerascheck: ignore-file[KC301]`` —
  those codes in the whole file.

Codes may be prefixes (``KC2``).  Only real comments count (a ``# noqa`` inside
a string does not): the file is tokenized, and only when it mentions one of them.

``audit`` finds what a suppression names in vain (the opt-in KC020 and KC021):
a code that is not kerascheck's (in a ``kerascheck:`` comment, or a ``KC`` code
in a ``noqa``), and one that suppressed nothing.  Codes of other tools in a
``noqa`` (``E501``) and a bare ``# noqa`` (other linters read it too) are
never reported.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Callable

from kerascheck.diagnostics import Diagnostic, Span

MENTIONS = re.compile(r"noqa|kerascheck\s*:", re.IGNORECASE)
NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)
DIRECTIVE = re.compile(r"#\s*kerascheck\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
CODE = re.compile(r"[^\s,]+")
UNUSED, UNKNOWN = "KC020", "KC021"  # unused-suppression, unknown-suppression-code

ALL: frozenset[str] = frozenset({""})  # the empty prefix matches every code


@dataclass(frozen=True)
class Directive:
    """One suppression in a comment: its kind (``noqa``, ``ignore``, ``ignore-file``),
    where it is, and each code it names with that code's column (none: every code)."""

    kind: str
    line: int
    column: int
    end_column: int
    codes: tuple[tuple[str, int], ...] = ()

    def prefixes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.codes) if self.codes else ALL


@dataclass
class Suppressions:
    """The suppression directives of a file."""

    directives: list[Directive] = field(default_factory=list)

    def covers(self, diagnostic: Diagnostic, named_only: bool = False) -> bool:
        """Whether a directive suppresses ``diagnostic`` (``named_only``: one that names codes)."""
        span = diagnostic.span
        return any(
            (directive.kind == "ignore-file" or span.line <= directive.line <= span.end_line)
            and any(diagnostic.code.startswith(prefix) for prefix in directive.prefixes())
            for directive in self.directives
            if directive.codes or not named_only
        )


def _codes(text: str | None, start: int) -> tuple[tuple[str, int], ...]:
    """The codes of a directive's list at column ``start`` (1-based), each with its column."""
    if not text:
        return ()
    return tuple((m.group().upper(), start + m.start()) for m in CODE.finditer(text))


def parse(source: str) -> Suppressions:
    """Find the suppression comments of a file."""
    found = Suppressions()
    if not MENTIONS.search(source):
        return found
    for line, column, comment in _comments(source):
        for regex in (NOQA, DIRECTIVE):
            for m in regex.finditer(comment):
                kind = m.group("kind").lower() if regex is DIRECTIVE else "noqa"
                codes = _codes(m.group("codes"), column + m.start("codes"))
                found.directives.append(Directive(kind, line, column + m.start(), column + m.end(), codes))
    return found


def _comments(source: str) -> list[tuple[int, int, str]]:
    """(line, 1-based column, text) of each comment; a file that does not tokenize
    falls back to every ``#`` on each line (it will carry a syntax error anyway)."""
    try:
        return [
            (token.start[0], token.start[1] + 1, token.string)
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        return [(i, line.index("#") + 1, line[line.index("#"):]) for i, line in enumerate(source.splitlines(), 1) if "#" in line]


def apply(diagnostics: list[Diagnostic], suppressions: Suppressions, named_only: bool = False) -> list[Diagnostic]:
    """The diagnostics no comment suppresses (``named_only``: no comment that names codes;
    an audit's report is not silenced by the bare comment it is about)."""
    return [d for d in diagnostics if not suppressions.covers(d, named_only)]


@dataclass(frozen=True)
class Problem:
    """What ``audit`` found wrong with a suppression."""

    code: str
    message: str
    span: Span


def audit(
    diagnostics: list[Diagnostic],
    suppressions: Suppressions,
    known: Callable[[str], bool],
    enabled: Callable[[str], bool],
) -> list[Problem]:
    """The suppressions that name an unknown code (``known``: a code or prefix of
    one), or suppress none of ``diagnostics`` (those reported, before suppression)."""
    problems = []
    for directive in suppressions.directives:
        if directive.kind == "noqa" and not directive.codes:
            continue  # other linters read a bare noqa too
        whole = directive.kind == "ignore-file"
        here = [d for d in diagnostics if whole or d.span.line <= directive.line <= d.span.end_line]
        for code, column in directive.codes or (("", directive.column),):
            end = column + len(code) if code else directive.end_column
            span = Span(directive.line, column, directive.line, end)
            if code in (UNUSED, UNKNOWN) or (directive.kind == "noqa" and not code.startswith("KC")):
                continue  # what silences these reports; another tool's code
            if code and not known(code):
                problems.append(Problem(UNKNOWN, f"{code} is not a kerascheck code (`kerascheck rule --all` lists them)", span))
            elif not any(d.code.startswith(code) for d in here):
                problems.append(Problem(UNUSED, _unused(directive, code, enabled), span))
    return problems


def _unused(directive: Directive, code: str, enabled: Callable[[str], bool]) -> str:
    where = "in this file" if directive.kind == "ignore-file" else "on this line"
    if not code:
        return f"unused suppression: no diagnostic {where}"
    if not enabled(code):
        return f"unused suppression: {code} is not enabled"
    return f"unused suppression: no {code} diagnostic {where}"
