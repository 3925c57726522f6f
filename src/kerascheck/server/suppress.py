"""The edits of the "suppress" code actions: ``# noqa: CODE`` on a line of a
diagnostic, ``# kerascheck: ignore-file[CODE]`` for the whole file.

An existing comment is extended (``# noqa: KC202`` becomes ``# noqa: KC202,
KC201``) rather than a second one added.  A comment goes only where Python
allows one: never after a line continuation, never inside a string that runs
over several lines.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from kerascheck.reporters.text import source_lines
from kerascheck.suppression import DIRECTIVE, NOQA

#: a comment Python reads before the code: ``#!`` on line 1, an encoding cookie on line 1 or 2
HEADER = re.compile(r"#!|#.*coding[:=]")


@dataclass(frozen=True)
class Edit:
    """Replace the characters ``column`` to ``end_column`` of ``line`` (0-based,
    in code points) by ``text``."""

    line: int
    column: int
    end_column: int
    text: str


@dataclass
class _Layout:
    """What tokenizing the source says about each line (1-based)."""

    comments: dict[int, tokenize.TokenInfo]
    open_lines: set[int]  # lines that end where a comment may follow


def _layout(source: str) -> _Layout | None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    comments = {t.start[0]: t for t in tokens if t.type == tokenize.COMMENT}
    open_lines = {t.start[0] for t in tokens if t.type in (tokenize.NEWLINE, tokenize.NL)}
    return _Layout(comments, open_lines)


def noqa(source: str, first_line: int, last_line: int, code: str) -> Edit | None:
    """The edit that suppresses ``code`` on the lines ``first_line``..``last_line``
    (0-based) of a diagnostic; None when a comment there already does, or the
    source does not tokenize."""
    layout = _layout(source)
    if layout is None:
        return None
    lines = source_lines(source)
    candidates = range(first_line + 1, min(last_line, len(lines) - 1) + 2)
    for number in candidates:
        comment = layout.comments.get(number)
        match = NOQA.search(comment.string) if comment else None
        if comment is not None and match is not None:
            if match.group("codes") is None:
                return None  # a bare noqa comment suppresses every code
            codes = re.split(r"[\s,]+", match.group("codes"))
            if any(code.startswith(c.upper()) for c in codes if c):
                return None
            text = f"{comment.string[:match.end('codes')]}, {code}{comment.string[match.end('codes'):]}"
            return Edit(number - 1, comment.start[1], comment.end[1], text)
    for number in candidates:
        if number in layout.open_lines:
            line = lines[number - 1]
            end = len(line.rstrip())
            return Edit(number - 1, end, len(line), f"  # noqa: {code}")
    return None


def ignore_file(source: str, code: str) -> Edit | None:
    """The edit that suppresses ``code`` in the whole file: its codes added to an
    ``ignore-file`` comment, or one inserted after the ``#!`` and encoding lines;
    None when a comment already does it."""
    layout = _layout(source)
    if layout is None:
        return None
    for comment in layout.comments.values():
        for match in DIRECTIVE.finditer(comment.string):
            if match.group("kind").lower() != "ignore-file":
                continue
            codes = match.group("codes")
            if codes is None or not codes.strip():
                return None
            if any(code.startswith(c.strip().upper()) for c in re.split(r"[\s,]+", codes) if c.strip()):
                return None
            text = f"{comment.string[:match.end('codes')]}, {code}{comment.string[match.end('codes'):]}"
            return Edit(comment.start[0] - 1, comment.start[1], comment.end[1], text)
    lines = source_lines(source)
    line = 0
    while line < min(2, len(lines)) and HEADER.match(lines[line]):
        line += 1
    newline = "\r\n" if "\r\n" in source else "\n"
    return Edit(line, 0, 0, f"# kerascheck: ignore-file[{code}]{newline}")
