"""Inline suppressions: ``# noqa``, ``# kerascheck: ignore[...]`` and ``ignore-file``.

A comment on any line a diagnostic spans (the layer's constructor call, which
may run over several lines) suppresses it:

- ``# noqa`` — everything there; ``# noqa: KC201, KC202`` — those codes (flake8/ruff style);
- ``# kerascheck: ignore`` — everything there; ``# kerascheck: ignore[KC201]`` — those codes;
- ``# kerascheck: ignore-file`` anywhere — the whole file; ``# kerascheck: ignore-file[KC301]`` —
  those codes in the whole file.

Codes may be prefixes (``KC2``).  Only real comments count (a ``# noqa`` inside
a string does not): the file is tokenized, and only when it mentions one of them.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from kerascheck.diagnostics import Diagnostic

MENTIONS = re.compile(r"noqa|kerascheck\s*:", re.IGNORECASE)
NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)
DIRECTIVE = re.compile(r"#\s*kerascheck\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)

ALL: frozenset[str] = frozenset({""})  # the empty prefix matches every code


@dataclass
class Suppressions:
    """The codes suppressed on each line, and in the whole file."""

    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    file: frozenset[str] = frozenset()

    def covers(self, diagnostic: Diagnostic) -> bool:
        if _matches(diagnostic.code, self.file):
            return True
        span = diagnostic.span
        return any(_matches(diagnostic.code, self.by_line.get(line, frozenset())) for line in range(span.line, span.end_line + 1))


def _matches(code: str, prefixes: frozenset[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def _codes(text: str | None) -> frozenset[str]:
    if not text or not text.strip():
        return ALL
    return frozenset(c.upper() for c in re.split(r"[\s,]+", text.strip()) if c)


def parse(source: str) -> Suppressions:
    """Find the suppression comments of a file."""
    found = Suppressions()
    if not MENTIONS.search(source):
        return found
    file_codes: set[str] = set()
    for line, comment in _comments(source):
        codes: set[str] = set()
        for match in NOQA.finditer(comment):
            codes |= _codes(match.group("codes"))
        for match in DIRECTIVE.finditer(comment):
            if match.group("kind").lower() == "ignore-file":
                file_codes |= _codes(match.group("codes"))
            else:
                codes |= _codes(match.group("codes"))
        if codes:
            found.by_line[line] = found.by_line.get(line, frozenset()) | frozenset(codes)
    found.file = frozenset(file_codes)
    return found


def _comments(source: str) -> list[tuple[int, str]]:
    """(line, text) of each comment; a file that does not tokenize falls back to
    every ``#`` on each line (it will carry a syntax error anyway)."""
    try:
        return [
            (token.start[0], token.string)
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        return [(i, line[line.index("#"):]) for i, line in enumerate(source.splitlines(), 1) if "#" in line]


def apply(diagnostics: list[Diagnostic], source: str) -> list[Diagnostic]:
    """The diagnostics no comment of ``source`` suppresses."""
    if not diagnostics:
        return diagnostics
    suppressions = parse(source)
    return [d for d in diagnostics if not suppressions.covers(d)]
