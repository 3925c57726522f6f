"""The parse without libcst's per-node checks (``modules.parse_unchecked``) makes
the trees and rejects the sources ``libcst.parse_module`` does."""

from pathlib import Path

import libcst
import pytest

from kerascheck.interpreter.modules import parse_unchecked

FIXTURES = sorted((Path(__file__).parents[2] / "fixtures").rglob("*.py"))
REJECTED = [
    "def f(*): pass\n",
    "lambda *: 0\n",
    "x = (1\n",
    "print(a for a in b, c)\n",
    "f(**a, *b)\n",
    "def f(a=1, b): pass\n",
    "import a.b as\n",
    "x: int = 1 if 2\n",
    "del f()\n",
    "a + 1 = 2\n",
    "class A(x for x in y): pass\n",
    "f(x=1, x)\n",
    "x = 1 +\n",
    "if x:\npass\n",
    "  x = 1\n",
]


@pytest.mark.parametrize("path", FIXTURES[:40], ids=lambda p: p.name)
def test_a_source_gives_the_same_tree(path):
    source = path.read_text()
    tree = parse_unchecked(source)
    assert tree.code == source
    assert tree.deep_equals(libcst.parse_module(source))


@pytest.mark.parametrize("source", REJECTED)
def test_a_source_libcst_rejects_is_rejected(source):
    with pytest.raises(libcst.ParserSyntaxError):
        libcst.parse_module(source)
    with pytest.raises(libcst.ParserSyntaxError):
        parse_unchecked(source)


def test_nodes_made_by_hand_are_checked_again_after_a_parse_even_a_failed_one():
    with pytest.raises(libcst.ParserSyntaxError):
        parse_unchecked("x = (\n")
    parse_unchecked("x = 1\n")
    with pytest.raises(libcst.CSTValidationError):
        libcst.Name("")
    with pytest.raises(libcst.CSTValidationError):
        libcst.SimpleWhitespace("x")
