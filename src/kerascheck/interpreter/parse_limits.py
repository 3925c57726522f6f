"""What kerascheck parses: a source's nesting and size, read from its tokens
before libcst parses it.

libcst's parser takes time and memory that grow faster than linearly with the
depth of an expression (10,000 nested brackets: minutes and gigabytes), its
native code aborts the process when its stack runs out, and its tree takes
about 2 KB a token.  Python itself refuses more than ``MAX_BRACKETS`` nested
brackets and ``MAX_INDENT`` levels of indentation (a syntax error); an
expression whose operators chain deeper than ``MAX_EXPRESSION_DEPTH``
(``a + a + ... + a``, ``not not ... x``, ``x[0][0]...``), which Python
accepts, and a source of more than ``MAX_TOKENS`` tokens are past what
kerascheck parses.  All are found here, on Python's own tokens, in time linear
in the source's length.
"""

from __future__ import annotations

import io
import keyword
import re
import sys
import tokenize
from typing import Callable, Iterator

#: Python's own limits (its tokenizer's MAXLEVEL and MAXINDENT)
MAX_BRACKETS = 200
MAX_INDENT = 99
#: the deepest expression kerascheck parses: brackets, and operators chained at each level
MAX_EXPRESSION_DEPTH = 500
#: the most tokens kerascheck parses in one source (its tree: about 200 MB)
MAX_TOKENS = 100_000

OPENING = frozenset("([{")
CLOSING = frozenset(")]}")
#: keywords that chain one more expression to the one before (``a and b``, ``not x``, ``a if c else b``)
OPERATOR_KEYWORDS = frozenset(("not", "and", "or", "if", "else", "lambda", "in", "is", "await"))
#: operator tokens that end an expression rather than chain it: a separator or an assignment
ENDS = frozenset((",", ";", "=", "->")) | {
    op for op in tokenize.EXACT_TOKEN_TYPES if op.endswith("=") and op not in ("==", "!=", "<=", ">=")
}
#: the tokens a bracket after which opens a call or a subscript (``f(x)``, ``x[0]``, ``g()()``)
OPERANDS = (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)


class ParseLimit(Exception):
    """The source is past a limit at ``line``:``column``; ``python`` when Python
    itself refuses it (a syntax error), else the limit is kerascheck's."""

    def __init__(self, message: str, line: int, column: int, python: bool) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.python = python


def check(source: str) -> int:
    """How many tokens ``source`` has (comments, blank lines and the end marker
    aside); ``ParseLimit`` at the first place it is past a limit.

    Where Python's tokenizer refuses the source (an indentation that matches
    no outer level; on Python 3.12 and later, its own limits), that is the
    syntax error; a source that ends inside a bracket or a string ends the
    check, and the parser reports it.  On CPython 3.11 the tokens come from
    its tokenizer in C (seven times faster than ``tokenize``, the same tokens);
    a source it refuses or that is past a limit is read again by ``tokenize``,
    for the message and place as ``tokenize`` gives them.
    """
    if _C_TOKENS is not None and "\r" not in source:  # (lines end as ``_offset_after_line`` counts them)
        try:
            return _scan_in_c(source)
        except Exception:  # noqa: BLE001 - refused, past a limit, or not read to its end: read again, as below
            pass
    try:
        return _scan(_python_tokens(source))
    except SyntaxError as exc:
        raise ParseLimit(exc.msg, exc.lineno or 1, exc.offset or 1, python=True) from None


def _scan_in_c(source: str) -> int:
    """``_scan`` on the tokens of CPython 3.11's tokenizer in C, when they are those
    ``tokenize`` gives; else an exception.  It stops at an error without saying
    so (a bad indentation, a character that is no token, the end inside a
    bracket) and stops indenting at Python's limit: only a source it read to
    the end, every block and bracket closed and nothing but blank lines and
    comments after its last token, is counted here."""
    last = [0]  # the line the last token ends on
    count = _scan(_c_tokens(source, last), MAX_INDENT - 1, closed=True)
    if _CODE.search(source, _offset_after_line(source, last[0])):
        raise _NotToTheEnd()
    return count


def _scan(tokens: Iterator[tuple[int, str, int, int]], max_indent: int = MAX_INDENT, closed: bool = False) -> int:
    """How many ``tokens``; ``ParseLimit`` at the first place past a limit; with
    ``closed``, ``_NotToTheEnd`` when a block or a bracket is still open at their end."""
    levels: list[int] = []  # for each open bracket: the operators chained before it at its level
    chained = 0  # operators chained at the innermost level, since its last separator
    outer = 0  # the sum of ``levels``
    indent = 0
    operand = False  # whether the last token ends an operand (a bracket after it opens a call or subscript)
    count = 0
    try:
        for count, (kind, text, line, column) in enumerate(tokens, 1):
            if count > MAX_TOKENS:
                raise ParseLimit(f"the source has more than {MAX_TOKENS:,} tokens", line, column + 1, python=False)
            if kind == tokenize.INDENT:
                indent += 1
                if indent > max_indent:
                    raise ParseLimit("too many levels of indentation", line, column + 1, python=True)
            elif kind == tokenize.DEDENT:
                indent -= 1
            elif kind == tokenize.NEWLINE:
                chained = 0
            elif kind == tokenize.OP and text in OPENING:
                chained += operand
                levels.append(chained)
                outer += chained
                chained = 0
                if len(levels) > MAX_BRACKETS:
                    raise ParseLimit("too many nested parentheses", line, column + 1, python=True)
            elif kind == tokenize.OP and text in CLOSING:
                chained = levels.pop() if levels else 0
                outer -= chained
            elif kind == tokenize.OP:
                chained = 0 if text in ENDS else chained + 1
            elif kind == tokenize.NAME and text in OPERATOR_KEYWORDS:
                chained += 1
            if kind in OPERANDS or kind == tokenize.OP:
                operand = (kind in OPERANDS and not keyword.iskeyword(text)) or text in CLOSING
            if len(levels) + outer + chained > MAX_EXPRESSION_DEPTH:
                message = f"an expression nested more than {MAX_EXPRESSION_DEPTH:,} levels deep (brackets and chained operators)"
                raise ParseLimit(message, line, column + 1, python=False)
    except tokenize.TokenError:
        pass
    if closed and (indent or levels):
        raise _NotToTheEnd()
    return count


def _python_tokens(source: str) -> Iterator[tuple[int, str, int, int]]:
    """``source``'s tokens from ``tokenize``: kind (``OP`` for every operator), text, line, column."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_COUNTED:
            yield token.type, token.string, token.start[0], token.start[1]


def _c_tokens(source: str, last: list[int]) -> Iterator[tuple[int, str, int, int]]:
    """``source``'s tokens from CPython 3.11's tokenizer in C, as ``_python_tokens``
    gives them (its columns count bytes: a limit's place is read from ``tokenize``);
    ``last[0]``: the line the last one ends on.  A character that is no token
    (``tokenize`` gives it and the spaces before it as error tokens) ends them
    with ``_NotToTheEnd``."""
    assert _C_TOKENS is not None
    for text, kind, line, end_line, column, _, _ in _C_TOKENS(source):
        if kind == tokenize.OP:  # each operator has its own kind here: this is no token
            raise _NotToTheEnd()
        last[0] = end_line
        yield (tokenize.OP if kind in _OPERATOR_KINDS else kind), text, line, column


def _offset_after_line(source: str, line: int) -> int:
    """Where the line after ``line`` (1-based) starts in ``source``."""
    offset = 0
    for _ in range(line):
        found = source.find("\n", offset)
        if found < 0:
            return len(source)
        offset = found + 1
    return offset


class _NotToTheEnd(Exception):
    """The tokenizer in C did not give every token of the source."""


#: a line with something else than spaces and a comment
_CODE = re.compile(r"^[ \t\f]*[^\s#]", re.MULTILINE)
#: tokens not counted (nor given by the tokenizer in C)
_NOT_COUNTED = frozenset((tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER))
#: each operator's own kind (``tokenize`` calls them all ``OP``)
_OPERATOR_KINDS = frozenset(tokenize.EXACT_TOKEN_TYPES.values())
#: CPython 3.11's tokenizer in C, as ``tokenize`` gives its tokens (3.12 and later:
#: ``tokenize`` itself uses it, and this private iterator changed)
_C_TOKENS: Callable[[str], Iterator[tuple[str, int, int, int, int, int, str]]] | None = None
if sys.version_info[:2] == (3, 11) and sys.implementation.name == "cpython":
    try:
        from _tokenize import TokenizerIter as _C_TOKENS  # type: ignore[no-redef]
    except ImportError:
        pass
