"""The fast walk over libcst trees (``interpreter/walk.py``)."""

from __future__ import annotations

import inspect
from pathlib import Path

import libcst as cst

from kerascheck.interpreter.walk import LAYOUT, walk

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def every_node(node: cst.CSTNode) -> list[cst.CSTNode]:
    found = [node]
    for child in node.children:
        found.extend(every_node(child))
    return found


def test_the_walk_leaves_out_only_punctuation_whitespace_and_comments():
    for path in sorted(FIXTURES.rglob("*.py"))[:60]:
        module = cst.parse_module(path.read_text())
        walked = {id(node) for node in walk(module)}
        for node in every_node(module):
            if id(node) not in walked:
                assert not isinstance(node, (cst.BaseExpression, cst.BaseStatement, cst.BaseSmallStatement, cst.Arg,
                                             cst.Param, cst.Decorator, cst.AsName, cst.ImportAlias)), (path, node)
    assert {"lpar", "comma", "whitespace_after"} & LAYOUT == {"lpar", "comma"}  # whitespace_*: by their prefix


def test_libcsts_concrete_node_classes_have_no_subclasses():
    # The interpreter and its scans tell a node's kind by ``type(node) is cst.Name``
    # (``isinstance`` against libcst's classes goes through ABCMeta, slowly): that
    # is the same test only while no concrete class has a subclass.
    concrete = [
        cls for name, cls in inspect.getmembers(cst, inspect.isclass)
        if issubclass(cls, cst.CSTNode) and not name.startswith("Base") and not inspect.isabstract(cls)
    ]
    assert len(concrete) > 150 and cst.Name in concrete and cst.Call in concrete
    assert [cls for cls in concrete if cls.__subclasses__()] == []
