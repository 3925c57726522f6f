"""Literals read from their text (``expressions.literal_value``) have Python's values."""

import libcst
import pytest

from kerascheck.interpreter.expressions import literal_value

SOURCES = [
    "0", "00", "7", "123", "1_000", "0x1F", "0o17", "0b101", "1.5", "1e3", "2j",
    "'a'", '"a b"', "''", '""', "'''x'''", '"""x"""', '""""""', "'''a'b'''", '"""a\nb"""',
    "r'\\n'", "'\\n'", "'\\''", "b'x'", "u'x'", "R'x'", "'é'",
]


@pytest.mark.parametrize("source", SOURCES)
def test_a_literal_has_the_value_python_gives_it(source):
    node = libcst.parse_expression(source)
    value = literal_value(node)
    assert value == eval(source) and type(value) is type(eval(source))  # noqa: S307 - a literal
