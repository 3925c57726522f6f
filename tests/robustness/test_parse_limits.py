"""Nesting and size read from the tokens before libcst parses
(``interpreter.parse_limits``): Python's own limits where it has them, exactly,
and kerascheck's past them."""

from __future__ import annotations

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
