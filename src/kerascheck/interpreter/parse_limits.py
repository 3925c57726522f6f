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
import tokenize

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
    """How many tokens ``source`` has; ``ParseLimit`` at the first place it is past a limit.

    Where Python's tokenizer refuses the source (an indentation that matches
    no outer level; on Python 3.12 and later, its own limits), that is the
    syntax error; a source that ends inside a bracket or a string ends the
    check, and the parser reports it.
    """
    levels: list[int] = []  # for each open bracket: the operators chained before it at its level
    chained = 0  # operators chained at the innermost level, since its last separator
    outer = 0  # the sum of ``levels``
    indent = 0
    operand = False  # whether the last token ends an operand (a bracket after it opens a call or subscript)
    count = 0
    try:
        for count, token in enumerate(tokenize.generate_tokens(io.StringIO(source).readline), 1):
            kind, text = token.type, token.string
            if count > MAX_TOKENS:
                raise _limit(token, f"the source has more than {MAX_TOKENS:,} tokens", python=False)
            if kind == tokenize.INDENT:
                indent += 1
                if indent > MAX_INDENT:
                    raise _limit(token, "too many levels of indentation", python=True)
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
                    raise _limit(token, "too many nested parentheses", python=True)
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
                raise _limit(token, message, python=False)
    except SyntaxError as exc:
        raise ParseLimit(exc.msg, exc.lineno or 1, exc.offset or 1, python=True) from None
    except tokenize.TokenError:
        pass
    return count


def _limit(token: tokenize.TokenInfo, message: str, python: bool) -> ParseLimit:
    return ParseLimit(message, token.start[0], token.start[1] + 1, python)
