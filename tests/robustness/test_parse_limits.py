"""Nesting and size read from the tokens before libcst parses
(``interpreter.parse_limits``): Python's own limits where it has them, exactly,
and kerascheck's past them."""

from __future__ import annotations

import sys

import pytest

from kerascheck.analysis import Options, analyze_source
from kerascheck.interpreter.parse_limits import MAX_EXPRESSION_DEPTH, MAX_TOKENS, ParseLimit, check


def python_refuses(source: str) -> bool:
    try:
        compile(source, "x.py", "exec", flags=0x400)  # ast.PyCF_ONLY_AST: parsed, never run
    except (SyntaxError, MemoryError):
        return True
    return False


def brackets(depth: int) -> str:
    return "x = " + "[" * depth + "]" * depth + "\n"


def indented(levels: int) -> str:
    return "".join("    " * i + "if x:\n" for i in range(levels)) + "    " * levels + "pass\n"


@pytest.mark.parametrize("source", [brackets(200), brackets(201), indented(99), indented(100)])
def test_pythons_own_limits_are_pythons_exactly(source):
    try:
        check(source)
        refused = False
    except ParseLimit as limit:
        assert limit.python
        refused = True
    assert refused == python_refuses(source)


def test_operators_chained_past_the_depth_kerascheck_parses():
    chain = lambda n: "x = " + " + ".join(["1"] * n) + "\n"  # noqa: E731
    check(chain(MAX_EXPRESSION_DEPTH))
    for source in (chain(MAX_EXPRESSION_DEPTH + 2), "x = " + "-" * 600 + "1\n", "x = a" + "[0]" * 600 + "\n", "x = f" + "()" * 600 + "\n"):
        with pytest.raises(ParseLimit) as raised:
            check(source)
        assert not raised.value.python and raised.value.line == 1


def test_separated_items_do_not_chain():
    check("x = [" + ", ".join(["a + b"] * 5_000) + "]\n")
    check("f(" + ", ".join(f"k{i}=not a" for i in range(3_000)) + ")\n")
    check("x = 1 + 2\n" * 5_000)


def test_a_source_of_too_many_tokens_is_not_parsed():
    with pytest.raises(ParseLimit) as raised:
        check("x = 1\n" * (MAX_TOKENS // 4 + 1))
    assert "tokens" in str(raised.value) and not raised.value.python


def test_what_pythons_tokenizer_refuses_is_a_syntax_error_where_it_says():
    report = analyze_source("import keras\nif x:\n    a = 1\n  b = 2\n", "bad.py", Options())
    (diagnostic,) = report.diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("KC001", 4)
    assert "unindent does not match any outer indentation level" in diagnostic.message


def test_a_source_that_ends_inside_a_bracket_is_left_to_the_parser():
    check("x = (1,\n")
    report = analyze_source("import keras\nx = (1,\n", "bad.py", Options())
    assert [d.code for d in report.diagnostics] == ["KC001"]


AGREEING = [
    "x = 1  # a comment\n\n\ny = [1,\n     2]\n",
    "s = 'é' + f'{x!r:>{w}}'\nif s:\n    pass\n",
    brackets(200),
    brackets(201),
    indented(98),
    indented(99),
    indented(100),
    "def f(:\n",
    "x = (1,\n",
    "if x:\n        a\n    b\n",  # an unindent that matches no outer level
    "if x:\n\ta\n        b\n",  # tabs and spaces mixed
    "x = " + "-" * (MAX_EXPRESSION_DEPTH + 1) + "1\n",
    "é = [" * 3 + "]" * 3 + "\n",
    "x = $\ny = 2\n",  # no token: tokenize gives error tokens, the tokenizer in C stops
    "x = 1\n$y\n",
    "x = 1\nif x:\n    y = 2\n# end\n\n",
    "s = '" + "''abc\n",
    "x = 1\r\ny = [\r\n  2]\r\n",
    "if x:\n    pass\nelse:\n  y\n",
    "",
]


@pytest.mark.parametrize("source", AGREEING)
def test_the_tokenizer_in_c_and_tokenize_give_the_same_count_and_limits(source, monkeypatch):
    from kerascheck.interpreter import parse_limits

    def outcome() -> object:
        try:
            return check(source)
        except ParseLimit as limit:
            return (str(limit), limit.line, limit.column, limit.python)

    fast = outcome()
    monkeypatch.setattr(parse_limits, "_C_TOKENS", None)
    assert fast == outcome()


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the tokenizer in C is read on CPython 3.11 only")
def test_on_python_3_11_ordinary_sources_are_read_by_the_tokenizer_in_c():
    from kerascheck.interpreter import parse_limits

    for source in (AGREEING[0], AGREEING[1], AGREEING[15], brackets(200), indented(98)):
        assert parse_limits._scan_in_c(source) == check(source)
