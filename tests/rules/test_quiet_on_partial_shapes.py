"""No rule fires on a guess from a partly known shape.

Every documented example of every rule, with one size of a declared input shape
(``keras.Input((28, 28, 1))``, ``input_shape=``, ``input_dim=``...) made
unknown: each diagnostic it gives must also be given for that size, and for two
other sizes.  A diagnostic the unknown size allows is one that holds whatever
the size is; a rule that needs the size stays quiet.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst
import pytest

from kerascheck.analysis import Options, analyze_bytes
from kerascheck.rules import all_rules

SHAPE_KEYWORDS = frozenset({"shape", "input_shape", "batch_shape", "batch_input_shape", "input_dim", "input_length"})
#: a size kerascheck cannot know, on a line of its own before the example (all lines move down by one)
PRELUDE = "import sys; SIZE = int(sys.argv[1])\n"


class DeclaredSizes(cst.CSTVisitor):
    """The integer literals of the input shapes a source declares."""

    def __init__(self) -> None:
        self.found: list[cst.Integer] = []
        self.depth = 0

    def visit_Arg(self, node: cst.Arg) -> None:
        self.depth += node.keyword is not None and node.keyword.value in SHAPE_KEYWORDS

    def leave_Arg(self, node: cst.Arg) -> None:
        self.depth -= node.keyword is not None and node.keyword.value in SHAPE_KEYWORDS

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if name == "Input" and node.args and node.args[0].keyword is None and not self.depth:
            self.depth += 1
            node.args[0].value.visit(self)
            self.depth -= 1

    def visit_Integer(self, node: cst.Integer) -> None:
        if self.depth and node not in self.found:
            self.found.append(node)


class Replace(cst.CSTTransformer):
    def __init__(self, target: cst.Integer, text: str) -> None:
        self.target, self.text = target, text

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.BaseExpression:
        return cst.parse_expression(self.text) if original is self.target else updated


def variants():
    rules = all_rules()
    for code, rule in rules.items():
        for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid)):
            for i, example in enumerate(examples):
                if isinstance(example.source, bytes):
                    continue
                try:
                    module = cst.parse_module(example.source)
                except cst.ParserSyntaxError:
                    continue  # an example of a syntax error
                sizes = DeclaredSizes()
                module.visit(sizes)
                for j, size in enumerate(sizes.found):
                    yield pytest.param(module, size, example.options, id=f"{code}-{kind}-{i}-size{j}")


def diagnostics(module: cst.Module, size: cst.Integer, text: str, rule_options: dict) -> Counter:
    source = PRELUDE + module.visit(Replace(size, text)).code
    options = Options(rules=tuple(all_rules().values()), rule_options=rule_options)
    report = analyze_bytes(source.encode(), "example.py", options)
    return Counter((d.code, d.span.line) for d in report.diagnostics)


@pytest.mark.slow  # about 500 examples, four analyses each where the unknown size gives a diagnostic
@pytest.mark.parametrize("module, size, rule_options", list(variants()))
def test_unknown_size_gives_only_what_every_size_gives(module, size, rule_options):
    partial = diagnostics(module, size, "SIZE", rule_options)
    if not partial:
        return
    value = int(size.value)
    for other in (value, value + 1, 2 * value + 1):
        concrete = diagnostics(module, size, str(other), rule_options)
        assert not partial - concrete, f"with the size unknown, but not with {other}: {partial - concrete}"
