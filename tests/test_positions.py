"""Our reported-nodes-only positions equal libcst's PositionProvider."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kerascheck.positions import Positions

ROOT = Path(__file__).resolve().parents[1]
APPLICATIONS = Path(importlib.util.find_spec("keras").submodule_search_locations[0]) / "src" / "applications"
FILES = sorted((ROOT / "fixtures").rglob("*.py"))[:20] + [
    # Keras's own applications: large files, seconds all together
    pytest.param(path, marks=pytest.mark.slow)
    for path in sorted(APPLICATIONS.glob("*.py"))
]


class Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.BaseExpression, cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            self.nodes.append(node)
        return True


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_positions_match_libcst(path):
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    collector = Collect()
    module.visit(collector)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    positions = Positions(module)
    positions.prepare(collector.nodes)
    for node in collector.nodes:
        span, want = positions.span(node), expected[node]
        assert (span.line, span.column) == (want.start.line, want.start.column + 1), node
        if not isinstance(node, cst.BaseCompoundStatement):
            assert (span.end_line, span.end_column) == (want.end.line, want.end.column + 1), node


@pytest.mark.parametrize("path", FILES[:8], ids=lambda p: p.name)
def test_positions_of_some_nodes_then_of_a_later_one(path):
    # The code is generated up to the statement of the last node wanted; a node
    # asked for later (further down) generates it again, further.
    module = cst.parse_module(path.read_text(encoding="utf-8").rstrip("\n"))  # no trailing newline either
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    statements = module.body
    early, late = Collect(), Collect()
    for statement in statements[: len(statements) // 2]:
        statement.visit(early)
    statements[-1].visit(late)
    positions = Positions(module)
    positions.prepare(early.nodes[::3])
    for node in [*early.nodes[::3], late.nodes[-1], *early.nodes[1::3]]:
        span, want = positions.span(node), expected[node]
        assert (span.line, span.column) == (want.start.line, want.start.column + 1), node
