"""The interpreter's own walk of a syntax tree (``semantics.children``): the nodes
libcst's ``children`` gives, faster; and literals evaluated once per node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from helpers import only_model
from kerascheck.interpreter.semantics import children

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "classic"


def test_children_are_libcsts_children():
    for path in sorted(SAMPLE.glob("*.py"))[:5]:
        stack: list[cst.CSTNode] = [cst.parse_module(path.read_text())]
        while stack:
            node = stack.pop()
            found = children(node)
            assert sorted(map(id, found)) == sorted(map(id, node.children)), (path, type(node).__name__)
            stack.extend(found)


def test_a_literal_in_a_loop_keeps_its_value():
    model = only_model(
        """
        import keras
        m = keras.Sequential([keras.Input((8,))])
        for i in range(3):
            m.add(keras.layers.Dense(4 + 0x1 + len('ab' 'c'), name=f'd{i}' + '_x'))
        """
    )
    assert [(layer["name"], layer["output_shape"]) for layer in model["layers"]] == [
        ("d0_x", [None, 8]), ("d1_x", [None, 8]), ("d2_x", [None, 8])
    ]
